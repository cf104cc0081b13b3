"""The scheme language: pydantic models of an appraisal scheme (考核方案).

A scheme is a YAML file; docs/scheme-format.md explains every field with examples and
schemes/scheme.schema.json is generated from these models
(``python -m appraise.schemes.jsonschema``).
Structural problems (a missing field, a wrong type) are found by pydantic; problems that need the
whole scheme (weights that do not add up, an unknown metric) by :mod:`appraise.schemes.validate`.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from appraise.messages import said
from appraise.periods import PeriodKind
from appraise.schemes.expr import Expr, ExprError
from appraise.schemes.ranges import Range, to_decimal


def _dec(v: Any) -> Decimal:
    return to_decimal(v)


def _share(v: Any) -> Decimal:
    """``"10%"`` or ``10`` -> Decimal("10") (percent units)."""
    text = str(v).strip()
    return to_decimal(text[:-1] if text.endswith(("%", "％")) else v)


def _range(v: Any) -> Range:
    return v if isinstance(v, Range) else Range.parse(v)


def _expr(v: Any) -> Expr:
    if isinstance(v, Expr):
        return v
    try:
        return Expr.parse(str(v))
    except ExprError as exc:
        raise ValueError(said(exc)) from None


Num = Annotated[Decimal, BeforeValidator(_dec), PlainSerializer(str, return_type=str)]
# A number that must be above zero (a full score, a rounding step).
PositiveNum = Annotated[Num, Field(gt=0)]
Share = Annotated[
    Decimal, BeforeValidator(_share), PlainSerializer(lambda d: f"{d}%", return_type=str)
]
RangeText = Annotated[
    Range,
    BeforeValidator(_range),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["<= 30", "(30, 40]", ">= 90"]}),
]
ExprText = Annotated[
    Expr,
    BeforeValidator(_expr),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["total < 70", "rank == 1"]}),
]
# Chinese characters (the CJK unified ideographs and extension A) count as letters: an id may be
# 询单转化率. Never a space or punctuation, so an id is one word in a formula (and a Python
# identifier, which formulas are parsed as) and one cell in a table. ``\uXXXX`` rather than ``\w``:
# the pattern is copied into the JSON Schema, whose (ECMA) regexes know no Unicode classes.
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
ID_PATTERN = rf"^[A-Za-z_{_HAN}][A-Za-z0-9_{_HAN}]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
# A scheme's id also names its file (<id>.yaml) and may start with a digit and contain ``-``.
SCHEME_ID_PATTERN = rf"^[a-z0-9{_HAN}][a-z0-9_{_HAN}-]*$"
_NOT_IN_ID = re.compile(rf"[^A-Za-z0-9_{_HAN}]+")


def id_from_name(name: str) -> str | None:
    """The id an indicator without one gets: its name without spaces and punctuation
    (``"1.礼貌得体、语言流畅"`` -> ``"_1礼貌得体语言流畅"``, a leading digit behind ``_``); None
    when nothing of the name is left or it is longer than an id may be."""
    text = _NOT_IN_ID.sub("", unicodedata.normalize("NFKC", name))
    if text[:1].isdigit():
        text = "_" + text
    return text if text and len(text) <= 64 else None


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---------------------------------------------------------------------------------------------
# Score rules: each turns one indicator's input into points on the rule's own scale (0..full).


class Anchor(Node):
    """Guidance for raters: what a score range means (客服人员考核评分细则 13-15 = ...)."""

    range: RangeText
    text: str


class RatedRule(Node):
    """A rated value between ``min`` and ``max`` (a supervisor's 0..100 or 0..5 score)."""

    type: Literal["rated"]
    max: Num = Decimal(100)
    min: Num = Decimal(0)
    anchors: list[Anchor] = []

    @property
    def full(self) -> Decimal:
        return self.max


class Level(Node):
    name: str
    score: Num
    aliases: list[str] = []
    description: str | None = None


class LevelsRule(Node):
    """Named levels, each worth a score: A/B/C = 10/5/0; 较好完成/基本完成/有未完成 = 18/12/6."""

    type: Literal["levels"]
    levels: list[Level] = Field(min_length=1)
    # The item's full score when it is above the best level (20分: 较好完成 18 counts 18 of 20);
    # omitted, the best level's score.
    full: Num | None = None


class Band(Node):
    range: RangeText
    score: Num
    label: str | None = None


class BandsRule(Node):
    """Value bands with explicit edges: 流失率 <= 30% full, (30, 40] 8 points, ..."""

    type: Literal["bands"]
    metric: str | None = None
    bands: list[Band] = Field(min_length=1)
    # Score for a value in no band; without it such a value is an error in the results.
    otherwise: Num | None = None

    @property
    def full(self) -> Decimal:
        return max(b.score for b in self.bands)


class TargetRule(Node):
    """Score against a target.

    ``proportion``: ``full × value / target``, capped at ``cap`` (a share of full, default 100%).
    ``steps``: ``full`` at or above target, minus ``step_points`` for every ``step`` short
    (``rounding`` says how part of a step counts), and 0 below ``zero_below``.
    ``target`` is a number, or omitted to read the agent's target for the metric from the
    ``targets`` metric ``<metric>_target``.
    ``better: lower`` (response times, refund rates) mirrors both: ``full × target / value``
    (a value of 0 or less scores the cap), or ``full`` at or below target minus ``step_points``
    for every ``step`` over, and 0 above ``zero_above``.
    """

    type: Literal["target"]
    metric: str | None = None
    target: Num | None = None
    full: Num
    better: Literal["higher", "lower"] = "higher"
    method: Literal["proportion", "steps"] = "proportion"
    cap: Share = Decimal(100)
    step: Num = Decimal(1)
    step_points: Num = Decimal(1)
    rounding: Literal["floor", "ceil", "exact"] = "floor"
    zero_below: Num | None = None
    # With ``better: lower``: 0 points above this value.
    zero_above: Num | None = None
    min: Num = Decimal(0)


class ThresholdRule(Node):
    """``score`` when the value is in ``range`` (CSAT >= 90% gives 10), else ``otherwise``."""

    type: Literal["threshold"]
    metric: str | None = None
    range: RangeText
    score: Num
    otherwise: Num = Decimal(0)

    @property
    def full(self) -> Decimal:
        return max(self.score, self.otherwise)


class PointsRange(Node):
    """Severity-graded points: each incident's own ``points`` must lie in ``[min, max]``."""

    min: Num
    max: Num


class KindPoints(Node):
    """One kind of incident and what each occurrence is worth."""

    kind: Id
    name: str | None = None
    aliases: list[str] = []
    points: Num | PointsRange
    # A severe variant counts this many times (造成投诉的加倍扣罚 = 2).
    multiplier: Num = Decimal(1)
    # Money taken from (or, in a bonus rule, added to) pay for each occurrence.
    amount: Num | None = None
    # Most points this kind may count for in one period.
    cap: Num | None = None
    # Seat items: the kind counts only for agents in these positions (CDMA专席); an incident of
    # it logged for another position is left out with a warning. Empty: every position.
    positions: list[str] = []


class DeductionRule(Node):
    """Start from ``base`` and deduct per incident; never below ``floor`` (None: no floor)."""

    type: Literal["deduction"]
    base: Num
    kinds: list[KindPoints] = Field(min_length=1)
    floor: Num | None = Decimal(0)

    @property
    def full(self) -> Decimal:
        return self.base


class BonusRule(Node):
    """Points per incident (praise, adopted suggestions), at most ``cap`` in all."""

    type: Literal["bonus"]
    kinds: list[KindPoints] = Field(min_length=1)
    cap: Num | None = None
    base: Num = Decimal(0)

    @property
    def full(self) -> Decimal:
        return self.cap if self.cap is not None else self.base


class RankRule(Node):
    """Points by rank among peers (3/2/1; 5/4/2/1; 10/5/2).

    Agents are ordered by ``metric`` (or the score of indicator ``of``), best first according to
    ``order``. ``ties``: ``share`` gives every tied agent the points of the best place they
    share, ``average`` the average of the points of the places they span, ``exclude`` gives tied
    agents only ``others``. ``eligible`` is a condition an agent must meet to get points
    (订餐成功率低于50%不积分); ineligible agents take no place. ``others`` is what everyone past the
    last place gets.
    """

    type: Literal["rank"]
    metric: str | None = None
    of: Id | None = None
    order: Literal["desc", "asc"] = "desc"
    points: list[Num] = Field(min_length=1)
    others: Num = Decimal(0)
    ties: Literal["share", "average", "exclude"] = "share"
    eligible: ExprText | None = None
    group: Literal["all", "team"] = "all"
    # Agents with a value of 0 (or no value) take no place (no bookings, no first place).
    require_positive: bool = True

    @property
    def full(self) -> Decimal:
        return max(self.points)


class FormulaRule(Node):
    """A safe arithmetic formula over metrics and other indicators' scores."""

    type: Literal["formula"]
    expr: ExprText
    max: Num | None = None
    min: Num | None = None

    @property
    def full(self) -> Decimal:
        return self.max if self.max is not None else Decimal(100)


def full_score_of(rule: object) -> Decimal | None:
    """A rule's full score: what a score is divided by before the weight multiplies it."""
    if isinstance(rule, LevelsRule):
        return rule.full if rule.full is not None else max(lv.score for lv in rule.levels)
    full = getattr(rule, "full", None)
    return full if isinstance(full, Decimal) else None


Rule = Annotated[
    RatedRule
    | LevelsRule
    | BandsRule
    | TargetRule
    | ThresholdRule
    | DeductionRule
    | BonusRule
    | RankRule
    | FormulaRule,
    Field(discriminator="type"),
]


def _id_not_required(schema: dict[str, Any]) -> None:
    """The JSON Schema of an indicator: ``id`` is optional (made from the name)."""
    required = schema.get("required")
    if isinstance(required, list) and "id" in required:
        required.remove("id")


class MinAgreement(Node):
    """What the automatic QA check behind a metric must have shown against the human reviews of
    the same conversations before the metric counts (人机一致性, docs/qa.md "Agreement"):
    ``kappa`` (Cohen's κ, -1..1), ``precision`` and ``recall`` (0..1), each a minimum, over at
    least ``min_pairs`` reviewed conversations. Every figure given must be met."""

    kappa: Annotated[Num, Field(ge=-1, le=1)] | None = None
    precision: Annotated[Num, Field(ge=0, le=1)] | None = None
    recall: Annotated[Num, Field(ge=0, le=1)] | None = None
    min_pairs: Annotated[int, Field(ge=1)] = 1

    def figures(self) -> list[tuple[str, Decimal]]:
        """The figures required, in a fixed order: (kappa | precision | recall, minimum)."""
        got = (("kappa", self.kappa), ("precision", self.precision), ("recall", self.recall))
        return [(k, v) for k, v in got if v is not None]


class Indicator(Node):
    """A category (with ``children``) or an indicator (with a ``rule``).

    ``weight`` is a percentage of the scheme's full score (``"10%"``) or points (``10``); omitted,
    it is the sum of the children's weights, or the rule's full score. ``counts: false`` makes a
    helper indicator (a rank list that a formula combines) that adds nothing by itself.
    ``id`` may be left out: it is then made from ``name`` (:func:`id_from_name`).
    """

    model_config = ConfigDict(json_schema_extra=_id_not_required)

    id: Id
    name: str
    name_en: str | None = None
    description: str | None = None
    weight: Num | str | None = None
    rule: Rule | None = None
    children: list[Indicator] = []
    # Which rater roles score it (rated and levels rules); default: every role.
    raters: list[Id] | None = None
    counts: bool = True
    # An agent with no value for it: score 0 (and a warning), or leave the agent unscored.
    missing: Literal["zero", "fail"] | None = None
    aliases: list[str] = []
    # The agreement with the human reviewers that the automatic QA check behind the metric the
    # rule reads must have shown in the period (``{kappa: 0.6}``); unmet, the metric does not
    # count and the indicator has no value (``missing`` says what that does).
    min_agreement: MinAgreement | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id" not in data and isinstance(data.get("name"), str):
            made = id_from_name(data["name"])
            if made is not None:
                return {"id": made, **data}
        return data

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: Any) -> Decimal | str | None:
        if v is None:
            return None
        text = str(v).strip()
        if text.endswith(("%", "％")):
            return f"{to_decimal(text[:-1])}%"
        return to_decimal(v)

    @property
    def is_leaf(self) -> bool:
        return not self.children


class Adjustment(Indicator):
    """An item outside the full score: 加分项 adds (at most its weight), 减分项 subtracts."""

    direction: Literal["add", "subtract"] = "add"


# ---------------------------------------------------------------------------------------------


class RaterRole(Node):
    """One rater role. ``assigned``: its raters are people HR assigns per agent in the web app
    (colleagues, another department: 同事互评, 跨部门, 办公室评分), several per agent, whose
    ratings are averaged within the role before its weight applies. ``anonymous`` (assigned
    roles only): the agent sees the role's mean, never a rater's name or single rating."""

    id: Id
    name: str
    weight: Share
    assigned: bool = False
    anonymous: bool = False


class Raters(Node):
    """Who rates, with what weight; ``missing`` says what a missing role's rating does.

    ``renormalize``: the present roles share the weight (self 30 + supervisor 50 of 80).
    ``zero``: the missing role counts 0. ``fail``: the indicator has no value (see ``missing``).
    """

    roles: list[RaterRole] = Field(min_length=1)
    missing: Literal["renormalize", "zero", "fail"] = "renormalize"


class Grade(Node):
    """One grade: by a range of the total, or by a condition (first match, best grade first)."""

    name: str
    name_en: str | None = None
    range: RangeText | None = None
    when: ExprText | None = None
    # Extreme grades need a written factual basis (优秀 / 急需改进 need 具体事实依据).
    requires_basis: bool = False


class Veto(Node):
    """一票否决: when ``when`` holds for an agent (a red line crossed: ``autoqa_redline_count >
    0``, a customer complaint upheld), the month fails whatever the indicators scored. ``total``
    is what the total becomes (0: nothing earned, so a rated bonus pays nothing); ``grade`` is
    the grade the agent gets, the last (lowest) grade when not given. It is checked after the
    total and before ranking, so a vetoed total ranks as it is; the grade is set last, after
    quotas. The agent's notes say which veto and why, in the reader's language.
    """

    id: Id
    name: str
    when: ExprText
    total: Num | None = None
    grade: str | None = None


class Quota(Node):
    grade: str
    max: Share | None = None
    share: Share | None = None


class Distribution(Node):
    """Forced distribution (强制分布) applied by rank.

    ``cap``: grades come from the thresholds; a grade with a ``max`` share keeps its best-ranked
    agents up to the quota and moves the rest one grade down. ``forced``: grades come from rank
    alone: the first ``share`` of agents get the first grade, and so on; the last grade takes the
    rest. ``rounding`` turns shares into head counts: ``floor`` (down), ``round`` (nearest, half
    up), ``ceil`` (up), ``at_least_one`` (down, but one when the share and the group are not
    empty); a positive share that rounds to nobody is warned about. ``ties``: ``include`` keeps
    agents tied at the cut together in the better grade (the quota may be exceeded, with a warning),
    ``exclude`` moves them all down.
    """

    mode: Literal["cap", "forced"] = "cap"
    quotas: list[Quota] = Field(min_length=1)
    rounding: Literal["floor", "round", "ceil", "at_least_one"] = "floor"
    ties: Literal["include", "exclude"] = "include"
    group: Literal["all", "team"] = "all"


class LevelRung(Node):
    """A level (底级 .. 特级; 初级/中级/高级客服): a range held for ``periods`` periods in a row."""

    name: str
    name_en: str | None = None
    range: RangeText
    periods: int = Field(1, ge=1)


class Levels(Node):
    """Levels by the total (or by points accumulated over all periods, ``basis: cumulative``)."""

    basis: Literal["total", "cumulative"] = "total"
    rungs: list[LevelRung] = Field(min_length=1)
    # Level when no rung matches; None: no level.
    default: str | None = None


class Ranking(Node):
    """How the total ranks agents: ``shared`` 1,2,2,4; ``dense`` 1,2,2,3; ``tie_breakers``
    (indicator ids, best score first) decide ties before sharing."""

    ties: Literal["shared", "dense"] = "shared"
    tie_breakers: list[Id] = []
    group: Literal["all", "team"] = "all"


class Earlier(Node):
    """One earlier step of a consequence's chain (``after``): ``when`` held in the latest period
    of kind ``over`` that ended before the end of the period read before it."""

    over: PeriodKind
    when: ExprText


class Consequence(Node):
    """A rule over the current and earlier periods: ``when`` holds ``periods`` times in a row.

    ``when`` may use ``total``, ``grade``, ``rank``, ``count`` (agents ranked) and ``level``.
    ``over`` is the kind of period counted (default: the scheme's own). The consequence adds a
    flag, and optionally money (``pay``, negative to deduct) and a due date (``due_days``).
    ``follow_up`` is the work it asks of someone once results are published: ``interview`` (the
    direct supervisor holds a 绩效面谈, the agent signs it), ``plan`` (the agent submits a
    rectification plan, the supervisor accepts it), ``hr`` (an HR decision: training, transfer,
    dismissal, promotion, allowance), ``none``; unset, it is ``none`` for a consequence that pays
    (payroll carries it) and ``hr`` otherwise. ``allowance`` moves the agent's post allowance
    level (岗位津贴, seed 004) by that many levels when the results are published; the web app
    stores the level per agent and shows the move on the HR item.

    ``at`` keeps the rule to some periods of its kind (``[H1]``: the mid-year review, not the
    second half). ``after`` chains earlier steps of other kinds (seed 004: 待改进 in the annual,
    then again at mid-year): each step is read in the latest period of its kind that ended
    before the end of the one read before it, and the rule fires only when every step held too.
    """

    id: Id
    name: str
    when: ExprText
    periods: int = Field(1, ge=1)
    over: PeriodKind | None = None
    at: list[Literal["H1", "H2", "Q1", "Q2", "Q3", "Q4"]] = []
    after: list[Earlier] = []
    pay: Num | None = None
    due_days: int | None = None
    note: str | None = None
    follow_up: Literal["interview", "plan", "hr", "none"] | None = None
    # Levels the agent's post allowance (岗位津贴) moves when the rule fires: 1 up, -1 down.
    allowance: int | None = Field(None, ge=-3, le=3)

    @property
    def follow_up_kind(self) -> str:
        """The declared ``follow_up``, or what an undeclared one means."""
        if self.follow_up is not None:
            return self.follow_up
        return "none" if self.pay is not None else "hr"


# What a scheme reading months (``months:``) has besides its one total per month.
MONTH_AGGREGATES = ("months_mean", "months_count", "months_min", "months_max")
MONTHS_IN = {"quarter": 3, "half": 6, "year": 12}


class Months(Node):
    """The published monthly results of another scheme, read as this (quarterly, half-yearly or
    annual) scheme's metrics: ``month_total_1`` .. ``month_total_N`` (the totals of the period's
    months in order; missing for a month without a result), ``months_mean`` (the mean of those
    the agent has), ``months_count``, ``months_min`` and ``months_max``. In the web application
    they come from the published cycles of ``scheme``; on the command line from the history
    file's rows of those months."""

    scheme: Annotated[str, Field(pattern=SCHEME_ID_PATTERN, max_length=100)]

    def names(self, period: str) -> list[str]:
        n = MONTHS_IN.get(period, 0)
        return [*(f"month_total_{i}" for i in range(1, n + 1)), *MONTH_AGGREGATES]


class Rollup(Node):
    """How published results of the scheme's own periods roll up into longer ones (季度, 半年,
    年度), so that consequences ``over`` those kinds read them without a history file.

    ``to``: the longer kinds made (each a whole number of the scheme's periods). ``rule``:
    ``mean`` is the mean of the totals the agent has in the longer period (a month without a
    result is left out); ``weighted`` weighs each month by the share of its days the agent was
    on the job (hired on the 16th of a 30-day month: 15/30). The rolled total is rounded to
    ``score_step``, graded by the range grades and ranked like a period's total. A longer
    period is rolled up, and a consequence over it fires, in the period that closes it (March
    for the first quarter). A history row given for a longer period wins over the roll-up.
    """

    to: list[PeriodKind] = Field(min_length=1)
    rule: Literal["mean", "weighted"] = "mean"


class Eligibility(Node):
    """Who is appraised and who is paid what.

    ``when`` may use ``tenure_months`` (whole months on the job at the end of the period),
    ``tenure_days``, ``hired_in_period``, ``hired_day`` (day of the month hired), ``position``,
    ``team`` and any metric. ``effect``: ``not_appraised`` leaves the agent out of scores and
    ranks; ``no_pay`` zeroes the pay components listed in ``pay``. ``paid: true`` with
    ``not_appraised`` (不参加本次考核, the salary still paid): the agent keeps the pay lines that
    read no result (pools, formulas over metrics and tenure, hours) and counts in a pool's head
    count; lines that need a score are 0 with the reason.
    """

    id: Id
    name: str
    when: ExprText
    effect: Literal["not_appraised", "no_pay"]
    pay: list[Id] = []
    paid: bool = False


class PayBand(Node):
    range: RangeText
    percent: Num


class PayBase(Node):
    id: Id
    name: str
    # Other conditions for this component (is zero when false).
    when: ExprText | None = None


class RatedBonus(PayBase):
    """额定绩效金额 × 得分 = 实际绩效金额: ``amount`` × total ÷ full score.

    ``amount`` is a number or the name of a metric holding each agent's rated amount.
    """

    type: Literal["rated_bonus"]
    amount: Num | Id


class RankLadder(PayBase):
    """排序工资法: pay by rank, 1000, 800, 600 ... ``step`` continues the list, down to
    ``minimum``; an agent whose total is in ``fallback_range`` gets ``fallback`` instead."""

    type: Literal["rank_ladder"]
    amounts: list[Num] = Field(min_length=1)
    step: Num | None = None
    minimum: Num = Decimal(0)
    fallback_range: RangeText | None = None
    fallback: Num | None = None


class Tiers(PayBase):
    """An amount per grade or level (底级 300, 初级 400, ...; 优秀 300 .. 差 0)."""

    type: Literal["tiers"]
    by: Literal["grade", "level"]
    amounts: dict[str, Num]


class SalaryChange(PayBase):
    """Base-salary change by score band (>= 90: +10%); ``base`` is a metric or a number."""

    type: Literal["salary_change"]
    base: Num | Id
    bands: list[PayBand] = Field(min_length=1)


class HoursProration(PayBase):
    """当月工时须满176小时, 每少8小时扣10元: minus ``amount`` per ``per_hours`` short of
    ``required`` (``rounding`` for part of a block), never more than the component
    ``applies_to``."""

    type: Literal["hours_proration"]
    hours_metric: str = "worked_hours"
    required: Num
    per_hours: Num
    amount: Num
    rounding: Literal["floor", "ceil", "exact"] = "floor"
    applies_to: Id


class Pool(PayBase):
    """A shared pool: Σ ``metric`` over the group × ``rate`` ÷ head count (公共业绩提成)."""

    type: Literal["pool"]
    metric: str
    rate: Share
    group: Literal["all", "team"] = "all"


class PayFormula(PayBase):
    type: Literal["formula"]
    expr: ExprText


PayComponent = Annotated[
    RatedBonus | RankLadder | Tiers | SalaryChange | HoursProration | Pool | PayFormula,
    Field(discriminator="type"),
]


class Pay(Node):
    currency: str = "CNY"
    # Every amount is computed exactly and rounded once, to this step, half up.
    step: Num = Decimal("0.01")
    components: list[PayComponent] = []


class MetricDecl(Node):
    """A metric the scheme reads that is not in the metric catalog: the center supplies it in
    ``metric_values`` (招聘任务完成率, 打字速度), defines it in ``center.yaml``, or the scheme
    defines it here in the metric language (an entry with ``from:``, docs/metrics.md), or in a
    file it names under ``include_metrics:``. The loader keeps such a definition, checked, in
    ``definition``: scoring from events computes it."""

    id: Id
    name: str
    unit: str | None = None
    description: str | None = None
    definition: dict[str, Any] | None = None


class Scheme(Node):
    """An appraisal scheme (考核方案)."""

    id: Annotated[str, Field(pattern=SCHEME_ID_PATTERN, max_length=100)]
    name: str
    name_en: str | None = None
    description: str | None = None
    source: str | None = None
    language: Literal["zh", "en"] = "zh"
    period: PeriodKind = "month"
    # The score the top-level weights should add up to; null for points systems.
    full_score: PositiveNum | None = Decimal(100)
    # sum: the total is the plain sum of weighted scores (as the seed tables do); normalized:
    # weights that do not add up are scaled so that they do.
    total: Literal["sum", "normalized"] = "sum"
    # Scores are shown rounded to this step (half up); totals are computed exactly first.
    score_step: PositiveNum = Decimal("0.01")
    missing: Literal["zero", "fail"] = "zero"
    raters: Raters | None = None
    indicators: list[Indicator] = Field(min_length=1)
    # Items outside the full score; each adds (or subtracts) at most its weight.
    adjustments: list[Adjustment] = []
    eligibility: list[Eligibility] = []
    ranking: Ranking = Ranking()
    grades: list[Grade] = []
    distribution: Distribution | None = None
    levels: Levels | None = None
    consequences: list[Consequence] = []
    # 一票否决 (red lines): a condition that fails the month whatever the indicators scored.
    vetoes: list[Veto] = []
    rollup: Rollup | None = None
    # Another scheme's monthly results as metrics (a quarterly scheme reading its months).
    months: Months | None = None
    pay: Pay | None = None
    # Metrics supplied by the center beyond the catalog, or defined here.
    metrics: list[MetricDecl] = []
    # Files of metric definitions (docs/metrics.md), relative to the scheme file.
    include_metrics: list[str] = []
    # The scale the QA app's review scores (qa_average, qa_internal_average, qa_external_average)
    # are read on: each review's score × qa_scale ÷ its form's full score (31.91 of a 45-point
    # form is 70.91 with qa_scale 100). Omitted, scores are read as they are, which a cycle
    # allows only for forms out of 100.
    qa_scale: PositiveNum | None = None
    # Named constants formulas may use.
    constants: dict[Id, Num] = {}


Indicator.model_rebuild()
Adjustment.model_rebuild()
