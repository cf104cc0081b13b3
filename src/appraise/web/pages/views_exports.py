"""Downloads: an agent's scorecard as a PDF 考核表, a cycle's results as Excel for payroll.

The scorecard is read through the same selector as the page (an agent gets only their own
published result); the payroll workbook is HR's.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.scoring.workbook import label
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.env import envstr
from appraise.web.errors import NotFound
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.evaluations.models import Result
from appraise.web.exports.language import reader_lang
from appraise.web.exports.payroll import payroll_xlsx
from appraise.web.exports.scorecard import Sheet, scorecard_pdf
from appraise.web.pages.common import guarded, int_or_none
from appraise.web.permissions import require_hr
from appraise.web.schemes.services import scheme_of


def _num(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def sheet_of(result: Result, company: str) -> Sheet:
    cycle = result.cycle
    scheme = scheme_of(cycle.scheme_version)
    notes = []
    calibration = result.data.get("calibration")
    if calibration:
        notes.append(f"校准说明: {calibration.get('note', '')}")
    notes.extend(f"备注: {n}" for n in result.data.get("notes") or [])
    if result.version > 1:
        notes.append(f"第 {result.version} 版 ({result.reason})")
    return Sheet(
        company=company,
        scheme_name=scheme.name,
        period=cycle.period,
        agent_id=result.agent.agent_id,
        name=result.agent.name,
        team=result.agent.team.name if result.agent.team else "",
        position=result.agent.position,
        version=result.version,
        data=result.data,
        total=_num(result.total),
        grade=result.grade,
        computed_grade=result.computed_grade,
        rank="" if result.rank is None else str(result.rank),
        pay_total=_num(result.pay_total),
        generated=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        notes=notes,
    )


@guarded
def scorecard_download(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    result = eval_sel.result_get(user=request.user, cycle=cycle, agent_id=agent_id)
    version = int_or_none(request.GET.get("version"))
    if version is not None and version != result.version:
        history = eval_sel.result_history(user=request.user, cycle=cycle, agent_id=agent_id)
        earlier = history.filter(version=version).select_related("cycle", "agent__team").first()
        if earlier is None:
            raise NotFound(
                _("%(agent_id)s has no version %(version)s in cycle %(pk)s")
                % {"agent_id": agent_id, "version": version, "pk": cycle.pk}
            )
        result = earlier
    body = scorecard_pdf(sheet_of(result, envstr("APPRAISE_COMPANY", "")))
    response = HttpResponse(body, content_type="application/pdf")
    name = f"scorecard-{cycle.period}-{agent_id}-v{result.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@guarded
def payroll_download(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    require_hr(request.user, _("export payroll"))
    scheme = scheme_of(cycle.scheme_version)
    pay_lines = [(c.id, c.name) for c in (scheme.pay.components if scheme.pay else [])]
    lang = reader_lang()

    def t(key: str) -> str:
        return label(key, lang)

    about = [
        (t("cycle_name"), cycle.name),
        (t("scheme"), f"{scheme.name} ({cycle.scheme_version})"),
        (t("period"), cycle.period),
        (t("state"), str(cycle.get_state_display())),
        (t("published"), t("yes") if cycle.is_published else t("draft")),
        (t("exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    response = HttpResponse(
        payroll_xlsx(
            eval_sel.result_list_cycle(user=request.user, cycle=cycle),
            pay_lines=pay_lines,
            about=about,
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="payroll-{cycle.period}-{cycle.pk}.xlsx"'
    )
    return response
