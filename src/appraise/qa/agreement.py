"""Agreement of the automatic checks with the human reviewers (人机一致性), and the gate it opens.

An automatic check (or rule) *mirrors* a rubric item when both judge the same thing: the
``opening`` check and the form's 开场白. The QA config says which, in its ``agreement`` section
(see :class:`AgreementConfig`). On the conversations both have judged, each pair is

- automatic **hit**: the check failed (``Finding.passed`` is false, or a rule matched);
- human **hit**: the item scored below its full score (``ItemScore.failed``); an item rated N/A,
  or missing from the conversation's form, gives no pair.

and the figures are the usual ones, with the human as the truth (tp: both hit; fp: the check
hit, the human did not; fn: the human hit, the check did not; tn: neither):

- precision = tp ÷ (tp + fp): of the check's hits, how many a reviewer confirms;
- recall = tp ÷ (tp + fn): of the reviewers' hits, how many the check finds;
- Cohen's κ = (po − pe) ÷ (1 − pe), po = (tp + tn) ÷ n the observed agreement,
  pe = ((tp + fp)(tp + fn) + (fn + tn)(fp + tn)) ÷ n² the agreement expected by chance from
  the two sides' hit rates. κ is undefined (None) when pe = 1 (both sides always say the same
  one thing).

The automatic side is a list of :class:`Verdict` (conversation, agent, check or rule name,
hit), so rules plug in as they are; :func:`verdicts_from_findings` turns today's checks'
findings into verdicts. A pair is made on (conversation, agent): the check's finding about the
agent the review is about (a closing finding of the agent a chat was transferred to is not
compared with the owner's review).

The gate: a check whose agreement is below what the config requires (``require: {kappa: 0.6}``,
``precision``, ``recall``, ``min_pairs``) is *withheld*: the metrics it feeds are removed from
what a scheme reads (:func:`withhold`), each with a warning that says why. A check with a
requirement and no pairs yet is withheld too: it is not proven.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from appraise.inputs.names import normalize_name
from appraise.messages import Message, message
from appraise.problems import Problem

if TYPE_CHECKING:
    from appraise.qa.checks import Finding
    from appraise.qa.rubric import ReviewResult


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Requirement(_Model):
    """What a check must reach before its metrics count; every field given must be met."""

    kappa: float | None = Field(None, ge=-1, le=1)
    precision: float | None = Field(None, ge=0, le=1)
    recall: float | None = Field(None, ge=0, le=1)
    min_pairs: int = Field(1, ge=1)

    @property
    def any(self) -> bool:
        return self.kappa is not None or self.precision is not None or self.recall is not None


class MirrorRef(_Model):
    """The rubric item a check judges, by id or name (开场白 or greeting)."""

    item: str = Field(min_length=1)


class CheckAgreementConfig(_Model):
    mirrors: MirrorRef
    require: Requirement | None = None  # None: the section's ``require``


class AgreementConfig(_Model):
    """The QA config's ``agreement`` section::

        agreement:
          require: {kappa: 0.6, min_pairs: 20}     # for every check listed (optional)
          checks:
            opening: {mirrors: {item: 开场白}}
            closing: {mirrors: {item: 结束语}}
            forbidden: {mirrors: {item: 服务态度}, require: {precision: 0.8}}

    A check not listed mirrors nothing: it has no agreement figures and is never withheld.
    """

    require: Requirement | None = None
    checks: dict[str, CheckAgreementConfig] = {}

    def mirrors(self) -> dict[str, str]:
        return {name: c.mirrors.item for name, c in self.checks.items()}

    def requirement(self, check: str) -> Requirement | None:
        c = self.checks.get(check)
        if c is None:
            return None
        req = c.require if c.require is not None else self.require
        return req if req is not None and req.any else None


@dataclass(frozen=True, slots=True)
class Verdict:
    """One automatic judgement: did check (or rule) ``name`` hit the agent in the conversation?"""

    conversation_id: str
    agent_id: str | None
    name: str
    hit: bool


def verdicts_from_findings(findings: Iterable[Finding]) -> list[Verdict]:
    """Today's checks as verdicts: a failed finding is a hit."""
    return [Verdict(f.conversation_id, f.agent_id, f.check, not f.passed) for f in findings]


@dataclass(frozen=True)
class Agreement:
    """The figures of one check against one rubric item in one period ("" = all given)."""

    period: str
    check: str
    item: str  # as the config names it
    tp: int
    fp: int
    fn: int
    tn: int
    unmatched: int  # verdicts without a human rating of the item (not reviewed, N/A, other form)

    @property
    def pairs(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> Decimal | None:
        d = self.tp + self.fp
        return Decimal(self.tp) / d if d else None

    @property
    def recall(self) -> Decimal | None:
        d = self.tp + self.fn
        return Decimal(self.tp) / d if d else None

    @property
    def observed(self) -> Decimal | None:
        n = self.pairs
        return Decimal(self.tp + self.tn) / n if n else None

    @property
    def expected(self) -> Decimal | None:
        n = self.pairs
        if not n:
            return None
        yes = Decimal(self.tp + self.fp) * (self.tp + self.fn)
        no = Decimal(self.fn + self.tn) * (self.fp + self.tn)
        return (yes + no) / (n * n)

    @property
    def kappa(self) -> Decimal | None:
        po, pe = self.observed, self.expected
        if po is None or pe is None or pe == 1:
            return None
        return (po - pe) / (1 - pe)


def _item_key(text: str) -> str:
    return normalize_name(text)


def _human(results: Iterable[ReviewResult]) -> dict[tuple[str, str], list[dict[str, bool]]]:
    """(conversation, agent) -> per review, folded item id and name -> failed (N/A left out)."""
    out: dict[tuple[str, str], list[dict[str, bool]]] = defaultdict(list)
    for r in results:
        if r.score is None:
            continue
        items: dict[str, bool] = {}
        for it in r.items:
            if it.na or it.score is None:
                continue
            items[_item_key(it.id)] = it.failed
            items[_item_key(it.name)] = it.failed
        out[(r.conversation_id, r.agent_id)].append(items)
    return out


def agreement(
    auto: Iterable[Verdict],
    reviews: Sequence[ReviewResult],
    mirrors: Mapping[str, str],
    *,
    period_of: Callable[[str], str] | None = None,
) -> list[Agreement]:
    """Precision, recall and κ of each mirrored check against its item, per period.

    ``reviews`` are the human reviews (pass :func:`appraise.qa.disputes.effective_reviews`, so a
    decided dispute's review is the one compared); each review of a conversation is one pair.
    ``period_of`` gives a conversation's period (without it every pair is in period ""). Several
    verdicts of one check about one agent and conversation are one hit when any of them hits.
    Results are sorted by period, then check in the order of ``mirrors``.
    """
    human = _human(reviews)
    hits: dict[tuple[str, str, str], bool] = {}
    for v in auto:
        if v.name not in mirrors or v.agent_id is None:
            continue
        key = (v.name, v.conversation_id, v.agent_id)
        hits[key] = hits.get(key, False) or v.hit
    counts: dict[tuple[str, str], list[int]] = {}
    order = list(mirrors)
    for (name, cid, agent), hit in hits.items():
        period = period_of(cid) if period_of else ""
        c = counts.setdefault((period, name), [0, 0, 0, 0, 0])
        item = _item_key(mirrors[name])
        rated = [r[item] for r in human.get((cid, agent), []) if item in r]
        if not rated:
            c[4] += 1
        for failed in rated:
            c[0 if hit and failed else 1 if hit else 2 if failed else 3] += 1
    return [
        Agreement(period, name, mirrors[name], *counts[(period, name)])
        for period, name in sorted(counts, key=lambda k: (k[0], order.index(k[1])))
    ]


# ------------------------------------------------------------------------------------ the gate

# The metrics of agent_metrics each of today's checks feeds (qa_checked is everybody's).
CHECK_METRICS: dict[str, tuple[str, ...]] = {
    "opening": ("qa_opening_rate",),
    "closing": ("qa_closing_rate",),
    "forbidden": ("qa_forbidden_count", "taboo_phrases"),
    "response": ("qa_response_breaches",),
    "silence": ("qa_long_silences",),
    "hangup": ("qa_hangup_first_count",),
}


def check_of_metric(metric: str) -> str | None:
    """The automatic check (or rule) whose agreement a metric stands on: ``qa_opening_rate``
    -> ``opening``, ``autoqa_<rule id>`` -> the rule; None for any other metric, and for the
    rules' totals (``autoqa_hits``, ``autoqa_redline_count`` ...), which no one rule makes."""
    for check, metrics in CHECK_METRICS.items():
        if metric in metrics:
            return check
    if metric.startswith("autoqa_"):
        from appraise.qa.rules.metrics import AUTOQA_METRICS

        if metric not in AUTOQA_METRICS:
            return metric.removeprefix("autoqa_")
    return None


def _fmt(x: Decimal | float | None) -> str:
    return "—" if x is None else f"{float(x):.2f}"


@dataclass(frozen=True)
class Gate:
    """Whether a check's metrics count, and the sentence that says why not."""

    check: str
    passed: bool
    agreement: Agreement | None
    requirement: Requirement
    reasons: tuple[Message, ...]  # one per requirement unmet

    def problems(self, metrics: Sequence[str]) -> list[Problem]:
        """One warning per requirement unmet, naming the metrics withheld."""
        return [
            Problem(
                "warning",
                "qa_agreement_unmet",
                message(
                    "qa.withheld",
                    "{metrics} of check {check} withheld: {reason}",
                    metrics=", ".join(metrics),
                    check=self.check,
                    reason=r,
                ),
            )
            for r in self.reasons
        ]


def gate(check: str, req: Requirement, got: Agreement | None) -> Gate:
    """Is ``req`` met by ``got`` (None: no human review of the item yet)?"""
    reasons: list[Message] = []
    pairs = got.pairs if got else 0
    if pairs < req.min_pairs:
        reasons.append(
            message(
                "qa.too_few_pairs",
                "{pairs} conversation(s) reviewed by a person on this item, {min} needed",
                pairs=pairs,
                min=req.min_pairs,
            )
        )
    else:
        assert got is not None
        for what, need, value in (
            ("kappa", req.kappa, got.kappa),
            ("precision", req.precision, got.precision),
            ("recall", req.recall, got.recall),
        ):
            if need is None:
                continue
            if value is None:
                reasons.append(
                    message(
                        "qa.figure_undefined",
                        "{what} cannot be computed on these reviews (needs {need})",
                        what=what,
                        need=_fmt(need),
                    )
                )
            elif value < Decimal(repr(need)):
                reasons.append(
                    message(
                        "qa.figure_below",
                        "{what} {value} below the {need} required",
                        what=what,
                        value=_fmt(value),
                        need=_fmt(need),
                    )
                )
    return Gate(check, not reasons, got, req, tuple(reasons))


def gates(config: AgreementConfig, figures: Sequence[Agreement]) -> list[Gate]:
    """The gate of every check with a requirement, over ``figures`` (one period's)."""
    by_check = {a.check: a for a in figures}
    out: list[Gate] = []
    for check in config.checks:
        req = config.requirement(check)
        if req is not None:
            out.append(gate(check, req, by_check.get(check)))
    return out


def withhold(
    metrics: Mapping[str, Mapping[str, float | Decimal | None]],
    shut: Sequence[Gate],
    metric_of: Mapping[str, Sequence[str]] = CHECK_METRICS,
) -> tuple[dict[str, dict[str, float | Decimal | None]], list[Problem]]:
    """``metrics`` (agent -> metric -> value) without the metrics of the checks whose gate is
    shut, and one warning per such check. ``metric_of`` names each check's metrics (a rule
    passes its own)."""
    closed = [g for g in shut if not g.passed]
    gone = {m for g in closed for m in metric_of.get(g.check, ())}
    kept = {
        agent: {m: v for m, v in row.items() if m not in gone} for agent, row in metrics.items()
    }
    present = {m for row in metrics.values() for m in row}
    problems = [
        p
        for g in closed
        for p in g.problems([m for m in metric_of.get(g.check, ()) if m in present] or [g.check])
    ]
    return kept, problems


@dataclass(frozen=True)
class Checked:
    """One period's automatic metrics once the gate has been applied."""

    metrics: dict[str, dict[str, float | Decimal | None]]
    figures: list[Agreement]
    gates: list[Gate]
    problems: list[Problem]


def gated_metrics(
    findings: Sequence[Finding],
    reviews: Sequence[ReviewResult],
    config: AgreementConfig,
    *,
    verdicts: Sequence[Verdict] = (),
    metric_of: Mapping[str, Sequence[str]] = CHECK_METRICS,
) -> Checked:
    """``agent_metrics(findings)`` without the metrics of the checks that have not shown the
    agreement the config requires, on the human ``reviews`` of the same period; ``verdicts``
    adds the rules' verdicts to the checks'."""
    from appraise.qa.checks import agent_metrics

    figs = agreement([*verdicts_from_findings(findings), *verdicts], reviews, config.mirrors())
    shut = gates(config, figs)
    metrics, problems = withhold(agent_metrics(findings), shut, metric_of)
    return Checked(metrics, figs, shut, problems)


def read_agreement(path: str, period: str) -> dict[str, Agreement]:
    """The agreement of each check for ``period`` from a JSON file that ``appraise qa agreement
    --format json`` (its ``checks``) or ``appraise qa check`` (its ``agreement``) wrote: check
    -> figures, rebuilt from the counts (tp, fp, fn, tn), so precision, recall and κ are exact.
    A file of another period, or an entry without its counts, is a problem naming the file."""
    import json

    from appraise.problems import ProblemsError

    def bad(msg: Message, field: str) -> ProblemsError:
        return ProblemsError([Problem("error", "bad_agreement", msg, path, field=field)])

    try:
        with open(path, encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ProblemsError([Problem("error", "unreadable", str(exc), path)]) from None
    entries = doc.get("checks", doc.get("agreement")) if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise bad(
            message(
                "qa.agreement_file",
                "not an agreement file: expected the JSON of appraise qa agreement --format json",
            ),
            "checks",
        )
    if doc.get("period") not in (None, "", period):
        raise bad(
            message(
                "qa.agreement_period",
                "the agreement is of period {got}, not {want}",
                got=doc.get("period"),
                want=period,
            ),
            "period",
        )
    out: dict[str, Agreement] = {}
    for i, e in enumerate(entries):
        counts = [e.get(k) if isinstance(e, dict) else None for k in ("tp", "fp", "fn", "tn")]
        check = e.get("check") if isinstance(e, dict) else None
        if not isinstance(check, str) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts
        ):
            raise bad(
                message(
                    "qa.agreement_entry",
                    "entry {n} needs a check and its counts tp, fp, fn, tn (whole numbers)",
                    n=i + 1,
                ),
                "checks",
            )
        tp, fp, fn, tn = (int(n or 0) for n in counts)
        out[check] = Agreement(
            period, check, str(e.get("item", "")), tp, fp, fn, tn, int(e.get("unmatched") or 0)
        )
    return out
