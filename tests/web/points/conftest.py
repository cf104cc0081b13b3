"""Seed 003's six meal-booking agents on top of the web tests' organisation, and the s003-points
scheme stored as a version.

The base fixture has A001 and A002 in team 一组 (supervisor sup1) and B001 in 二组 (sup2); here
A003 joins 一组 and A004, A005, A006 join 二组, so each supervisor sees three of the six.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from appraise.web.org.models import Agent
from appraise.web.points import services as ps
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create
from points.days import files

from ..conftest import People

ROOT = Path(__file__).resolve().parents[3]
S003_POINTS = ROOT / "schemes" / "seeds" / "s003-points.yaml"
DAYS = ("2026-05-29", "2026-05-30", "2026-05-31")


@pytest.fixture
def six(people: People) -> dict[str, Agent]:
    extra = [
        ("A003", "罗敏", people.team1),
        ("A004", "梁超", people.team2),
        ("A005", "宋佳", people.team2),
        ("A006", "唐宁", people.team2),
    ]
    for agent_id, name, team in extra:
        Agent.objects.create(agent_id=agent_id, name=name, team=team)
    return {a.agent_id: a for a in Agent.objects.filter(agent_id__startswith="A")}


@pytest.fixture
def points_scheme(people: People) -> SchemeVersion:
    return scheme_version_create(
        by=people.hr, text=S003_POINTS.read_text(encoding="utf-8"), file="s003-points.yaml"
    )


@dataclass
class Ledger:
    people: People
    agents: dict[str, Agent]
    version: SchemeVersion


def run_day(ledger: Ledger, day: str, **kw: str) -> ps.RunOutcome:
    return ps.points_run_period(
        scheme_version=ledger.version, period=day, by=ledger.people.hr, files=files(**kw)
    )


@pytest.fixture
def opening(people: People, six: dict[str, Agent], points_scheme: SchemeVersion) -> Ledger:
    """Opening balances carried from the paper 晋级榜 (dated 04-30, before the three days):
    A001 45, A003 70."""
    for agent_id, points in (("A001", 45), ("A003", 70)):
        ps.points_entry_add(
            agent=six[agent_id],
            points=Decimal(points),
            on=date(2026, 4, 30),
            reason="纸质积分表结转",
            by=people.hr,
        )
    return Ledger(people, six, points_scheme)


@pytest.fixture
def ledger(opening: Ledger) -> Ledger:
    """The opening balances and the three days run in order."""
    for day in DAYS:
        run_day(opening, day)
    return opening
