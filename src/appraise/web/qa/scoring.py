"""Between the stored QA rows and :mod:`appraise.qa`: the core rubric of a stored rubric, the
form a reviewer fills in, what a conversation's automatic checks give the rubric's formulas, and
review results turned into rows and back. Every score is the core's; nothing is added up here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from appraise.qa import (
    Dispute as CoreDispute,
)
from appraise.qa import (
    Evidence,
    Finding,
    ReviewInput,
    ReviewResult,
    agent_metrics,
    score_review,
)
from appraise.qa import Rubric as CoreRubric
from appraise.qa.agreement import Verdict
from appraise.qa.rubric import ItemScore, is_na
from appraise.qa.rules.engine import RuleFinding, RuleSet
from appraise.schemes.model import Indicator, LevelsRule, RatedRule, Scheme
from appraise.schemes.validate import all_indicators
from appraise.web.cycles.scoring import rating_value
from appraise.web.permissions import User, agent_of
from appraise.web.qa.models import Conversation, Dispute, DisputeState, Review, Rubric
from appraise.web.schemes.services import scheme_of

# Metrics a rubric may read under another name than the checks' (s003-call-rubric's 服务态度 cap
# reads taboo_phrases: the 服务忌语 the forbidden-phrase check found in the conversation).
METRIC_ALIASES = {"taboo_phrases": "qa_forbidden_count"}

# What the form offers for "not applicable"; the core accepts it (and 不适用, NA, ...).
NA = "N/A"


def core_rubric(rubric: Rubric) -> CoreRubric:
    na: tuple[str, ...] | Literal["*"] = (
        "*" if rubric.na_items == "*" else tuple(str(i) for i in rubric.na_items)
    )
    return CoreRubric(
        scheme_of(rubric.scheme_version),
        fatal=tuple(str(i) for i in rubric.fatal),
        na_items=na,
        seats=tuple(str(s) for s in rubric.seats),
        default=rubric.is_default,
    )


def leaf_ids(scheme: Scheme) -> list[str]:
    return [n.id for n, _ in all_indicators(scheme) if n.is_leaf]


# ------------------------------------------------------------------------------------ the form


@dataclass(frozen=True)
class Level:
    name: str
    score: Decimal
    description: str


@dataclass(frozen=True)
class FormItem:
    """One item of the rubric as the form shows it. ``kind`` ``rated`` (a number from min to
    max) and ``levels`` (one of the level names) are entered; ``computed`` items (formulas,
    bands) come from the others and from the automatic checks."""

    id: str
    name: str
    kind: Literal["rated", "levels", "computed"]
    description: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    levels: tuple[Level, ...] = ()
    anchors: tuple[tuple[str, str], ...] = ()
    fatal: bool = False
    na_allowed: bool = False
    counts: bool = True
    path: tuple[str, ...] = field(default_factory=tuple)  # the categories above it

    @property
    def entered(self) -> bool:
        return self.kind != "computed"


def _leaves_with_parents(
    nodes: Sequence[Indicator], parents: tuple[str, ...] = ()
) -> Iterator[tuple[Indicator, tuple[str, ...]]]:
    for n in nodes:
        if n.is_leaf:
            yield n, parents
        else:
            yield from _leaves_with_parents(n.children, (*parents, n.name))


def form_items(rubric: Rubric) -> list[FormItem]:
    core = core_rubric(rubric)
    out: list[FormItem] = []
    scheme = core.scheme
    for node, parents in _leaves_with_parents([*scheme.indicators, *scheme.adjustments]):
        fatal = node.id in core.fatal
        na_ok = not fatal and (core.na_items == "*" or node.id in core.na_items)
        common: dict[str, Any] = {
            "description": node.description or "",
            "fatal": fatal,
            "na_allowed": na_ok,
            "counts": node.counts,
            "path": parents,
        }
        rule = node.rule
        if isinstance(rule, RatedRule):
            out.append(
                FormItem(
                    node.id,
                    node.name,
                    "rated",
                    minimum=rule.min,
                    maximum=rule.max,
                    anchors=tuple((str(a.range), a.text) for a in rule.anchors),
                    **common,
                )
            )
        elif isinstance(rule, LevelsRule):
            out.append(
                FormItem(
                    node.id,
                    node.name,
                    "levels",
                    levels=tuple(
                        Level(lv.name, lv.score, lv.description or "") for lv in rule.levels
                    ),
                    **common,
                )
            )
        else:
            out.append(FormItem(node.id, node.name, "computed", **common))
    return out


def ratings_from_form(rubric: Rubric, data: Mapping[str, Any]) -> dict[str, str]:
    """item id -> the text entered for it, from form fields ``item_<id>`` (a ticked ``na_<id>``
    is N/A; empty ones are left out: the core then applies the rubric's ``missing``)."""
    out: dict[str, str] = {}
    for item in form_items(rubric):
        if not item.entered:
            continue
        value = str(data.get(f"item_{item.id}", "") or "").strip()
        if item.na_allowed and data.get(f"na_{item.id}"):
            value = NA
        if value:
            out[item.id] = value
    return out


def comments_from_form(rubric: Rubric, data: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in form_items(rubric):
        text = str(data.get(f"comment_{item.id}", "") or "").strip()
        if text:
            out[item.id] = text
    return out


# --------------------------------------------------------------------------- checks -> metrics


def findings_of(conversation: Conversation) -> list[Finding]:
    """The stored findings as the core's :class:`Finding` objects."""
    return [
        Finding(
            str(f["conversation_id"]),
            f.get("agent_id"),
            f["check"],
            bool(f["passed"]),
            tuple(
                Evidence(e.get("message_index"), str(e.get("text", "")), str(e.get("note", "")))
                for e in f.get("evidence", [])
            ),
            str(f.get("message", "")),
        )
        for f in conversation.findings
    ]


def rule_verdicts_of(conversation: Conversation) -> list[Verdict]:
    """The rules' verdicts on the conversation, as the CLI's (``rule_hits``): one per rule that
    was computable on it, about the agent a hit names (the one who said it in a transferred
    chat), else the conversation's agent. A conversation imported before the verdicts were kept
    has none."""
    return [
        Verdict(f.conversation_id, f.agent_id, f.rule, f.hit)
        for f in rule_findings_of(conversation)
    ]


def rule_findings_of(
    conversation: Conversation, ruleset: RuleSet | None = None
) -> list[RuleFinding]:
    """Every computable finding of the rules on the conversation, rebuilt from what it keeps:
    a hit from its ``rule_findings`` entry (evidence left out: no metric reads it), a rule that
    did not hit from ``rule_verdicts`` alone, with the name, severity and veto ``ruleset``
    gives the rule (nothing counts them for a finding that did not hit). A hit without a
    verdict (kept before the verdicts were) is left out, as its misses are unknown."""
    verdicts = conversation.rule_verdicts or {}
    owner = conversation.agent.agent_id
    rules = {r.rule.id: r.rule for r in ruleset.rules} if ruleset is not None else {}
    hits = {str(f.get("rule")): f for f in conversation.rule_findings}
    out: list[RuleFinding] = []
    for rule_id, hit in verdicts.items():
        f = hits.get(rule_id) if hit else None
        if f is not None:
            out.append(
                RuleFinding(
                    conversation.conversation_id,
                    f.get("agent_id") or owner,
                    rule_id,
                    str(f.get("name") or rule_id),
                    f.get("severity") or "一般",
                    True,
                    True,
                    bool(f.get("veto")),
                    occurrences=int(f.get("occurrences") or 0),
                    points=Decimal(str(f.get("points") or 0)),
                    started_at=_start(f.get("started_at"), conversation),
                )
            )
            continue
        r = rules.get(rule_id)
        out.append(
            RuleFinding(
                conversation.conversation_id,
                owner,
                rule_id,
                r.label if r is not None else rule_id,
                r.severity if r is not None else "一般",
                bool(hit),
                True,
                r.is_veto if r is not None else False,
                started_at=_start(None, conversation),
            )
        )
    return out


def _start(at: object, conversation: Conversation) -> datetime | None:
    """The conversation's start as the rules saw it, else its first message's time (a hit kept
    before the start was)."""
    if isinstance(at, str) and at:
        return datetime.fromisoformat(at)
    times = [str(m["sent_at"]) for m in conversation.messages if m.get("sent_at")]
    return min(datetime.fromisoformat(t) for t in times) if times else None


def conversation_metrics(conversation: Conversation, scheme: Scheme) -> dict[str, Decimal]:
    """The automatic checks' metrics of the conversation's agent that the rubric declares."""
    mine = agent_metrics(findings_of(conversation)).get(conversation.agent.agent_id, {})
    declared = {m.id for m in scheme.metrics}
    out: dict[str, Decimal] = {}
    for metric in declared:
        value = mine.get(METRIC_ALIASES.get(metric, metric))
        if value is not None:
            out[metric] = Decimal(repr(value))
    return out


# ------------------------------------------------------------------------- scoring and storing


def reviewer_code(user: User) -> str:
    """Who a reviewer is to the core: their agent id when they are appraised too (so that the
    core's no-self-review rules see it), else their username."""
    me = agent_of(user)
    if me is not None:
        return me.agent_id
    return user.get_username() if user.is_authenticated else ""


def score(
    *,
    rubric: Rubric,
    conversation: Conversation,
    reviewer: User,
    ratings: Mapping[str, str],
    comments: Mapping[str, str],
    comment: str,
    source: str,
    at: datetime,
    review_id: str = "new",
    supersedes: str | None = None,
    metrics: Mapping[str, str | Decimal] | None = None,
) -> ReviewResult:
    """The core's score of a filled-in form (raises ProblemsError for a bad value)."""
    core = core_rubric(rubric)
    got = (
        conversation_metrics(conversation, core.scheme)
        if metrics is None
        else {k: Decimal(str(v)) for k, v in metrics.items()}
    )
    return score_review(
        core,
        ReviewInput(
            review_id,
            conversation.conversation_id,
            conversation.agent.agent_id,
            reviewer_code(reviewer),
            at,
            {k: (v if is_na(v) else rating_value(v)) for k, v in ratings.items()},
            source="external" if source == "external" else "internal",
            metrics=got,
            comments=dict(comments),
            supersedes=supersedes,
        ),
    )


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


def _undec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def item_row(it: ItemScore) -> dict[str, Any]:
    return {
        "id": it.id,
        "name": it.name,
        "value": None if it.value is None else str(it.value),
        "score": _dec(it.score),
        "full": _dec(it.full),
        "weighted": _dec(it.weighted),
        "explain": it.explain,
        "counts": it.counts,
        "na": it.na,
        "fatal": it.fatal,
        "failed": it.failed,
        "comment": it.comment,
    }


def result_fields(result: ReviewResult) -> dict[str, Any]:
    """The model fields of a review from the core's result."""
    return {
        "score": result.score,
        "maximum": result.maximum,
        "applicable": result.applicable,
        "earned": result.earned,
        "fatal": result.fatal,
        "fatal_failed": list(result.fatal_failed),
        "na": list(result.na),
        "nonfatal_errors": result.nonfatal_errors,
        "opportunities": result.opportunities,
        "items": [item_row(i) for i in result.items],
        "notes": list(result.notes),
    }


def stored_result(review: Review) -> ReviewResult:
    """A stored review as the core's result again (for calibration and figures), read back
    from what the core computed when it was submitted."""
    items = tuple(
        ItemScore(
            str(i["id"]),
            str(i["name"]),
            i.get("value"),
            _undec(i.get("score")),
            _undec(i.get("full")),
            _undec(i.get("weighted")),
            str(i.get("explain", "")),
            bool(i.get("counts", True)),
            na=bool(i.get("na")),
            fatal=bool(i.get("fatal")),
            failed=bool(i.get("failed")),
            comment=str(i.get("comment", "")),
        )
        for i in review.items
    )
    return ReviewResult(
        str(review.pk),
        review.conversation.conversation_id,
        review.agent.agent_id,
        reviewer_code(review.reviewer),
        review.reviewed_at,
        review.source,
        review.rubric.scheme_version.scheme_id,
        review.score,
        review.maximum,
        review.applicable,
        review.earned,
        review.fatal,
        tuple(review.fatal_failed),
        tuple(review.na),
        items,
        review.nonfatal_errors,
        review.opportunities,
        tuple(review.notes),
        review.comment,
        str(review.supersedes_id) if review.supersedes_id else None,
    )


def core_dispute(d: Dispute) -> CoreDispute:
    """A stored dispute as the core sees it: upheld ones are decided by their new review; a
    rejected one keeps the disputed review, which is what an undecided dispute does too."""
    upheld = d.state == DisputeState.UPHELD and d.new_review_id is not None
    return CoreDispute(
        str(d.pk),
        str(d.review_id),
        d.agent.agent_id,
        d.reason,
        d.opened_at,
        status="decided" if upheld else "open",
        decision_review_id=str(d.new_review_id) if upheld else None,
        outcome="changed" if upheld else None,
        decided_at=d.decided_at,
    )
