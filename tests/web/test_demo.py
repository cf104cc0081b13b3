"""The demo loader: the company, the seed schemes and the published months, loaded once.

The small demo is 3 teams x 3 agents over 2 months (2026-09 and 2026-10): 9 agents, 2 cycles.
With fewer than 10 agents the generator makes no mid-period hire, so every agent is in both.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from appraise.web.appeals.models import Appeal
from appraise.web.appeals.services import appeal_file
from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle, CycleFile, State
from appraise.web.demo import loader
from appraise.web.demo.data import (
    DemoData,
    Member,
    agent_ratings,
    demo_months,
    make_demo_data,
    metric_values_csv,
    on_staff,
)
from appraise.web.demo.loader import DemoError, DemoReport, load_demo
from appraise.web.evaluations.models import Result
from appraise.web.org.models import Agent, Team
from appraise.web.schemes.models import SchemeVersion


@functools.cache
def _data(**kwargs: Any) -> DemoData:
    return make_demo_data(**kwargs)


@pytest.fixture(autouse=True)
def _generate_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generating the events takes seconds and gives the same files every time (same seed):
    make them once for the whole module; the database part runs for real in every test."""
    monkeypatch.setattr(loader, "make_demo_data", _data)


def load_small() -> DemoReport:
    return load_demo(agents_per_team=3, months=2)


@pytest.fixture
def demo(db: None) -> DemoReport:
    return load_small()


def test_demo_months_end_with_october_2026() -> None:
    assert [str(p) for p in demo_months(3)] == ["2026-08", "2026-09", "2026-10"]
    with pytest.raises(ValueError, match="1 to 12 months"):
        demo_months(0)


def test_an_agent_hired_in_september_is_not_appraised_in_august() -> None:
    from datetime import date

    old = Member("A1", "甲", "售前1组", "客服专员", "S001", date(2024, 1, 1))
    new = Member("A2", "乙", "售前1组", "客服专员", "S001", date(2026, 9, 16))
    assert on_staff([old, new], "2026-08") == [old]
    assert on_staff([old, new], "2026-09") == [old, new]


def test_metric_sheet_writes_round_numbers_plainly_and_leaves_missing_ones_empty() -> None:
    from datetime import date

    m = Member("A1", "甲", "售后1组", "资深客服", "S002", date(2024, 1, 1))
    text = metric_values_csv(
        [m], "2026-10", {"A1": {"attendance_rate": 100.0, "csat": 91.23456, "qa_average": None}}
    ).decode()
    header, row = text.strip().split("\n")
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    # 100.0 is "100", not "1E+2" (which no reader takes for a number); 91.23456 -> 91.23.
    assert cells["attendance_rate"] == "100"
    assert cells["csat"] == "91.23"
    assert cells["qa_average"] == ""
    # An after-sales team's order-value target and a 资深客服's base salary.
    assert cells["average_order_value_target"] == "160"
    assert cells["base_salary"] == "6000"


def test_ratings_are_the_same_for_the_same_seed_and_rated_from_50_to_100() -> None:
    one = agent_ratings("A1", "2026-10", {"qa_average": 85.0}, 7)
    assert one == agent_ratings("A1", "2026-10", {"qa_average": 85.0}, 7)
    # 3 rated indicators: ticket_quality by the supervisor, the other two by 3 roles -> 7.
    assert len(one) == 1 + 3 + 3
    assert all(50 <= v <= 100 and v % 5 == 0 for v in one.values())


def test_demo_has_three_teams_of_the_asked_size_each_with_its_supervisor(
    demo: DemoReport,
) -> None:
    teams = list(Team.objects.order_by("name"))
    assert [t.name for t in teams] == ["售前1组", "售前2组", "售后1组"]
    manager = User.objects.get(username="manager")
    for i, team in enumerate(sorted(teams, key=lambda t: t.supervisors.get().username)):
        assert team.supervisors.get().username == f"sup{i + 1}"
        assert team.indirect_supervisor == manager
        assert team.agents.count() == 3
    # 3 teams x 3 agents.
    assert Agent.objects.count() == 9
    assert all(a.user is not None for a in Agent.objects.all())
    # One password for every demo login (checking it costs a third of a second each).
    assert User.objects.get(username="a0001").check_password("demo")
    assert User.objects.filter(password=User.objects.get(username="a0001").password).count() == 17
    # admin, hr, manager, sup1..3, the QA reviewers qa1, qa2 and the 9 agents' logins.
    assert User.objects.count() == 6 + 2 + 9
    assert {x.username for x in demo.logins} == set(User.objects.values_list("username", flat=True))
    assert User.objects.get(username="hr").check_password("demo")
    assert User.objects.get(username="admin").is_superuser


def test_the_summary_make_demo_prints_is_in_chinese(demo: DemoReport) -> None:
    from appraise.web.demo.management.commands.load_demo import summary

    text = summary(demo)
    assert "演示账号（用户名 / 密码）：" in text and "考核活动：" in text
    assert "人事：方案、考核活动、导入、校准、申诉" in text
    # The 9 agents on one line, a0001 first; the cycles by their state's name.
    assert "a0001 .. a0009  demo   9 名客服，例如 a0001 = 客服 " in text
    assert "[已发布]" in text or "[申诉期]" in text
    assert not any(word in text for word in ("agents", "supervisor of", "loaded in"))


def test_demo_stores_every_seed_scheme_once(demo: DemoReport) -> None:
    # schemes/seeds/ holds 22 YAML files, one scheme each (the 21 read from the seed documents,
    # and s004-midyear: seed 004's annual -> mid-year -> annual chain as a monthly scheme).
    assert SchemeVersion.objects.count() == 22
    assert SchemeVersion.objects.values("scheme_id").distinct().count() == 22


def test_demo_months_are_published_and_october_waits_in_its_appeal_window(
    demo: DemoReport,
) -> None:
    cycles = list(Cycle.objects.order_by("period"))
    assert [(c.period, c.state) for c in cycles] == [
        ("2026-09", State.CLOSED),
        ("2026-10", State.APPEAL_WINDOW),
    ]
    october = cycles[1]
    assert october.appeal_deadline is not None and october.appeal_deadline > timezone.now()
    for c in cycles:
        assert sorted(CycleFile.objects.filter(cycle=c).values_list("name", flat=True)) == [
            "agents.csv",
            "metric_values.csv",
            "ratings.csv",
        ]
        results = Result.objects.filter(cycle=c, is_current=True)
        assert results.count() == 9
        assert all(r.published_at is not None for r in results)
        assert all(r.total is not None and Decimal(0) < r.total <= 100 for r in results)
        # Ranks 1..9 with ties shared: the best is 1, nobody is ranked below 9.
        ranks = sorted(r.rank or 0 for r in results)
        assert ranks[0] == 1 and ranks[-1] <= 9


def test_an_agent_can_appeal_the_october_result(demo: DemoReport) -> None:
    october = Cycle.objects.get(period="2026-10")
    agent_user = User.objects.get(username="a0001")
    appeal = appeal_file(cycle=october, by=agent_user, reasons="出勤记录有误")
    assert Appeal.objects.filter(pk=appeal.pk, agent__agent_id="A0001").exists()


def test_loading_the_demo_again_changes_nothing(demo: DemoReport) -> None:
    def counts() -> dict[str, int]:
        return {
            "users": User.objects.count(),
            "teams": Team.objects.count(),
            "agents": Agent.objects.count(),
            "schemes": SchemeVersion.objects.count(),
            "cycles": Cycle.objects.count(),
            "results": Result.objects.count(),
            "audit": AuditLog.objects.count(),
        }

    before = counts()
    again = load_small()
    assert not again.loaded
    assert counts() == before
    assert [(c.period, c.state) for c in again.cycles] == [
        ("2026-09", State.CLOSED),
        ("2026-10", State.APPEAL_WINDOW),
    ]


def test_loading_an_interrupted_demo_finishes_it(demo: DemoReport) -> None:
    # As if the load had stopped before October: its cycle and everything under it is gone.
    october = Cycle.objects.get(period="2026-10")
    Result.objects.filter(cycle=october).delete()
    october.delete()
    again = load_small()
    assert again.loaded
    assert Cycle.objects.count() == 2
    assert Cycle.objects.get(period="2026-10").state == State.APPEAL_WINDOW
    assert User.objects.count() == 6 + 2 + 9


def test_a_demo_of_another_size_is_refused_with_what_to_do(demo: DemoReport) -> None:
    # The demo in the database has 3 teams of 3; asked for 3 teams of 4 = 12. Said in the
    # default language, as `make demo` prints it.
    with pytest.raises(DemoError, match=r"演示有 9 名客服，不是 12 名；.*新的数据库"):
        load_demo(agents_per_team=4, months=2)
    with (
        translation.override("en"),
        pytest.raises(DemoError, match=r"demo of 9 agents, not 12.*fresh database"),
    ):
        load_demo(agents_per_team=4, months=2)
