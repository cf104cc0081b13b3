"""The audit log in words: "hr1 计算了 2027年1月考核", before → after as the fields that changed.

Each action the services record (``cycle.compute``) has a name for the filter ("计算考核") and a
verb for the sentence ("计算了"), both through gettext; an action not listed here reads as its
code, so a new action shows up (and ``tests/web/audit/test_words.py`` asks for its words).
"""

from __future__ import annotations

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
}


def action_name(action: str) -> str:
    """The action as the filter lists it ("计算考核"); its code when it has no words yet."""
    words = ACTIONS.get(action)
    return str(words[0]) if words else action


def sentence(who: str, action: str, what: str) -> str:
    """``hr1 计算了 2027年1月考核``."""
    words = ACTIONS.get(action)
    did = str(words[1]) if words else action
    return _("%(who)s %(did)s %(what)s") % {"who": who, "did": did, "what": what}


def _value(v: Any) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, int | float):
        return plain(str(v))
    if isinstance(v, list):
        return "、".join(_value(x) for x in v) if v else "—"
    if isinstance(v, dict):
        return "; ".join(f"{_field(k)} {_value(x)}" for k, x in sorted(v.items()))
    return str(v)


def _field(key: str) -> str:
    label = FIELDS.get(key)
    return str(label) if label is not None else key


def _has_state(v: Any) -> bool:
    return isinstance(v, dict) and "state" in v


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _state(v: Any) -> Any:
    from appraise.web.cycles.models import State

    return str(State(v).label) if isinstance(v, str) and v in State.values else v


def changes(before: Any, after: Any, action: str = "") -> list[Change]:
    """What changed, field by field (unchanged fields left out): ``状态: 草稿 → 已计算``."""
    if action.startswith("cycle."):
        # A cycle's state is shown by its name (已计算), not its code.
        before = {**before, "state": _state(before["state"])} if _has_state(before) else before
        after = {**after, "state": _state(after["state"])} if _has_state(after) else after
    if isinstance(before, dict) or isinstance(after, dict):
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        out = []
        for key in sorted(set(b) | set(a), key=lambda k: (k not in FIELDS, k)):
            if b.get(key) != a.get(key):
                out.append(Change(_field(key), _value(b.get(key)), _value(a.get(key))))
        return out
    if before == after:
        return []
    return [Change("", _value(before), _value(after))]
