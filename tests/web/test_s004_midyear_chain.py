"""Seed 004's chain fired by the application from published monthly results, with no history
file: the annual 2026 and the mid-year review 2027-H1 are rolled up from the months, and the
rules that read them raise follow-up items and move the post allowance (s004-midyear).

Each agent's ratings and CSAT are one number a month, so the month's total is that number
(经营业绩 40% + CSAT 20% + 服务态度 20% + 相关管理指标 20%). The app started in November 2026, so
the year 2026 is the mean of November and December; 2027-H1 the mean of January to June.
"""

from __future__ import annotations

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result
from appraise.web.followups.models import FollowUp
from appraise.web.org.models import Agent
from appraise.web.schemes.services import scheme_version_create

from .conftest import ROOT, Advance, People

SCHEME = ROOT / "schemes" / "seeds" / "s004-midyear.yaml"
PERIODS = ["2026-11", "2026-12", *(f"2027-0{m}" for m in range(1, 7))]
# A001: 2026 = (60 + 64) ÷ 2 = 62 待改进; 2027-H1 = (60 + 60 + 66 + 66 + 63 + 63) ÷ 6 = 63 待改进.
# A002: 2026 = 90 良好; 2027-H1 = 66 待改进 (once only: the annual was 良好).
# B001: 2026 = (40 + 45) ÷ 2 = 42.5 急需改进; 2027-H1 = 55 待改进 (not improved).
TOTALS = {
    "A001": [60, 64, 60, 60, 66, 66, 63, 63],
    "A002": [90, 90, 66, 66, 66, 66, 66, 66],
    "B001": [40, 45, 55, 55, 55, 55, 55, 55],
}


def _files(i: int, period: str) -> dict[str, bytes]:
    ratings = ["agent_id,period,indicator,rater_role,rater_id,value"]
    metrics = ["agent_id,period,metric,value"]
    for agent_id, totals in TOTALS.items():
        t = totals[i]
        ratings += [f"{agent_id},{period},{ind},,S01,{t}" for ind in ("business", "attitude")]
        ratings.append(f"{agent_id},{period},management,,S01,{t}")
        metrics.append(f"{agent_id},{period},csat,{t}")
    return {
        "ratings.csv": ("\n".join(ratings) + "\n").encode(),
        "metric_values.csv": ("\n".join(metrics) + "\n").encode(),
    }


def _rules(cycle: Cycle) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in FollowUp.objects.filter(cycle=cycle).select_related("agent"):
        out.setdefault(f.agent.agent_id, []).append(f.rule)
    return {a: sorted(r) for a, r in out.items()}


def test_eight_published_months_fire_the_annual_and_mid_year_chain(
    people: People, advance: Advance
) -> None:
    version = scheme_version_create(
        by=people.hr, text=SCHEME.read_text(encoding="utf-8"), file="s004-midyear.yaml"
    )
    cycles: dict[str, Cycle] = {}
    for i, period in enumerate(PERIODS):
        c = cs.cycle_create(
            by=people.hr,
            name=f"{period} 考核",
            scheme_version=version,
            period=period,
            teams=[people.team1, people.team2],
        )
        cs.cycle_import_data(cycle=c, by=people.hr, files=_files(i, period))
        cycles[period] = advance(c, State.PUBLISHED)
        if period == "2026-12":
            # December closes 2026: the annual rules fire, the allowance moves at publication.
            assert _rules(c) == {
                "A001": ["annual_review_object"],
                "B001": ["annual_allowance_cut", "contract_non_renewal"],
            }
            assert Agent.objects.get(agent_id="B001").allowance_level == -1
            assert Agent.objects.get(agent_id="A001").allowance_level == 0
    totals = {
        r.agent.agent_id: float(r.total or 0)
        for r in Result.objects.filter(cycle=cycles["2027-06"], is_current=True).select_related(
            "agent"
        )
    }
    assert totals == {"A001": 63.0, "A002": 66.0, "B001": 55.0}
    # January to May fire nothing: the half-year is under way, the year rules fired once.
    for period in PERIODS[2:7]:
        assert _rules(cycles[period]) == {}, period
    # June closes 2027-H1, the mid-year review.
    june = cycles["2027-06"]
    assert _rules(june) == {"A001": ["midyear_allowance_cut"], "B001": ["midyear_termination"]}
    cut = FollowUp.objects.get(cycle=june, rule="midyear_allowance_cut")
    assert (cut.allowance_from, cut.allowance_to) == (0, -1)
    assert "2027-H1 = (60 + 60 + 66 + 66 + 63 + 63) ÷ 6 = 63" in cut.explain
    assert "2026 = (60 + 64) ÷ 2 = 62" in cut.explain
    assert cut.rule_name == "年中考核再次待改进岗位津贴下调一级"
    end = FollowUp.objects.get(cycle=june, rule="midyear_termination")
    assert "2026 = (40 + 45) ÷ 2 = 42.5" in end.explain and end.allowance_to is None
    levels = dict(Agent.objects.values_list("agent_id", "allowance_level"))
    # A001 down once (June), B001 once (December; the termination moves no allowance).
    assert (levels["A001"], levels["A002"], levels["B001"]) == (-1, 0, -1)
