"""A scheme with assigned peer raters (seed 004: 员工自评 20% + 同事互评 30% + 经理复评 50%) and a
cycle of the test world on it, for the assigned-rater tests (services, API, pages, browser).

The world (conftest): team 一组 = A001 (a1), A002 (a2), supervisor sup1; team 二组 = B001 (b1),
supervisor sup2; outsider has a login and no role (another department).
"""

from __future__ import annotations

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.schemes.services import scheme_version_create

from .conftest import People

SCHEME = """\
id: t-peers
name: 同事互评测试
period: month
full_score: 100
raters:
  roles:
    - {id: self, name: 员工自评, weight: 20%}
    - {id: peer, name: 同事互评, weight: 30%, assigned: true, anonymous: ANONYMOUS}
    - {id: supervisor, name: 经理复评, weight: 50%}
indicators:
  - {id: teamwork, name: 协作性, weight: 50, rule: {type: rated, max: 100}}
  - {id: attitude, name: 工作态度, weight: 50, rule: {type: rated, max: 100}}
grades:
  - {name: 优秀, range: ">= 90"}
  - {name: 合格, range: "[60, 90)"}
  - {name: 不合格, range: "< 60"}
"""

# The supervisors' ratings of A002 and B001 come from a file; A001 is rated in the app.
FILE = (
    b"agent_id,period,indicator,rater_role,rater_id,value\n"
    b"A002,2026-10,teamwork,supervisor,sup1,70\n"
    b"A002,2026-10,attitude,supervisor,sup1,70\n"
    b"B001,2026-10,teamwork,supervisor,sup2,60\n"
    b"B001,2026-10,attitude,supervisor,sup2,60\n"
)


def peer_cycle(people: People, *, anonymous: bool = True) -> Cycle:
    """A cycle of both teams on the peer scheme, its file imported (state data_imported)."""
    version = scheme_version_create(
        by=people.hr,
        text=SCHEME.replace("ANONYMOUS", "true" if anonymous else "false"),
        file="t-peers.yaml",
    )
    cycle = cs.cycle_create(
        by=people.hr,
        name="互评十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    return cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": FILE})
