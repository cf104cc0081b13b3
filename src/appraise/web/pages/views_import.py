"""HR's data import, as the tools export it: a preset or an uploaded mapping, a preview of how
each file reads before anything is stored, and a template for each input table."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from appraise.inputs.preview import preview_folder
from appraise.metrics.mapping import preset_info, presets
from appraise.problems import Problem, ProblemsError, unreadable
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.scoring import EVENTS, check_file_name
from appraise.web.errors import Invalid, NotFound
from appraise.web.pages.common import guarded, page
from appraise.web.permissions import require_hr
from appraise.web.uploads import upload_limited

# One example row per input table, as docs/scoring-inputs.md describes them.
TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "agents": (
        ["agent_id", "name", "team", "position", "supervisor_id", "hired_on"],
        ["A001", "张三", "售前一组", "客服专员", "S01", "2026-03-01"],
    ),
    "metric_values": (
        ["agent_id", "period", "metric", "value"],
        ["A001", "2026-10", "csat", "92.5"],
    ),
    "ratings": (
        ["agent_id", "period", "indicator", "rater_role", "rater_id", "value"],
        ["A001", "2026-10", "工作态度", "supervisor", "S01", "90"],
    ),
    "incidents": (
        ["agent_id", "date", "kind", "count", "points", "amount", "note"],
        ["A001", "2026-10-05", "客户投诉", "1", "", "", "物流延误未及时告知"],
    ),
    "history": (
        ["agent_id", "period", "total", "grade", "rank"],
        ["A001", "2026-09", "88", "B", "3"],
    ),
}


def preset_choices() -> list[dict[str, str]]:
    """The presets by their title in the reader's language, the description as a hint."""
    lang = get_language() or "zh-hans"
    choices = []
    for name in presets():
        title, description = preset_info(name, lang)
        choices.append({"name": name, "title": title, "description": description})
    return choices


def uploaded_files(request: HttpRequest) -> dict[str, bytes]:
    """The import form's files, with the preset or the uploaded mapping as ``mapping.yaml``."""
    uploads = request.FILES.getlist("files")
    if not uploads:
        raise Invalid(_("choose at least one file to import"))
    prefix = f"{EVENTS}/" if request.POST.get("events") else ""
    files = {prefix + (f.name or "upload"): f.read() for f in uploads}
    preset = request.POST.get("preset", "")
    mapping = request.FILES.get("mapping")
    if preset and mapping is not None:
        raise Invalid(_("choose a preset or upload a mapping, not both"))
    if preset:
        if preset not in presets():
            raise Invalid(_("no preset %(name)s") % {"name": preset})
        files["mapping.yaml"] = f"preset: {preset}\n".encode()
    elif mapping is not None:
        files["mapping.yaml"] = mapping.read()
    return files


@guarded
@require_POST
@upload_limited
def cycle_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """How the chosen files would be read, before anything is stored."""
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    require_hr(request.user, _("import data"))
    files = uploaded_files(request)
    with tempfile.TemporaryDirectory(prefix="appraise-preview-") as tmp:
        root = Path(tmp)
        for name, content in files.items():
            target = root / check_file_name(name)
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(content)
        mapping = files.get("mapping.yaml")
        try:
            mapping_text = mapping.decode("utf-8-sig") if mapping else None
        except UnicodeDecodeError as exc:
            # As the import says it (a GBK mapping, a picture chosen as the mapping).
            raise ProblemsError(
                [Problem("error", "unreadable", unreadable(exc), file="mapping.yaml")]
            ) from None
        previews = preview_folder(root, mapping_text)
    return page(request, "pages/_import_preview.html", {"cycle": cycle, "previews": previews})


@guarded
@require_GET
def import_template(request: HttpRequest, table: str) -> HttpResponse:
    """An empty input table with its header and one example row, as Excel opens it (a BOM)."""
    require_hr(request.user, _("import data"))
    if table not in TEMPLATES:
        raise NotFound(_("no input table %(table)s") % {"table": table})
    header, example = TEMPLATES[table]
    body = "\ufeff" + ",".join(header) + "\r\n" + ",".join(example) + "\r\n"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    return response
