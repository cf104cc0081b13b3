"""The PDF 考核表 downloads: one agent's, or every form of a cycle the person may see as a zip or
as one merged PDF. Read through the same selectors as the scorecard page: an agent gets only
their own published result, a supervisor their teams', HR everyone's. The page views and the
API call these and only wrap the bytes in a response."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.decimals import money_or_none, plain_or_none
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Invalid, NotFound
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.evaluations.models import Result
from appraise.web.exports.scorecard import (
    Interview,
    InterviewForm,
    Sheet,
    file_name,
    interview_pdf,
    scorecard_pdf,
    scorecards_merged_pdf,
    scorecards_zip,
)
from appraise.web.interviews import selectors as iv_sel
from appraise.web.interviews.models import InterviewRecord
from appraise.web.permissions import User
from appraise.web.schemes.services import scheme_of

Download = tuple[bytes, str, str]  # content, content type, file name


def _when(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _interview(record: InterviewRecord | None) -> Interview | None:
    if record is None:
        return None
    sup = record.supervisor
    return Interview(
        supervisor=(sup.get_full_name() or sup.get_username()) if sup is not None else "",
        written=_when(record.written_at),
        content=record.content,
        plan=record.plan,
        signed=_when(record.signed_at),
        agent_comment=record.agent_comment,
    )


def sheet_of(result: Result, interview: InterviewRecord | None = None) -> Sheet:
    cycle = result.cycle
    scheme = scheme_of(cycle.scheme_version)
    conf = settings.APPRAISE_SCORECARD
    data = result.read()  # the explanations in the reader's language
    notes = [_("Note: %(note)s") % {"note": n} for n in data.get("notes") or []]
    if result.version > 1:
        notes.append(
            _("Version %(version)s (%(reason)s)")
            % {"version": result.version, "reason": result.reason}
        )
    calibration = data.get("calibration") or {}
    return Sheet(
        company=conf["COMPANY_NAME"],
        scheme_name=scheme.name,
        period=cycle.period,
        agent_id=result.agent.agent_id,
        name=result.agent.name,
        team=result.agent.team.name if result.agent.team else "",
        position=result.agent.position,
        version=result.version,
        data=data,
        step=scheme.score_step,
        total=plain_or_none(result.total) or "",
        grade=result.grade,
        computed_grade=result.computed_grade,
        rank="" if result.rank is None else str(result.rank),
        pay_total=money_or_none(result.pay_total) or "",
        generated=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        notes=notes,
        calibration=str(calibration.get("note") or ""),
        interview=_interview(interview),
        signatures=list(conf["SIGNATURES"]),
        pay_names={c.id: c.name for c in (scheme.pay.components if scheme.pay else [])},
    )


def _interviews(user: User, cycle: Cycle, agent_ids: Iterable[str]) -> dict[str, InterviewRecord]:
    records = iv_sel.interview_list(user=user, cycle_id=cycle.pk).filter(
        agent__agent_id__in=list(agent_ids)
    )
    return {r.agent.agent_id: r for r in records}


def agent_scorecard(*, user: User, cycle: Cycle, agent_id: str, version: int | None) -> Download:
    """One agent's form, of the current result or of an earlier ``version``."""
    result = eval_sel.result_get(user=user, cycle=cycle, agent_id=agent_id)
    if version is not None and version != result.version:
        history = eval_sel.result_history(user=user, cycle=cycle, agent_id=agent_id)
        earlier = history.filter(version=version).select_related("cycle", "agent__team").first()
        if earlier is None:
            raise NotFound(
                _("%(agent_id)s has no version %(version)s in cycle %(pk)s")
                % {"agent_id": agent_id, "version": version, "pk": cycle.pk}
            )
        result = earlier
    interview = _interviews(user, cycle, [agent_id]).get(agent_id)
    body = scorecard_pdf(sheet_of(result, interview))
    return body, "application/pdf", file_name(cycle.period, agent_id, result.version)


def cycle_scorecards(
    *, user: User, cycle: Cycle, fmt: Literal["zip", "pdf"] | str, team: int | None = None
) -> Download:
    """Every current form of the cycle the person may see (of one ``team`` when given): a zip
    of one PDF per agent, or all of them merged in one PDF to print (in the order of the ids)."""
    if fmt not in ("zip", "pdf"):
        raise Invalid(_("the format is zip or pdf"))
    qs = eval_sel.result_list_cycle(user=user, cycle=cycle).select_related("cycle")
    if team is not None:
        qs = qs.filter(agent__team_id=team)
    results = list(qs.order_by("agent__agent_id"))
    if not results:
        raise NotFound(_("no result you may see in cycle %(pk)s") % {"pk": cycle.pk})
    interviews = _interviews(user, cycle, [r.agent.agent_id for r in results])
    sheets = [sheet_of(r, interviews.get(r.agent.agent_id)) for r in results]
    name = f"scorecards-{cycle.period}-{cycle.pk}" + (f"-team{team}" if team is not None else "")
    if fmt == "zip":
        return scorecards_zip(sheets), "application/zip", f"{name}.zip"
    return scorecards_merged_pdf(sheets), "application/pdf", f"{name}.pdf"


def agent_interview_form(*, user: User, cycle: Cycle, agent_id: str) -> Download:
    """Seed 004's 绩效面谈表 of one agent: for the agent, their supervisors and HR, once the
    supervisor has written the record."""
    from appraise.web.followups.models import FollowUp, Kind
    from appraise.web.interviews.models import GapFlag

    record = _interviews(user, cycle, [agent_id]).get(agent_id)
    if record is None:
        raise NotFound(
            _("%(agent_id)s has no interview record in cycle %(pk)s")
            % {"agent_id": agent_id, "pk": cycle.pk}
        )
    result = eval_sel.result_get(user=user, cycle=cycle, agent_id=agent_id)
    interview = _interview(record)
    assert interview is not None
    items = FollowUp.objects.filter(cycle=cycle, agent=result.agent, kind=Kind.INTERVIEW)
    gap = GapFlag.objects.filter(cycle=cycle, agent=result.agent).first()
    form = InterviewForm(
        company=settings.APPRAISE_SCORECARD["COMPANY_NAME"],
        scheme_name=scheme_of(cycle.scheme_version).name,
        period=cycle.period,
        agent_id=result.agent.agent_id,
        name=result.agent.name,
        team=result.agent.team.name if result.agent.team else "",
        position=result.agent.position,
        total=plain_or_none(result.total) or "",
        grade=result.grade,
        self_grade=(gap.self_grade or "") if gap is not None else "",
        reasons=[f"{i.rule_label}" + (f"({i.explain})" if i.explain else "") for i in items],
        interview=interview,
        generated=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    )
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in agent_id)
    return interview_pdf(form), "application/pdf", f"interview-{cycle.period}-{safe}.pdf"
