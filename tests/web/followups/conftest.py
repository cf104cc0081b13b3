"""A cycle whose scheme asks for every kind of follow-up, on the paper ratings of the web world.

s000-specialist as seeded (待改进 and below: a 绩效面谈) plus two rules of seed 004 written the
way s004-online-shop and s004-grades write them: the last two ranks submit a rectification plan
within 7 days, and the last rank is an HR item (training), its ``follow_up`` left undeclared.
Paper totals (tests/web/conftest.py): A002 90 (rank 1), A001 72 (rank 2), B001 45 (rank 3,
不合格); with 3 agents ranked, ``rank > count - 2`` is rank 2 and 3.
"""

from __future__ import annotations

import pytest

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

from ..conftest import S000, People

EXTRA = """  - id: rectification_plan
    name: 排名后两名提交整改计划
    when: "rank > count - 2"
    due_days: 7
    follow_up: plan
    note: 分析落后原因、找出改进措施
  - {id: targeted_training, name: 末位针对性培训, when: "rank == last_rank"}
"""


@pytest.fixture
def followup_version(people: People) -> SchemeVersion:
    text = S000.read_text(encoding="utf-8") + EXTRA
    return scheme_version_create(by=people.hr, text=text, file="s000-specialist.yaml")


@pytest.fixture
def fcycle(people: People, followup_version: SchemeVersion) -> Cycle:
    return cs.cycle_create(
        by=people.hr,
        name="十月考核(跟进)",
        scheme_version=followup_version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
