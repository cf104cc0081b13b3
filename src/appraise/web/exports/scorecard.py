"""One agent's scorecard as a paper appraisal form (考核表) in PDF, and a cycle's forms at once.

The layout of the forms in the seeds: a header with the company, period and the person, the
table of indicators with weight, value, score and weighted score, the totals and grade, the pay
lines, the calibration reason, the interview record (绩效面谈), and a signature line with its
date for each role of the sign-off chain (当事人, 考核人, 部门经理 ... from settings).

The form is an HTML template (``exports/scorecard.html``) laid out by WeasyPrint: CSS paged
media gives A4, repeated table headers and page numbers, and WeasyPrint embeds the subset of the
CJK font (Noto Sans CJK from Debian's fonts-noto-cjk) that the text uses, so any viewer shows
the Chinese. Works on plain data (:class:`Sheet`), not on models.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appraise.decimals import money, plain
from appraise.scoring.text import points_text


@dataclass(frozen=True)
class Interview:
    """The 绩效面谈 record of the agent in the cycle, as the form prints it."""

    supervisor: str
    written: str
    content: str
    plan: str
    signed: str
    agent_comment: str


@dataclass(frozen=True)
class Sheet:
    """What the form prints; ``data`` is the engine's result_dict of the version shown."""

    company: str
    scheme_name: str
    period: str
    agent_id: str
    name: str
    team: str
    position: str
    version: int
    data: dict[str, Any]
    total: str
    grade: str
    computed_grade: str
    rank: str
    pay_total: str
    generated: str
    notes: list[str] = field(default_factory=list)
    calibration: str = ""
    interview: Interview | None = None
    signatures: Sequence[str] = ("当事人", "考核人", "部门经理")
    pay_names: dict[str, str] = field(default_factory=dict)
    # The scheme's score step: scores and weighted scores are printed rounded to it.
    step: Decimal = Decimal("0.01")


def fmt(value: Any) -> str:
    """A number as the form prints it (80, 7.5; never 8E+1), a level name as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return plain(Decimal(str(value)))


def _context(sheet: Sheet) -> dict[str, Any]:
    data = sheet.data
    indicators = list(data.get("indicators") or [])
    parents = {i.get("parent") for i in indicators}

    def row(ind: dict[str, Any], category: bool) -> dict[str, Any]:
        return {
            "name": ind.get("name", ""),
            "indent": f"{1.5 + 4 * int(ind.get('depth') or 0)}mm",
            "category": category,
            "weight": fmt(ind.get("weight")),
            # 实际值 with the metric's unit (45 秒) when the engine said one.
            "value": ind.get("value_text") or fmt(ind.get("value")),
            "score": points_text(ind.get("score"), sheet.step),
            "weighted": points_text(ind.get("weighted"), sheet.step),
            "explain": ind.get("explain") or "",
        }

    explain = data.get("pay_explain") or {}
    pay = [
        {
            "name": sheet.pay_names.get(pid, pid),
            "amount": "" if amount is None else money(Decimal(str(amount))),
            # pay_explain is "name: explanation"; the name is its own column.
            "explain": str(explain.get(pid, "")).split(": ", 1)[-1],
        }
        for pid, amount in (data.get("pay") or {}).items()
        if pid != "total"
    ]
    grade = sheet.grade
    if sheet.computed_grade and sheet.computed_grade != sheet.grade:
        grade = _("%(grade)s (before calibration: %(computed)s)") % {
            "grade": sheet.grade,
            "computed": sheet.computed_grade,
        }
    english = (get_language() or "").startswith("en")
    return {
        "lang": "en" if english else "zh-Hans",
        # CSS counters cannot be inside a translated string: the words around the page number.
        "page_before": "Page " if english else "第 ",
        "page_after": "" if english else " 页",
        "s": sheet,
        "title": f"{sheet.scheme_name} {sheet.name} {sheet.period}",
        "indicators": [row(i, i["id"] in parents) for i in indicators],
        "adjustments": [row(i, False) for i in data.get("adjustments") or []],
        "grade": grade,
        "pay": pay,
        "consequences": data.get("consequences") or [],
    }


def scorecard_html(sheet: Sheet) -> str:
    return render_to_string("exports/scorecard.html", _context(sheet))


def render(html: str) -> Any:
    """A WeasyPrint document of the HTML, with nothing fetched from outside."""
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class NoFetching(URLFetcher):  # type: ignore[misc]
        """The form needs nothing from outside (its style is inline, its font from fontconfig):
        whatever a template or a name might point at, no file is read and no address is asked."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"the scorecard fetches nothing: {url}")  # internal

    return HTML(string=html, url_fetcher=NoFetching()).render()


def _document(sheet: Sheet) -> Any:
    return render(scorecard_html(sheet))


def scorecard_pdf(sheet: Sheet) -> bytes:
    body: bytes = _document(sheet).write_pdf()
    return body


def scorecards_merged_pdf(sheets: Sequence[Sheet]) -> bytes:
    """Every form in one PDF, each starting on a new page and numbered on its own (第 1 / 2 页);
    the fonts are embedded once for all."""
    documents = [_document(s) for s in sheets]
    pages = [page for doc in documents for page in doc.pages]
    body: bytes = documents[0].copy(pages).write_pdf()
    return body


def file_name(period: str, agent_id: str, version: int) -> str:
    safe = re.sub(r"[^\w.-]+", "_", agent_id)
    return f"scorecard-{period}-{safe}-v{version}.pdf"


def scorecards_zip(sheets: Sequence[Sheet]) -> bytes:
    """One PDF per agent in a zip (names as the single download's: scorecard-PERIOD-ID-vN.pdf)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for s in sheets:
            z.writestr(file_name(s.period, s.agent_id, s.version), scorecard_pdf(s))
    return buf.getvalue()


@dataclass(frozen=True)
class InterviewForm:
    """Seed 004's 绩效面谈表: the person, the result, why the interview was held, what the
    supervisor wrote and the agent's confirmation, with a signature line for each."""

    company: str
    scheme_name: str
    period: str
    agent_id: str
    name: str
    team: str
    position: str
    total: str
    grade: str
    self_grade: str
    reasons: Sequence[str]
    interview: Interview
    generated: str


def interview_html(form: InterviewForm) -> str:
    english = (get_language() or "").startswith("en")
    return render_to_string(
        "exports/interview.html",
        {
            "lang": "en" if english else "zh-Hans",
            "f": form,
            "title": f"{form.name} {form.period}",
        },
    )


def interview_pdf(form: InterviewForm) -> bytes:
    body: bytes = render(interview_html(form)).write_pdf()
    return body
