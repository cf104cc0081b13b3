"""The audit log in words: "hr1 计算了 2027年1月考核", before → after as the fields that changed.

Each action the services record (``cycle.compute``) has a name for the filter ("计算考核") and a
verb for the sentence ("计算了"), both through gettext; an action not listed here reads as its
code, so a new action shows up (and ``tests/web/audit/test_words.py`` asks for its words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from appraise.decimals import plain

# action: (name in the filter, verb in the sentence)
ACTIONS: dict[str, tuple[Promise, Promise]] = {
    "agent.create": (gettext_lazy("Add an agent"), pgettext_lazy("audit", "added")),
    "agent.update": (gettext_lazy("Change an agent"), pgettext_lazy("audit", "changed")),
    "appeal.escalate": (gettext_lazy("Escalate an appeal"), pgettext_lazy("audit", "escalated")),
    "appeal.file": (gettext_lazy("File an appeal"), pgettext_lazy("audit", "filed")),
    "appeal.rescore": (
        gettext_lazy("Re-score after an appeal"),
        pgettext_lazy("audit", "re-scored"),
    ),
    "appeal.uphold": (gettext_lazy("Uphold an appeal"), pgettext_lazy("audit", "upheld")),
    "basis.write": (
        gettext_lazy("Write the factual basis of a grade"),
        pgettext_lazy("audit", "wrote"),
    ),
    "correction.apply": (
        gettext_lazy("Correct an agent's data"),
        pgettext_lazy("audit", "corrected"),
    ),
    "appeal.reject": (gettext_lazy("Reject an appeal"), pgettext_lazy("audit", "rejected")),
    "cycle.close_override": (
        gettext_lazy("Close a cycle before its appeal deadline"),
        pgettext_lazy("audit", "closed early"),
    ),
    "cycle.open_self_assessment": (
        gettext_lazy("Open self-assessment"),
        pgettext_lazy("audit", "opened self-assessment of"),
    ),
    "cycle.open_supervisor_rating": (
        gettext_lazy("Open supervisor rating"),
        pgettext_lazy("audit", "opened supervisor rating of"),
    ),
    "cycle.open_indirect_audit": (
        gettext_lazy("Open the indirect supervisor's review"),
        pgettext_lazy("audit", "opened the indirect supervisor's review of"),
    ),
    "cycle.open_calibration": (
        gettext_lazy("Open calibration"),
        pgettext_lazy("audit", "opened calibration of"),
    ),
    "cycle.publish": (gettext_lazy("Publish a cycle"), pgettext_lazy("audit", "published")),
    "cycle.open_appeal_window": (
        gettext_lazy("Open the appeal window"),
        pgettext_lazy("audit", "opened the appeal window of"),
    ),
    "cycle.open_interviews": (
        gettext_lazy("Open interviews"),
        pgettext_lazy("audit", "opened interviews of"),
    ),
    "cycle.close": (gettext_lazy("Close a cycle"), pgettext_lazy("audit", "closed")),
    "followup.return_plan": (
        gettext_lazy("Return a plan"),
        pgettext_lazy("audit", "returned the plan of"),
    ),
    "user.deactivate": (gettext_lazy("Deactivate a user"), pgettext_lazy("audit", "deactivated")),
    "cycle.compute": (gettext_lazy("Compute a cycle"), pgettext_lazy("audit", "computed")),
    "cycle.confirm_team": (gettext_lazy("Confirm a team"), pgettext_lazy("audit", "confirmed")),
    "cycle.create": (gettext_lazy("Create a cycle"), pgettext_lazy("audit", "created")),
    "cycle.delete": (gettext_lazy("Delete a cycle"), pgettext_lazy("audit", "deleted")),
    "cycle.import_data": (
        gettext_lazy("Import data"),
        pgettext_lazy("audit", "imported data into"),
    ),
    "cycle.remove_file": (
        gettext_lazy("Remove a file"),
        pgettext_lazy("audit", "removed a file from"),
    ),
    "followup.accept_plan": (
        gettext_lazy("Accept a plan"),
        pgettext_lazy("audit", "accepted the plan of"),
    ),
    "followup.complete": (
        gettext_lazy("Complete a follow-up"),
        pgettext_lazy("audit", "completed"),
    ),
    "followup.create": (gettext_lazy("Create a follow-up"), pgettext_lazy("audit", "created")),
    "followup.done": (gettext_lazy("Mark a follow-up done"), pgettext_lazy("audit", "marked done")),
    "followup.submit_plan": (
        gettext_lazy("Submit a plan"),
        pgettext_lazy("audit", "submitted the plan of"),
    ),
    "gap.request_reassessment": (
        gettext_lazy("Request a reassessment"),
        pgettext_lazy("audit", "requested a reassessment of"),
    ),
    "interview.sign": (gettext_lazy("Sign an interview"), pgettext_lazy("audit", "signed")),
    "interview.write": (gettext_lazy("Write an interview"), pgettext_lazy("audit", "wrote")),
    "notify.channel_create": (
        gettext_lazy("Add a notification channel"),
        pgettext_lazy("audit", "added"),
    ),
    "notify.channel_delete": (
        gettext_lazy("Delete a notification channel"),
        pgettext_lazy("audit", "deleted"),
    ),
    "notify.retry": (gettext_lazy("Resend a notification"), pgettext_lazy("audit", "resent")),
    "points.add": (gettext_lazy("Add points"), pgettext_lazy("audit", "added points to")),
    "points.correct": (
        gettext_lazy("Correct points"),
        pgettext_lazy("audit", "corrected the points of"),
    ),
    "points.redeem": (
        gettext_lazy("Redeem points"),
        pgettext_lazy("audit", "redeemed the points of"),
    ),
    "points.run": (gettext_lazy("Run a points scheme"), pgettext_lazy("audit", "ran")),
    "qa.calibration.close": (
        gettext_lazy("Close a QA calibration"),
        pgettext_lazy("audit", "closed"),
    ),
    "qa.calibration.create": (
        gettext_lazy("Create a QA calibration"),
        pgettext_lazy("audit", "created"),
    ),
    "qa.calibration.review": (
        gettext_lazy("Review in a QA calibration"),
        pgettext_lazy("audit", "reviewed"),
    ),
    "qa.dispute.assign": (gettext_lazy("Assign a QA dispute"), pgettext_lazy("audit", "assigned")),
    "qa.dispute.open": (gettext_lazy("Dispute a QA review"), pgettext_lazy("audit", "disputed")),
    "qa.dispute.reject": (gettext_lazy("Reject a QA dispute"), pgettext_lazy("audit", "rejected")),
    "qa.dispute.uphold": (gettext_lazy("Uphold a QA dispute"), pgettext_lazy("audit", "upheld")),
    "qa.import": (gettext_lazy("Import conversations"), pgettext_lazy("audit", "imported")),
    "qa.review.rescore": (
        gettext_lazy("Re-score a QA review"),
        pgettext_lazy("audit", "re-scored"),
    ),
    "qa.review.submit": (gettext_lazy("Submit a QA review"), pgettext_lazy("audit", "reviewed")),
    "qa.rubric.create": (gettext_lazy("Create a QA form"), pgettext_lazy("audit", "created")),
    "qa.sample": (gettext_lazy("Draw a QA sample"), pgettext_lazy("audit", "sampled")),
    "rating.set": (gettext_lazy("Rate"), pgettext_lazy("audit", "rated")),
    "rater.assign": (
        gettext_lazy("Assign a rater"),
        pgettext_lazy("audit", "assigned a rater:"),
    ),
    "rater.unassign": (
        gettext_lazy("Remove a rater"),
        pgettext_lazy("audit", "removed a rater:"),
    ),
    "result.calibrate": (gettext_lazy("Calibrate a result"), pgettext_lazy("audit", "calibrated")),
    "result.rescore": (gettext_lazy("Re-score a result"), pgettext_lazy("audit", "re-scored")),
    "scheme_version.create": (
        gettext_lazy("Save a scheme version"),
        pgettext_lazy("audit", "saved"),
    ),
    "team.create": (gettext_lazy("Create a team"), pgettext_lazy("audit", "created")),
    "team.set_supervisors": (
        gettext_lazy("Set a team's supervisors"),
        pgettext_lazy("audit", "set the supervisors of"),
    ),
    "token.create": (gettext_lazy("Create an API token"), pgettext_lazy("audit", "created")),
    "token.revoke": (gettext_lazy("Revoke an API token"), pgettext_lazy("audit", "revoked")),
    "user.activate": (
        gettext_lazy("Activate or deactivate a user"),
        pgettext_lazy("audit", "changed access of"),
    ),
    "user.create": (gettext_lazy("Create a user"), pgettext_lazy("audit", "created")),
    "user.reset_password": (
        gettext_lazy("Reset a password"),
        pgettext_lazy("audit", "reset the password of"),
    ),
    "user.set_roles": (gettext_lazy("Set roles"), pgettext_lazy("audit", "set the roles of")),
}

# Keys of before/after, as the reader knows them.
FIELDS: dict[str, Promise] = {
    "state": gettext_lazy("state"),
    "files": gettext_lazy("files"),
    "total": gettext_lazy("total"),
    "grade": gettext_lazy("grade"),
    "rank": gettext_lazy("rank"),
    "value": gettext_lazy("value"),
    "comment": gettext_lazy("comment"),
    "reason": gettext_lazy("reason"),
    "points": gettext_lazy("points"),
    "score": gettext_lazy("score"),
    "version": gettext_lazy("version"),
    "name": gettext_lazy("name"),
    "roles": gettext_lazy("roles"),
    "active": gettext_lazy("active"),
    "agent": gettext_lazy("agent"),
    "role": gettext_lazy("role"),
    "rater": gettext_lazy("rater"),
    "ratings": gettext_lazy("ratings"),
    # The rest, by the object they belong to; tests/web/audit/test_field_words.py finds every
    # key the services write and fails on one without words here.
    "changes": gettext_lazy("changes"),
    "note": gettext_lazy("note"),
    "text": gettext_lazy("text"),
    "content": gettext_lazy("content"),
    "period": gettext_lazy("period"),
    "month": gettext_lazy("month"),
    "on": gettext_lazy("date"),
    "seq": gettext_lazy("number"),
    "hash": gettext_lazy("content hash"),
    "sha256": gettext_lazy("SHA-256"),
    "size": gettext_lazy("size (bytes)"),
    "warnings": gettext_lazy("warnings"),
    # organisation
    "agent_id": gettext_lazy("agent ID"),
    "agents": gettext_lazy("agents"),
    "user": gettext_lazy("account"),
    "position": gettext_lazy("position"),
    "hired_on": gettext_lazy("hired on"),
    "team": gettext_lazy("team"),
    "teams": gettext_lazy("teams"),
    "supervisors": gettext_lazy("supervisors"),
    "indirect_supervisor": gettext_lazy("indirect supervisor"),
    # schemes, cycles, results
    "scheme": gettext_lazy("scheme"),
    "scheme_version": gettext_lazy("scheme version"),
    "indicator": gettext_lazy("indicator"),
    "result_version": gettext_lazy("result version"),
    "kind": gettext_lazy("kind"),
    "status": gettext_lazy("status"),
    # follow-ups, interviews, notifications
    "rule": gettext_lazy("rule"),
    "due_on": gettext_lazy("due on"),
    "allowance": gettext_lazy("allowance level (before, after)"),
    "plan": gettext_lazy("improvement plan"),
    "interview": gettext_lazy("interview"),
    "signed_at": gettext_lazy("signed at"),
    "attempts": gettext_lazy("attempts"),
    "signed": gettext_lazy("signed requests"),
    "hr_items": gettext_lazy("HR items too"),
    # points
    "entries": gettext_lazy("entries"),
    "rate": gettext_lazy("rate"),
    "payouts": gettext_lazy("payouts"),
    "amount": gettext_lazy("amount"),
    "skipped": gettext_lazy("skipped"),
    # QA
    "rubric": gettext_lazy("rubric"),
    "default": gettext_lazy("default rubric"),
    "default_rubrics": gettext_lazy("default rubrics before"),
    "fatal": gettext_lazy("fatal items"),
    "na_items": gettext_lazy("items that may be N/A"),
    "seats": gettext_lazy("seats"),
    "review": gettext_lazy("review"),
    "new_review": gettext_lazy("new review"),
    "reviews": gettext_lazy("reviews"),
    "reviewers": gettext_lazy("reviewers"),
    "second_reviewer": gettext_lazy("second reviewer"),
    "conversations": gettext_lazy("conversations"),
    "created": gettext_lazy("new"),
    "skipped_existing": gettext_lazy("already there"),
    "csat_added": gettext_lazy("CSAT added to conversations already there"),
    "rules_added": gettext_lazy("rule verdicts added"),
    "unknown_agents": gettext_lazy("agents not in the organisation"),
    "without_agent": gettext_lazy("without an agent"),
    "seed": gettext_lazy("seed"),
    "per_agent": gettext_lazy("per agent"),
    "strata": gettext_lazy("strata"),
    "random_share": gettext_lazy("random share"),
    "low_csat": gettext_lazy("low CSAT at or below"),
    "sampled": gettext_lazy("sampled"),
    "per_reviewer": gettext_lazy("per reviewer"),
    "per_part": gettext_lazy("per part"),
    "random": gettext_lazy("random"),
    "risk": gettext_lazy("risk"),
    "fill": gettext_lazy("fill"),
    # A list of changes (points.run) names what changed, then its value before and after.
    "before": pgettext_lazy("audit field", "before"),
    "after": pgettext_lazy("audit field", "after"),
}

_ORDER = {key: i for i, key in enumerate(FIELDS)}


def _place(key: str) -> tuple[int, str]:
    """Where ``key`` is shown: in the order FIELDS lists them (the state first), then any other
    key by name."""
    return (_ORDER.get(key, len(_ORDER)), key)


def action_name(action: str) -> str:
    """The action as the filter lists it ("计算考核"); its code when it has no words yet."""
    words = ACTIONS.get(action)
    return str(words[0]) if words else action


def sentence(who: str, action: str, what: str) -> str:
    """``hr1 计算了 2027年1月考核``."""
    words = ACTIONS.get(action)
    did = str(words[1]) if words else action
    return _("%(who)s %(did)s %(what)s") % {"who": who, "did": did, "what": what}


def _value(v: Any, names: Mapping[str, Any] | None = None, key: str = "") -> str:
    """``v`` as the reader reads it; ``names``: the action's choices by key (a state by its
    name), applied at every depth."""
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, int | float):
        return plain(str(v))
    if isinstance(v, list):
        return "、".join(_value(x, names, key) for x in v) if v else "—"
    if isinstance(v, dict):
        return "; ".join(f"{_field(k)} {_value(v[k], names, k)}" for k in sorted(v, key=_place))
    choices = names.get(key) if names else None
    if choices is not None and isinstance(v, str) and v in choices.values:
        return str(choices(v).label)
    return str(v)


def _field(key: str) -> str:
    label = FIELDS.get(key)
    return str(label) if label is not None else key


def _names(action: str) -> dict[str, Any]:
    """The choices (TextChoices) a state, status or kind of ``action``'s object is one of."""
    from appraise.web.appeals.models import AppealState, CorrectionKind
    from appraise.web.cycles.models import State
    from appraise.web.followups.models import ChannelKind, DeliveryStatus, ItemState
    from appraise.web.followups.models import Kind as FollowUpKind
    from appraise.web.interviews.models import GapStatus
    from appraise.web.points.models import Kind as PointsKind
    from appraise.web.points.models import Source as PointsSource
    from appraise.web.qa.models import DisputeState, SessionState

    by_prefix: dict[str, dict[str, Any]] = {
        "cycle.": {"state": State},
        "appeal.": {"state": AppealState},
        "correction.": {"kind": CorrectionKind},
        "followup.": {"state": ItemState, "kind": FollowUpKind},
        "gap.": {"status": GapStatus},
        "notify.": {"status": DeliveryStatus, "kind": ChannelKind},
        "points.": {"kind": PointsKind, "source": PointsSource},
        "qa.dispute.": {"state": DisputeState},
        "qa.calibration.": {"state": SessionState},
    }
    return next((v for p, v in by_prefix.items() if action.startswith(p)), {})


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(before: Any, after: Any, action: str = "") -> list[Change]:
    """What changed, field by field (unchanged fields left out): ``状态: 草稿 → 已计算``; a
    state, status or kind is shown by its name (已计算), not its code."""
    names = _names(action)
    if isinstance(before, dict) or isinstance(after, dict):
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        out = []
        # A field that reads the same on both sides (none before, an empty list after) is left
        # out.
        for key in sorted(set(b) | set(a), key=_place):
            was, now = _value(b.get(key), names, key), _value(a.get(key), names, key)
            if b.get(key) != a.get(key) and was != now:
                out.append(Change(_field(key), was, now))
        return out
    if before == after:
        return []
    return [Change("", _value(before, names), _value(after, names))]
