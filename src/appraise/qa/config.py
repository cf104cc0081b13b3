"""The QA configuration file (质检配置): scripts, forbidden phrases, time limits, rubrics.

One YAML file, validated by pydantic; every problem is reported at once as ``file:line``, the
way scheme files are. Every section has defaults taken from seed 003 (the scripts of 客服人员考核
评分细则 and the 服务忌语 it names), so an empty file is a working configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appraise.messages import message
from appraise.problems import Problem, ProblemsError, pydantic_text, unreadable
from appraise.qa.agreement import AgreementConfig
from appraise.qa.rules.model import PackEdit, RuleDef
from appraise.qa.text import fold_phrase, script_parts
from appraise.schemes.yamlload import LineMap, load_yaml, yaml_problem


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScriptCheck(_Model):
    """A script that must appear in the first (opening) or last (closing) agent messages.

    A script passes when ANY of ``scripts`` is found; within a script, ``…`` (or ``...``, ``*``)
    stands for anything, so "您好…请问有什么可以帮您" accepts the seed's "您好!阔地网络,**为您服务,
    请问有什么可以帮您?". Parts may fall in different messages of the window.
    """

    enabled: bool = True
    scripts: list[str] = Field(min_length=1)
    within_messages: int = Field(2, ge=1)


class ForbiddenCheck(_Model):
    """服务忌语 in agent messages. ``exceptions`` are texts that contain a phrase and are fine
    (an occurrence inside one of them is not counted)."""

    enabled: bool = True
    phrases: list[str] = Field(min_length=1)
    exceptions: list[str] = []


class ResponseCheck(_Model):
    """An agent reply slower than ``max_seconds`` after the customer's first unanswered message.

    ``business_hours: true`` counts only the center's business hours (center.yaml ``calendar``),
    as the chat response-time metrics do; false counts wall-clock seconds.
    """

    enabled: bool = True
    max_seconds: float = Field(60, gt=0)
    business_hours: bool = True


class SilenceCheck(_Model):
    """A gap longer than ``max_seconds`` between two consecutive customer/agent messages
    (wall clock: the customer waits in real time)."""

    enabled: bool = True
    max_seconds: float = Field(180, gt=0)


class HangupCheck(_Model):
    """A call the agent hung up first (calls.hung_up_by = agent)."""

    enabled: bool = True


class RubricRef(_Model):
    """A rubric: a scheme file scored per conversation, the seats it is for and its special items.

    ``seats`` are matched (like names: ignoring width, case and spaces) against the
    conversation's queue, then its channel. ``default: true`` takes conversations no other
    rubric claims. ``fatal`` items zero the review when failed; ``na_items`` may be rated N/A
    (``"*"``: every item that is not fatal).
    """

    scheme: str
    seats: list[str] = []
    default: bool = False
    fatal: list[str] = []
    na_items: list[str] | Literal["*"] = "*"


DEFAULT_OPENING = ["您好…请问有什么可以帮您", "您好…很高兴为您服务"]
DEFAULT_CLOSING = ["感谢您的来电", "祝您生活愉快", "再见"]
# 服务忌语. 不知道 / 不清楚 alone would flag "屏幕太亮会看不清楚" and the chat template "暂时不知道
# 您的问题是否解决", so the phrases name who does not know (我, 我们, 这边, 也 ...). 没办法 alone
# flagged polite explanations of a real limit ("很抱歉，没办法通过号码查询订单") in the JDDC
# sample, so only 我也没办法 (giving up on the customer) is listed. See docs/qa.md.
DEFAULT_FORBIDDEN = [
    "我不知道",
    "我不清楚",
    "我们不知道",
    "我们不清楚",
    "也不知道",
    "也不清楚",
    "这边不知道",
    "这边不清楚",
    "具体不清楚",
    "不归我管",
    "不关我的事",
    "你自己看",
    "你自己查",
    "我也没办法",
    "听不懂吗",
    "你怎么这么笨",
    "有完没完",
    "急什么",
    "这是规定",
    "爱买不买",
]


class SamplingConfig(_Model):
    """How a risk-weighted sample finds risky conversations (docs/qa.md, "Risk-weighted
    sampling"). ``low_csat``: a conversation whose survey's CSAT (1..5, the ``surveys`` table;
    the lowest of several) is this or lower is in the low-CSAT stratum; null: no such stratum."""

    low_csat: int | None = Field(2, ge=1, le=5)


class QaConfig(_Model):
    opening: ScriptCheck = ScriptCheck(scripts=DEFAULT_OPENING)
    closing: ScriptCheck = ScriptCheck(scripts=DEFAULT_CLOSING)
    forbidden: ForbiddenCheck = ForbiddenCheck(phrases=DEFAULT_FORBIDDEN)
    response: ResponseCheck = ResponseCheck()
    silence: SilenceCheck = SilenceCheck()
    hangup: HangupCheck = HangupCheck()
    rubrics: list[RubricRef] = []
    # Which checks mirror which rubric item, and the agreement they need (qa/agreement.py).
    agreement: AgreementConfig = AgreementConfig()
    sampling: SamplingConfig = SamplingConfig()
    # The rule language (docs/qa.md, "The rule language"): changes to the lexicon packs, the
    # built-in rules to run (true: all of them; or a list of ids), and the config's own rules.
    packs: dict[str, PackEdit] = {}
    builtin_rules: bool | list[str] = False
    rules: list[RuleDef] = []

    @property
    def has_rules(self) -> bool:
        return bool(self.builtin_rules) or bool(self.rules)


def _loc_path(raw: Any, loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    path: list[str | int] = []
    cur = raw
    for part in loc:
        in_dict = isinstance(cur, dict) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if not (in_dict or in_list):
            break
        cur = cur[part]
        path.append(part)
    return tuple(path)


def _semantic_problems(cfg: QaConfig, lines: LineMap, file: str) -> list[Problem]:
    """What pydantic cannot see: texts that fold to nothing ("！！" matches everywhere)."""
    problems: list[Problem] = []

    def empty(path: tuple[str | int, ...], text: str, what: str) -> None:
        problems.append(
            Problem(
                "error",
                "empty_pattern",
                message(
                    "qa.config.empty_pattern",
                    "{what} {text} has no letters once spaces and punctuation are ignored",
                    what=what,
                    text=repr(text),
                ),
                file,
                lines.line(path),
            )
        )

    for section in ("opening", "closing"):
        check: ScriptCheck = getattr(cfg, section)
        for i, s in enumerate(check.scripts):
            if not script_parts(s):
                empty((section, "scripts", i), s, message("qa.config.script", "script"))
    for i, p in enumerate(cfg.forbidden.phrases):
        if not fold_phrase(p):
            empty(("forbidden", "phrases", i), p, message("qa.config.phrase", "phrase"))
    from appraise.qa.rules.validate import rule_problems

    problems.extend(rule_problems(cfg, lines, file))
    defaults = [i for i, r in enumerate(cfg.rubrics) if r.default]
    for i in defaults[1:]:
        problems.append(
            Problem(
                "error",
                "two_defaults",
                message("qa.config.two_defaults", "only one rubric may be the default"),
                file,
                lines.line(("rubrics", i, "default")),
            )
        )
    return problems


def parse_qa_config(text: str, file: str) -> tuple[QaConfig, LineMap]:
    """Parse QA configuration text; raise :class:`ProblemsError` with every problem."""
    try:
        raw, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ProblemsError([yaml_problem(exc, file)]) from None
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "not_a_config",
                    message("qa.config.not_a_mapping", "a QA config is a YAML mapping"),
                    file,
                    1,
                )
            ]
        )
    try:
        cfg = QaConfig.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            msg = (
                message(
                    "qa.config.unknown_field",
                    "unknown field {name} (see docs/qa.md)",
                    name=repr(err["loc"][-1]),
                )
                if err["type"] == "extra_forbidden"
                else message(
                    "qa.config.invalid", "{loc}: {problem}", loc=loc, problem=pydantic_text(err)
                )
            )
            line = lines.line(_loc_path(raw, err["loc"]))
            problems.append(Problem("error", "invalid", msg, file, line))
        raise ProblemsError(sorted(problems, key=lambda p: p.line or 0)) from None
    problems = _semantic_problems(cfg, lines, file)
    if problems:
        raise ProblemsError(problems)
    return cfg, lines


def load_qa_config(path: Path | str | None) -> QaConfig:
    """Load a QA config file; ``None`` gives the defaults."""
    if path is None:
        return QaConfig()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), str(p))]) from None
    return parse_qa_config(text, str(p))[0]
