"""A cycle that covers some teams is computed from files that also hold other teams' agents:
those rows are left out with a warning, and they change nothing of the cycle's agents (their
totals, ranks, grade gaps), on SQLite and PostgreSQL alike (issue 16, item 3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import Result
from appraise.web.interviews.models import GapFlag
from appraise.web.schemes.models import SchemeVersion

from .conftest import S000_WEIGHTS, People


def _ratings(rows: list[tuple[str, str, int]]) -> bytes:
    """Ratings of every s000 indicator: (agent, rater role, value)."""
    lines = ["agent_id,period,indicator,rater_role,rater_id,value"]
    for agent_id, role, value in rows:
        for indicator in S000_WEIGHTS:
            lines.append(f"{agent_id},2026-10,{indicator},{role},R1,{value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _team1_cycle(people: People, scheme_version: SchemeVersion) -> Cycle:
    return cs.cycle_create(
        by=people.hr,
        name="一组十月",
        scheme_version=scheme_version,
        period="2026-10",
        teams=[people.team1],
    )


def test_other_teams_rows_are_left_out_with_a_warning(
    people: People, scheme_version: SchemeVersion
) -> None:
    cycle = _team1_cycle(people, scheme_version)
    # B001 (team 二组) is in the file, its supervisor and self ratings grades apart:
    # supervisor 95 x 90 / 100 = 85.5 (称职), self 50 x 90 / 100 = 45 (不合格). Scored with the
    # cycle's agents, 85.5 would rank B001 between A002 (90) and A001 (72), and its gap would
    # be flagged for an agent the cycle does not have (the KeyError of issue 16).
    files = {
        "ratings.csv": _ratings(
            [("A001", "", 80), ("A002", "", 100), ("B001", "", 95), ("B001", "self", 50)]
        )
    }
    cs.cycle_import_data(cycle=cycle, by=people.hr, files=files)
    cs.cycle_compute(cycle=cycle, by=people.hr)
    cs.cycle_compute(cycle=cycle, by=people.hr)  # a recompute works as well
    results = {
        r.agent.agent_id: r for r in Result.objects.filter(cycle=cycle).select_related("agent")
    }
    assert sorted(results) == ["A001", "A002"]
    # A001: 80 x 90 / 100 = 72; A002: 100 x 90 / 100 = 90; ranked 1 and 2 of two.
    assert (results["A002"].total, results["A002"].rank) == (Decimal(90), 1)
    assert (results["A001"].total, results["A001"].rank) == (Decimal(72), 2)
    assert not GapFlag.objects.filter(cycle=cycle).exists()
    cycle.refresh_from_db()
    codes = [(w["code"], w["message"]) for w in cycle.warnings]
    assert any(code == "rows_not_in_cycle" and "B001" in msg for code, msg in codes), codes
    # Said in the default language (one agent, B001, left out of ratings.csv).
    assert ("rows_not_in_cycle", "不在本周期的 1 名客服的行未计入：B001") in codes, codes


def test_metric_values_and_incidents_of_others_are_left_out_but_center_values_kept() -> None:
    from appraise.inputs import Agent as InputAgent
    from appraise.inputs import Incident, Inputs, MetricValue, Source
    from appraise.schemes.loader import parse_scheme
    from appraise.web.cycles.scoring import merge_inputs

    from .conftest import S000

    scheme = parse_scheme(S000.read_text(encoding="utf-8"), "s000.yaml").scheme
    src = Source("metric_values.csv", 2)
    inc = Source("incidents.csv", 2)
    inputs = Inputs(
        [],
        [
            MetricValue("A001", "2026-10", "satisfaction", Decimal(1), src),
            MetricValue("B001", "2026-10", "satisfaction", Decimal(1), src),
            MetricValue(None, "2026-10", "satisfaction", Decimal(1), src),
        ],
        [],
        [Incident("B001", date(2026, 10, 3), "complaint", Decimal(1), None, None, "", inc)],
        [],
        [],
        [],
    )
    org = [InputAgent("A001", "张三", "一组", None, None, None)]
    merged, _ratings_all, warnings = merge_inputs(scheme, inputs, org, [], [])
    assert [m.agent_id for m in merged.metric_values] == ["A001", None]
    assert merged.incidents == []
    assert [(w.code, w.file) for w in warnings] == [
        ("rows_not_in_cycle", "incidents.csv"),
        ("rows_not_in_cycle", "metric_values.csv"),
    ]
