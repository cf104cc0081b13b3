"""Downloads: an agent's scorecard as a PDF 考核表 (or a cycle's, zipped or merged), a cycle's
results as Excel for payroll.

The scorecards are read through the same selectors as the page (an agent gets only their own
published result, ``appraise.web.exports.documents``); the payroll workbook is HR's.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.scoring.workbook import label
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.exports import documents
from appraise.web.exports.language import reader_lang
from appraise.web.exports.payroll import payroll_xlsx
from appraise.web.pages.common import guarded, int_or_none
from appraise.web.permissions import require_hr
from appraise.web.schemes.services import scheme_of


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@guarded
def scorecard_download(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    version = int_or_none(request.GET.get("version"))
    return _download(
        *documents.agent_scorecard(
            user=request.user, cycle=cycle, agent_id=agent_id, version=version
        )
    )


@guarded
def scorecards_download(request: HttpRequest, cycle_id: int, fmt: str) -> HttpResponse:
    """Every form of the cycle the person may see: ``scorecards.zip`` or ``scorecards.pdf``
    (``?team=ID``: of one team)."""
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    team = int_or_none(request.GET.get("team"))
    return _download(
        *documents.cycle_scorecards(user=request.user, cycle=cycle, fmt=fmt, team=team)
    )


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
