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

from appraise.messages import message
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


def _no(code: str, said: str) -> ProblemsError:
    return ProblemsError([Problem("error", code, said)])


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
            message(
                "dispute.not_yours",
                "{agent} cannot dispute review {review} of {owner}",
                agent=agent_id,
                review=review.review_id,
                owner=review.agent_id,
            ),
        )
    if any(d.review_id == review.review_id for d in existing):
        raise _no(
            "already_disputed",
            message(
                "dispute.already",
                "review {review} has already been disputed",
                review=review.review_id,
            ),
        )
    if review.supersedes is not None:
        raise _no(
            "final",
            message(
                "dispute.final",
                "review {review} decided a dispute; it is final",
                review=review.review_id,
            ),
        )
    if not reason.strip():
        raise _no("no_reason", message("dispute.no_reason", "a dispute needs a reason"))
    return Dispute(dispute_id, review.review_id, agent_id, reason.strip(), at)


def assign_dispute(dispute: Dispute, review: ReviewResult, reviewer_id: str) -> Dispute:
    if dispute.status == "decided":
        raise _no(
            "decided",
            message(
                "dispute.decided",
                "dispute {dispute} is already decided",
                dispute=dispute.dispute_id,
            ),
        )
    if reviewer_id in (review.reviewer_id, review.agent_id):
        raise _no(
            "same_reviewer",
            message(
                "dispute.same_reviewer",
                "{reviewer} cannot decide dispute {dispute}: a second reviewer is "
                "neither the first reviewer nor the agent",
                reviewer=reviewer_id,
                dispute=dispute.dispute_id,
            ),
        )
    return replace(dispute, status="assigned", second_reviewer_id=reviewer_id)


def decide_dispute(
    dispute: Dispute, original: ReviewResult, second: ReviewResult, at: datetime
) -> Dispute:
    if dispute.status != "assigned":
        raise _no(
            "not_assigned",
            message(
                "dispute.not_assigned",
                "dispute {dispute} is {status}, not assigned",
                dispute=dispute.dispute_id,
                status=dispute.status,
            ),
        )
    if original.review_id != dispute.review_id:
        raise _no(
            "wrong_review",
            message(
                "dispute.wrong_review",
                "dispute {dispute} is about review {review}",
                dispute=dispute.dispute_id,
                review=dispute.review_id,
            ),
        )
    problems: list[str] = []
    if second.reviewer_id != dispute.second_reviewer_id:
        problems.append(
            message(
                "dispute.wrong_reviewer",
                "the review is by {reviewer}, not {second}",
                reviewer=second.reviewer_id,
                second=dispute.second_reviewer_id,
            )
        )
    if second.conversation_id != original.conversation_id:
        problems.append(
            message(
                "dispute.wrong_conversation",
                "the review is of {conversation}, not {original}",
                conversation=second.conversation_id,
                original=original.conversation_id,
            )
        )
    if second.supersedes != original.review_id:
        problems.append(
            message(
                "dispute.must_supersede",
                "the review must supersede {review}",
                review=original.review_id,
            )
        )
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
