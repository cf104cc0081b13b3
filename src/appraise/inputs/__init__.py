"""The scoring input files: agents, metric values, ratings, incidents and history.

:func:`load_inputs` reads them into typed records; :func:`normalize_name` is the rule by which a
name written in a file matches a name written in a scheme.
"""

from __future__ import annotations

from appraise.inputs.names import normalize_name
from appraise.inputs.records import (
    Agent,
    HistoryEntry,
    Incident,
    Inputs,
    MetricValue,
    Rating,
    Source,
)
from appraise.inputs.tables import TABLE_NAMES, load_inputs

__all__ = [
    "TABLE_NAMES",
    "Agent",
    "HistoryEntry",
    "Incident",
    "Inputs",
    "MetricValue",
    "Rating",
    "Source",
    "load_inputs",
    "normalize_name",
]
