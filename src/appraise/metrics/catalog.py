"""The metric catalog: the built-in definitions, by id.

Every KPI is a definition in the metric language (:mod:`appraise.metrics.definitions`), shipped
as YAML in ``library/``: ``catalog.yaml`` holds the 35 metrics ``appraise metrics`` computes by
default, ``counts.yaml`` the counts other definitions divide by, ``platforms.yaml`` the platform
presets (淘宝, 京东, 抖店飞鸽, tickets). :mod:`appraise.metrics.compile` generates the SQL for
both engines from them; no metric is written in SQL by hand.

docs/metrics.md is the user-facing definition of every metric; keep the two in step.
"""

from __future__ import annotations

from appraise.metrics.compile import CompiledSource, compile_metrics
from appraise.metrics.config import CenterConfig
from appraise.metrics.definitions import (
    MetricDefinition,
    Unit,
    catalog_definitions,
    library_definitions,
    list_definitions,
)

MetricDef = MetricDefinition

# The default catalog, in the order of catalog.yaml.
METRICS: dict[str, MetricDefinition] = catalog_definitions()
# Every built-in definition: the catalog, the counts and the platform presets.
LIBRARY: dict[str, MetricDefinition] = library_definitions()

_COMPILED = compile_metrics(list(METRICS.values()), CenterConfig())
# The catalog's grouped queries as compiled with the default configuration (placeholders
# unfilled), by name: what reads which table and column. A definition's ``sources`` names them.
SOURCES: dict[str, CompiledSource] = {s.name: s for s in _COMPILED.sources}
_SOURCES_OF: dict[str, tuple[str, ...]] = {m.id: m.sources for m in _COMPILED.metrics}


def sources_of(definition: MetricDefinition) -> tuple[str, ...]:
    """The names of the grouped queries a catalog metric reads (in :data:`SOURCES`)."""
    return _SOURCES_OF.get(definition.id, ())


__all__ = ["LIBRARY", "METRICS", "SOURCES", "MetricDef", "Unit", "list_definitions", "sources_of"]
