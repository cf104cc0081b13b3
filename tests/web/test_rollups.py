"""Three published months roll up into the first quarter: its rules fire in March from the
application's own results, with no history file uploaded."""

from __future__ import annotations

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result
from appraise.web.followups.models import FollowUp, Kind
from appraise.web.schemes.services import scheme_version_create

from .conftest import S000, S000_WEIGHTS, Advance, People

QUARTERLY = """  - {id: poor_quarter, name: 一季度内表现不佳, when: "grade in ['待改进', '不合格']", over: quarter}
  - {id: best_of_quarter, name: 季度最佳客服, when: "rank == 1", over: quarter}
rollup: {to: [quarter], rule: mean}
"""


def _ratings(period: str, values: dict[str, int]) -> bytes:
    lines = ["agent_id,period,indicator,rater_role,rater_id,value"]
    for agent_id, value in values.items():
        lines += [f"{agent_id},{period},{ind},,S01,{value}" for ind in S000_WEIGHTS]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_three_published_months_fire_the_quarterly_rules_in_march(
    people: People, advance: Advance
) -> None:
    version = scheme_version_create(
        by=people.hr,
        text=S000.read_text(encoding="utf-8") + QUARTERLY,
        file="s000-quarterly.yaml",
    )
    # The specialist form weighs 90 points: a rating r on every item totals r × 90 / 100.
    # A001: 60, 80, 80 -> 54 (待改进), 72, 72 (合格); the quarter (54 + 72 + 72) / 3 = 66, 待改进.
    # A002: 100 every month -> 90 (称职) each month, quarter 90, rank 1 of the quarter.
    # B001: 80, 80, 60 -> 72, 72, 54; quarter 66 too, 待改进, though January and February pass.
    months = {
        "2026-01": {"A001": 60, "A002": 100, "B001": 80},
        "2026-02": {"A001": 80, "A002": 100, "B001": 80},
        "2026-03": {"A001": 80, "A002": 100, "B001": 60},
    }
    cycles: dict[str, Cycle] = {}
    for period, values in months.items():
        c = cs.cycle_create(
            by=people.hr,
            name=f"{period} 考核",
            scheme_version=version,
            period=period,
            teams=[people.team1, people.team2],
        )
        cs.cycle_import_data(cycle=c, by=people.hr, files={"ratings.csv": _ratings(period, values)})
        cycles[period] = advance(c, State.PUBLISHED)

    def flags(period: str) -> dict[str, list[str]]:
        rows = Result.objects.filter(cycle=cycles[period], is_current=True).select_related("agent")
        return {r.agent.agent_id: list(r.flags) for r in rows}

    quarterly = {"poor_quarter", "best_of_quarter"}
    # January and February: the quarter is under way, nothing quarterly fires (A001's 待改进
    # January asks for the seed's monthly interview only).
    assert not any(quarterly & set(f) for f in flags("2026-01").values())
    assert not any(quarterly & set(f) for f in flags("2026-02").values())
    march = flags("2026-03")
    assert "poor_quarter" in march["A001"] and "poor_quarter" in march["B001"]
    assert "best_of_quarter" in march["A002"] and "poor_quarter" not in march["A002"]
    # The rule that raised it is an HR item with the arithmetic of the quarter.
    item = FollowUp.objects.get(cycle=cycles["2026-03"], agent=people.agent_a1, rule="poor_quarter")
    assert item.kind == Kind.HR
    assert "2026-Q1 = (54 + 72 + 72) ÷ 3 = 66" in item.explain
