"""What scoring produces: one :class:`AgentResult` per agent, with every number explained."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from appraise.problems import Problem
from appraise.words import written


class _Explained:
    """``explain``: what was said (``said``, appraise.words), written as text the first time it
    is read: a :class:`~appraise.words.Words`, the text in the scheme's language that
    :meth:`~appraise.words.Words.render` writes in any other."""

    __slots__ = ()
    said: Any

    @property
    def explain(self) -> str:
        text = self.said = written(self.said)
        return text  # type: ignore[no-any-return]

    @explain.setter
    def explain(self, value: str) -> None:
        self.said = value


@dataclass(slots=True)
class IndicatorResult(_Explained):
    """One indicator or category of one agent.

    ``value`` is the input (a metric value, a combined rating, a level name, an incident count);
    ``score`` is the rule's points on its own scale (for a category: the percentage of its weight
    achieved); ``weighted`` is what it adds to the total.
    """

    id: str
    name: str
    weight: Decimal | None
    value: Decimal | str | None
    score: Decimal | None
    weighted: Decimal | None
    # What the engine said (appraise.words): written as text only when read (``explain``).
    said: Any
    depth: int = 0
    counts: bool = True
    parent: str | None = None
    # The value as the 实际值 column shows it, with the metric's unit (``45 秒``); None when the
    # indicator reads no metric with a unit (``value_text``).
    value_said: Any = None

    @property
    def value_text(self) -> str | None:
        text = self.value_said = written(self.value_said)
        return text  # type: ignore[no-any-return]


@dataclass(slots=True)
class Consequence(_Explained):
    id: str
    name: str
    due_days: int | None
    pay: Decimal | None
    # What history said (appraise.words): written as text only when read (``explain``).
    said: Any


@dataclass(slots=True)
class PayLine(_Explained):
    id: str
    name: str
    amount: Decimal
    # What pay said (appraise.words): written as text only when read (``explain``); most
    # lines of a 10,000-agent run are never read, and writing them was a quarter of pay.
    said: Any


@dataclass
class AgentResult:
    agent_id: str
    name: str
    team: str | None
    eligible: bool
    total: Decimal | None = None
    grade: str | None = None
    rank: int | None = None
    level: str | None = None
    indicators: list[IndicatorResult] = field(default_factory=list)
    adjustments: list[IndicatorResult] = field(default_factory=list)
    pay: list[PayLine] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    consequences: list[Consequence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Exact total before rounding to the scheme's score step.
    exact_total: Decimal | None = None

    @property
    def pay_total(self) -> Decimal | None:
        if not self.pay:
            return None
        return sum((line.amount for line in self.pay), Decimal(0))


@dataclass
class ScoreRun:
    scheme_id: str
    scheme_name: str
    period: str
    warnings: list[Problem]
    results: list[AgentResult]
    currency: str = "CNY"
