"""The rule language of the QA config (自动质检规则): pydantic models, one per operator.

A rule names its conditions, combines them in one ``when:`` expression and says what a hit
costs::

    rules:
      - id: shirk
        name: 推诿
        severity: 一般          # 提示 | 一般 | 严重 | 红线
        points: 2               # per occurrence in a conversation
        cap: 6                  # at most per conversation
        escalate: [2, 5, 10]    # or: the 1st, 2nd, 3rd+ conversation of the period
        conditions:
          said: {pack: shirk}
          sent_on: {keywords: [为您转接, 帮您转], after: said}
        when: "said && !sent_on"

docs/qa.md ("The rule language") describes every operator and scope field; this module is the
format, :mod:`appraise.qa.rules.engine` its meaning.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from appraise.messages import message

Severity = Literal["提示", "一般", "严重", "红线"]
SEVERITIES: tuple[Severity, ...] = ("提示", "一般", "严重", "红线")
Role = Literal["agent", "customer", "any"]
PiiKind = Literal["mobile", "id_card", "bank_card", "address"]
PII_KINDS: tuple[PiiKind, ...] = ("mobile", "id_card", "bank_card", "address")

OPERATORS = (
    "keywords",
    "pack",
    "regex",
    "fuzzy",
    "pinyin",
    "similar",
    "repeat",
    "response",
    "silence",
    "interrupt",
    "speed",
    "hangup",
    "messages",
    "pii",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _list_as(key: str, v: Any) -> Any:
    """``op: [a, b]`` (or ``op: a``) is short for ``op: {key: [a, b]}``."""
    if isinstance(v, str):
        return {key: [v]}
    if isinstance(v, list):
        return {key: v}
    return v


class KeywordsOp(_Model):
    """Exactly one of ``any`` / ``all`` / ``none`` / ``of`` (with ``at_least``); ``packs`` add
    their phrases to that list; ``exclude`` are texts in which a keyword is fine."""

    any: list[str] | None = None
    all: list[str] | None = None
    none: list[str] | None = None
    of: list[str] | None = None
    at_least: int | None = Field(None, ge=1)
    packs: list[str] = []
    exclude: list[str] = []

    @model_validator(mode="after")
    def _one_mode(self) -> KeywordsOp:
        modes = [m for m in ("any", "all", "none", "of") if getattr(self, m) is not None]
        if len(modes) != 1:
            raise ValueError(
                message(
                    "qa.rule.one_mode", "give exactly one of any, all, none, of (with at_least)"
                )
            )
        if (self.of is None) != (self.at_least is None):
            raise ValueError(message("qa.rule.at_least_of", "at_least and of go together"))
        return self

    @property
    def mode(self) -> Literal["any", "all", "none", "of"]:
        for m in ("any", "all", "none"):
            if getattr(self, m) is not None:
                return m
        return "of"

    @property
    def words(self) -> list[str]:
        return list(getattr(self, self.mode) or [])


class RegexOp(_Model):
    """Regular expressions (Python ``re``) on the text with full-width characters made
    half-width and letters lower-cased; a hit overlapping a match of ``exclude`` is dropped."""

    patterns: list[str] = Field(min_length=1)
    exclude: list[str] = []


class PhrasesOp(_Model):
    """Phrases (and the phrases of ``packs``) matched approximately: ``fuzzy`` by rapidfuzz's
    partial ratio (0-100), ``pinyin`` by sound."""

    phrases: list[str] = []
    packs: list[str] = []
    min_score: float = Field(75, ge=1, le=100)
    loose: bool = False
    max_diff: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _some(self) -> PhrasesOp:
        if not self.phrases and not self.packs:
            raise ValueError(message("qa.rule.phrases_or_packs", "give phrases or packs"))
        return self


class SimilarOp(_Model):
    """Sentences similar to example sentences: Dice coefficient of character bigrams, 0-1."""

    examples: list[str] = Field(min_length=1)
    min: float = Field(0.6, gt=0, le=1)


class RepeatOp(_Model):
    """The same sentence of the scope's speaker again within ``within`` of their sentences;
    sentences containing one of ``ignore`` (a re-asked "还有其他可以帮您的吗") are not judged."""

    within: int = Field(3, ge=1)
    min_chars: int = Field(4, ge=1)
    min_similarity: float = Field(1.0, gt=0, le=1)
    ignore: list[str] = []


class ResponseOp(_Model):
    """A reply later than ``over`` seconds after the first unanswered message of the other side."""

    over: float = Field(gt=0)
    business_hours: bool = False


class SilenceOp(_Model):
    """A gap over ``over`` seconds before a message of the scope's role, after a message of
    ``after`` (any role by default); from the previous message's end when it has one."""

    over: float = Field(gt=0)
    after: Role = "any"


class InterruptOp(_Model):
    """抢话: a message of the scope's role that starts ``min_overlap`` seconds or more before the
    other side's previous message ended (needs end times)."""

    min_overlap: float = Field(0.5, ge=0)


class SpeedOp(_Model):
    """Speech speed in characters per minute (needs end times); messages shorter than
    ``min_seconds`` are not judged."""

    over: float | None = Field(None, gt=0)
    under: float | None = Field(None, gt=0)
    min_seconds: float = Field(2, gt=0)

    @model_validator(mode="after")
    def _bound(self) -> SpeedOp:
        if self.over is None and self.under is None:
            raise ValueError(message("qa.rule.over_or_under", "give over or under"))
        return self


class CountOp(_Model):
    """The number of messages of the scope's role."""

    at_least: int | None = Field(None, ge=0)
    at_most: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _bound(self) -> CountOp:
        if self.at_least is None and self.at_most is None:
            raise ValueError(message("qa.rule.at_least_or_most", "give at_least or at_most"))
        return self


class Condition(_Model):
    """One operator and its scope (who speaks, which of their messages)."""

    role: Role = "agent"
    first: int | None = Field(None, ge=1)
    last: int | None = Field(None, ge=1)
    after: str | None = None
    before: str | None = None
    nth: int | None = Field(None, ge=1)

    keywords: KeywordsOp | None = None
    pack: list[str] | None = None
    regex: RegexOp | None = None
    fuzzy: PhrasesOp | None = None
    pinyin: PhrasesOp | None = None
    similar: SimilarOp | None = None
    repeat: RepeatOp | None = None
    response: ResponseOp | None = None
    silence: SilenceOp | None = None
    interrupt: InterruptOp | None = None
    speed: SpeedOp | None = None
    hangup: Literal["agent", "customer"] | None = None
    messages: CountOp | None = None
    pii: list[PiiKind] | None = None

    @field_validator("keywords", mode="before")
    @classmethod
    def _kw(cls, v: Any) -> Any:
        return _list_as("any", v)

    @field_validator("regex", mode="before")
    @classmethod
    def _re(cls, v: Any) -> Any:
        return _list_as("patterns", v)

    @field_validator("fuzzy", "pinyin", mode="before")
    @classmethod
    def _ph(cls, v: Any) -> Any:
        return _list_as("phrases", v)

    @field_validator("similar", mode="before")
    @classmethod
    def _sim(cls, v: Any) -> Any:
        return _list_as("examples", v)

    @field_validator("pack", mode="before")
    @classmethod
    def _pack(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("repeat", "interrupt", mode="before")
    @classmethod
    def _flag(cls, v: Any) -> Any:
        return {} if v is True else v

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        ops = [op for op in OPERATORS if getattr(self, op) is not None]
        if len(ops) != 1:
            got = ", ".join(ops) or message("qa.rule.none", "none")
            raise ValueError(
                message(
                    "qa.rule.one_operator",
                    "a condition has exactly one operator of {operators}; got {got}",
                    operators=", ".join(OPERATORS),
                    got=got,
                )
            )
        if self.first is not None and self.last is not None:
            raise ValueError(message("qa.rule.first_or_last", "first and last exclude each other"))
        return self

    @property
    def operator(self) -> str:
        return next(op for op in OPERATORS if getattr(self, op) is not None)


class RuleDef(_Model):
    """A rule: named conditions, one ``when`` (default: all of them), what a hit costs."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = ""
    enabled: bool = True
    severity: Severity = "一般"
    points: Decimal = Field(Decimal(0), ge=0)
    cap: Decimal | None = Field(None, ge=0)
    escalate: list[Decimal] = []
    veto: bool | None = None
    channels: list[str] = []
    queues: list[str] = []
    conditions: dict[str, Condition] = Field(min_length=1)
    when: str | None = None
    note: str = ""

    @field_validator("conditions", mode="before")
    @classmethod
    def _names_as_text(cls, v: Any) -> Any:
        # `1: {...}` names a condition 1, as the `when: "1 && !2"` style writes it.
        return {str(k): c for k, c in v.items()} if isinstance(v, dict) else v

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_veto(self) -> bool:
        return self.veto if self.veto is not None else self.severity == "红线"

    @property
    def expression(self) -> str:
        return self.when if self.when is not None else " && ".join(self.conditions)


class PackEdit(_Model):
    """A change to a built-in lexicon pack, or a new pack (an id no built-in pack has).

    ``phrases`` / ``patterns`` / ``exceptions`` replace the pack's list; ``add*`` extend it and
    ``remove`` takes phrases out."""

    name: str | None = None
    description: str | None = None
    phrases: list[str] | None = None
    patterns: list[str] | None = None
    exceptions: list[str] | None = None
    add: list[str] = []
    add_patterns: list[str] = []
    add_exceptions: list[str] = []
    remove: list[str] = []


class PackFile(_Model):
    """A lexicon pack as shipped (src/appraise/qa/rules/packs/*.yaml)."""

    id: str
    name: str
    description: str = ""
    phrases: list[str] = []
    patterns: list[str] = []
    exceptions: list[str] = []
