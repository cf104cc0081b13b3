"""The rows behind a number (issue 10): from an agent's scorecard, a metric's value opens the
conversations, calls or tickets that made it, and those left out with the reason.

Whoever may see the agent's result in the cycle may see its rows (an agent: their own,
published; a supervisor: their teams'; HR: all). The rows are read again from the cycle's raw
events (the files it was computed from), so they are the same rows the value came from.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appraise.metrics.definitions import (
    MetricDefinition,
    center_definitions,
    library_definitions,
)
from appraise.periods import Period
from appraise.problems import ProblemsError
from appraise.schemes.loader import scheme_definitions
from appraise.schemes.model import Scheme
from appraise.schemes.validate import all_indicators
from appraise.scoring.needs import needed_metrics
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.models import Cycle
from appraise.web.cycles.scoring import EVENTS, metric_rows
from appraise.web.errors import NotFound
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.pages.common import guarded, int_or_none, page
from appraise.web.schemes.services import scheme_of

PER_PAGE = 100


def _center_definitions(cycle: Cycle, names: set[str]) -> list[MetricDefinition]:
    """The metric definitions of the center.yaml stored with the cycle's events, if any: the
    one beside the events first, as the compute reads them (``cycles.scoring._events_store``)."""
    for name in (f"{EVENTS}/center.yaml", "center.yaml"):
        if name in names:
            text = bytes(cycle.files.get(name=name).content).decode("utf-8", "replace")
            try:
                return center_definitions(text, name, dict(library_definitions()))
            except ProblemsError:
                return []  # the compute said so; no link is better than a wrong one
    return []


def _event_metrics(cycle: Cycle, scheme: Scheme) -> dict[str, MetricDefinition]:
    """The metrics of the scheme that this cycle computed from raw events, by id."""
    names = set(cycle.files.values_list("name", flat=True))
    if not any(n.startswith(EVENTS + "/") for n in names):
        return {}
    defined = {d.id: d for d in _center_definitions(cycle, names)}
    defined.update({d.id: d for d in scheme_definitions(scheme)})
    known = library_definitions() | defined
    return {m: known[m] for m in needed_metrics(scheme, defined) if m in known}


def rows_links(cycle: Cycle, agent_id: str) -> dict[str, str]:
    """Indicator id -> the address of the rows behind its value, for those read from events."""
    scheme = scheme_of(cycle.scheme_version)
    computed = _event_metrics(cycle, scheme)
    out: dict[str, str] = {}
    for node, _depth in all_indicators(scheme):
        metric = getattr(node.rule, "metric", None)
        if metric in computed:
            out[node.id] = f"/cycles/{cycle.pk}/agents/{agent_id}/rows/{metric}/"
    return out


@guarded
def metric_rows_page(
    request: HttpRequest, cycle_id: int, agent_id: str, metric: str
) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    result = eval_sel.result_get(user=request.user, cycle=cycle, agent_id=agent_id)
    scheme = scheme_of(cycle.scheme_version)
    definition = _event_metrics(cycle, scheme).get(metric)
    if definition is None:
        raise NotFound(
            _("%(metric)s was not computed from this cycle's raw events") % {"metric": metric}
        )
    files = {f.name: bytes(f.content) for f in cycle.files.all()}
    lang: Literal["zh", "en"] = "en" if (get_language() or "zh").startswith("en") else "zh"
    parts = metric_rows(scheme, Period.parse(cycle.period), files, metric, agent_id, lang)
    rows: list[dict[str, Any]] = [
        {"part": label, "row": r} for label, found in parts for r in found
    ]
    counted = sum(1 for x in rows if x["row"].left_out is None)
    pages = Paginator(rows, PER_PAGE)
    number = int_or_none(request.GET.get("page")) or 1
    shown = pages.get_page(number)
    reading = {
        n.id for n, _depth in all_indicators(scheme) if getattr(n.rule, "metric", None) == metric
    }
    shown_value = next(
        (
            i.get("value_text") or i.get("value")
            for i in result.read().get("indicators") or []
            if i.get("id") in reading
        ),
        None,
    )
    from appraise.metrics.explain import describe

    return page(
        request,
        "pages/metric_rows.html",
        {
            "cycle": cycle,
            "agent": result.agent,
            "metric": definition,
            "value": shown_value,
            # The definition in words, in the reader's language (its description is English).
            "words": describe(definition, lang),
            "rows": shown,
            "total": len(rows),
            "counted": counted,
            "several_parts": len(parts) > 1,
            "back": (
                f"/me/{cycle.pk}/"
                if result.agent.user_id == request.user.pk
                else f"/cycles/{cycle.pk}/agents/{agent_id}/"
            ),
        },
    )
