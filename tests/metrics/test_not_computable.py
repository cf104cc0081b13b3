"""A metric whose input no imported file gave is not computable: None and a warning naming the
metric and the column, never 0 % or 100 %; a count metric of a table with no rows is 0 with a
warning."""

from __future__ import annotations

from pathlib import Path

from appraise.metrics.config import CenterConfig
from appraise.metrics.engine import compute_metrics
from appraise.metrics.importer import import_folder
from appraise.metrics.store import open_store
from appraise.periods import Period
from appraise.problems import Problem

OCTOBER = Period.parse("2026-10")


def _store(tmp_path: Path, calls: str):  # type: ignore[no-untyped-def]
    (tmp_path / "calls.csv").write_text(calls, encoding="utf-8")
    conn = open_store()
    import_folder(conn, tmp_path, config=CenterConfig())
    return conn


def test_calls_without_an_answer_column_give_no_abandonment_rate(tmp_path: Path) -> None:
    # Zendesk Talk's export as it is: no answered_at. Every call would count as abandoned.
    conn = _store(tmp_path, "call_id,agent_id,offered_at\nk1,a1,2026-10-05 09:00\n")
    said: list[Problem] = []
    values = compute_metrics(conn, OCTOBER, ["abandonment_rate", "asa"], problems=said)
    assert values == {"a1": {"abandonment_rate": None, "asa": None}}
    messages = {p.field: p.message for p in said if p.code == "metric_not_computable"}
    assert set(messages) == {"abandonment_rate", "asa"}
    assert "calls.answered_at" in messages["abandonment_rate"]


def test_an_answer_column_that_is_empty_because_no_call_was_answered_counts(
    tmp_path: Path,
) -> None:
    # The column is there; both calls went unanswered: abandonment is really 2 / 2 = 100 %.
    conn = _store(
        tmp_path,
        "call_id,agent_id,offered_at,answered_at\nk1,a1,2026-10-05 09:00,\n"
        "k2,a1,2026-10-05 10:00,\n",
    )
    said: list[Problem] = []
    values = compute_metrics(conn, OCTOBER, ["abandonment_rate"], problems=said)
    assert values["a1"]["abandonment_rate"] == 100.0
    assert not [p for p in said if p.code == "metric_not_computable"]


def test_a_later_file_with_the_column_makes_it_computable(tmp_path: Path) -> None:
    conn = _store(tmp_path, "call_id,agent_id,offered_at\nk1,a1,2026-10-05 09:00\n")
    (tmp_path / "calls.csv").write_text(
        "call_id,agent_id,offered_at,answered_at\nk2,a1,2026-10-06 09:00,2026-10-06 09:00:30\n",
        encoding="utf-8",
    )
    import_folder(conn, tmp_path, config=CenterConfig())
    values = compute_metrics(conn, OCTOBER, ["abandonment_rate"])
    # k1 has no answer time and k2 was answered: 1 of 2 abandoned = 50 %.
    assert values["a1"]["abandonment_rate"] == 50.0


def test_a_count_from_a_table_without_rows_is_zero_and_said(tmp_path: Path) -> None:
    conn = _store(tmp_path, "call_id,agent_id,offered_at,answered_at\nk1,a1,2026-10-05 09:00,\n")
    said: list[Problem] = []
    values = compute_metrics(conn, OCTOBER, ["late_count"], agents=["a1"], problems=said)
    assert values == {"a1": {"late_count": 0.0}}
    (problem,) = [p for p in said if p.code == "table_empty"]
    assert "attendance" in problem.message and "late_count" in problem.message
