"""Disputes (申诉): an agent contests a review; a second reviewer's review decides.

Reviews are never edited. A dispute records who contested which review and why; the second
reviewer writes a NEW review of the same conversation (``supersedes`` = the disputed review's
id), and the decision records it. Both reviews stay; :func:`effective_reviews` says which one
counts. Every function returns a new :class:`Dispute` and checks who may do what:

- only the reviewed agent may dispute, once per review;
- the second reviewer is neither the first reviewer nor the agent;
- only the assigned second reviewer's review of the same conversation decides, and it stands
  (``upheld`` when its score and fatal verdict equal the first review's, else ``changed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from appraise.problems import Problem, ProblemsError
from appraise.qa.rubric import ReviewResult


@dataclass(frozen=True)
class Dispute:
    dispute_id: str
    review_id: str
    agent_id: str
    reason: str
    opened_at: datetime
    status: Literal["open", "assigned", "decided"] = "open"
    second_reviewer_id: str | None = None
    decision_review_id: str | None = None
    outcome: Literal["upheld", "changed"] | None = None
    decided_at: datetime | None = None


def _no(code: str, message: str) -> ProblemsError:
    return ProblemsError([Problem("error", code, message)])


def open_dispute(
    dispute_id: str,
    review: ReviewResult,
    agent_id: str,
    reason: str,
    at: datetime,
    existing: Sequence[Dispute] = (),
) -> Dispute:
    if agent_id != review.agent_id:
        raise _no(
            "not_your_review",
            f"{agent_id} cannot dispute review {review.review_id} of {review.agent_id}",
        )
    if any(d.review_id == review.review_id for d in existing):
        raise _no("already_disputed", f"review {review.review_id} has already been disputed")
    if review.supersedes is not None:
        raise _no("final", f"review {review.review_id} decided a dispute; it is final")
    if not reason.strip():
        raise _no("no_reason", "a dispute needs a reason")
    return Dispute(dispute_id, review.review_id, agent_id, reason.strip(), at)


def assign_dispute(dispute: Dispute, review: ReviewResult, reviewer_id: str) -> Dispute:
    if dispute.status == "decided":
        raise _no("decided", f"dispute {dispute.dispute_id} is already decided")
    if reviewer_id in (review.reviewer_id, review.agent_id):
        raise _no(
            "same_reviewer",
            f"{reviewer_id} cannot decide dispute {dispute.dispute_id}: a second reviewer is "
            "neither the first reviewer nor the agent",
        )
    return replace(dispute, status="assigned", second_reviewer_id=reviewer_id)


def decide_dispute(
    dispute: Dispute, original: ReviewResult, second: ReviewResult, at: datetime
) -> Dispute:
    if dispute.status != "assigned":
        raise _no("not_assigned", f"dispute {dispute.dispute_id} is {dispute.status}, not assigned")
    if original.review_id != dispute.review_id:
        raise _no(
            "wrong_review", f"dispute {dispute.dispute_id} is about review {dispute.review_id}"
        )
    problems = []
    if second.reviewer_id != dispute.second_reviewer_id:
        problems.append(f"the review is by {second.reviewer_id}, not {dispute.second_reviewer_id}")
    if second.conversation_id != original.conversation_id:
        problems.append(
            f"the review is of {second.conversation_id}, not {original.conversation_id}"
        )
    if second.supersedes != original.review_id:
        problems.append(f"the review must supersede {original.review_id}")
    if problems:
        raise ProblemsError(Problem("error", "bad_decision", p) for p in problems)
    same = second.score == original.score and second.fatal == original.fatal
    return replace(
        dispute,
        status="decided",
        decision_review_id=second.review_id,
        outcome="upheld" if same else "changed",
        decided_at=at,
    )


def effective_reviews(
    reviews: Sequence[ReviewResult], disputes: Sequence[Dispute]
) -> list[ReviewResult]:
    """The reviews that count: a decided dispute's review in place of the disputed one.

    A review written for a dispute that is not decided yet does not count (yet); the disputed
    review counts until the decision.
    """
    decided = {d.review_id: d.decision_review_id for d in disputes if d.status == "decided"}
    deciding = set(decided.values())
    return [
        r
        for r in reviews
        if r.review_id not in decided and (r.supersedes is None or r.review_id in deciding)
    ]
