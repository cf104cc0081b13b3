"""HR corrects one agent's data after publication and re-scores (issue 13): a new result
version, the old one kept, the audit showing both, linked to the data appeal that asked for it.

The scheme has one indicator, 话务质量 = qa_average on 0..100 with the whole weight, so the total
is the metric's value: A001's file says 84.15, a correction to 90 makes the total 90.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appraise.web.appeals import services as aps
from appraise.web.appeals.models import AppealState, Correction
from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.evaluations.models import Result
from appraise.web.schemes.services import scheme_version_create

from .conftest import Advance, People

SCHEME = """\
id: corrections-test
name: 话务质量考核
period: month
indicators:
  - id: call_quality
    name: 话务质量
    weight: 100%
    rule: {type: formula, expr: "qa_average", min: 0, max: 100}
"""
FILE = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-10,qa_average,84.15\nA002,2026-10,qa_average,70\nB001,2026-10,qa_average,60\n"
)


@pytest.fixture
def published(people: People, advance: Advance) -> Cycle:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="corrections-test.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": FILE})
    return advance(cycle, State.APPEAL_WINDOW)


def _a001(cycle: Cycle) -> list[Result]:
    return list(Result.objects.filter(cycle=cycle, agent__agent_id="A001").order_by("version"))


def test_a_corrected_metric_makes_a_new_version_and_keeps_the_old(
    people: People, published: Cycle
) -> None:
    c = aps.correction_apply(
        cycle=published,
        agent_id="A001",
        by=people.hr,
        kind="metric",
        name="qa_average",
        value="90",
        reason="质检复核后改为 90",
    )
    old, new = _a001(published)
    assert (old.version, old.is_current, old.total) == (1, False, Decimal("84.15"))
    assert (new.version, new.is_current, new.total) == (2, True, Decimal("90"))
    assert c.result == new and "质检复核后改为 90" in new.reason
    # The others' results are unchanged: no new version.
    assert Result.objects.filter(cycle=published, agent__agent_id="A002").count() == 1
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"correction.apply", "result.rescore"} <= actions
    entry = AuditLog.objects.get(action="correction.apply")
    assert entry.before is not None and entry.after is not None
    assert entry.before["total"] == "84.15" and entry.after["total"] == "90"
    # The agent's scorecard shows the corrected version, the earlier one and why.
    client = Client()
    client.force_login(people.a1)
    page = client.get(f"/me/{published.pk}/").content.decode()
    assert 'data-test="total">90<' in page and "质检复核后改为 90" in page


def test_a_correction_closes_the_data_appeal_that_asked_for_it(
    people: People, published: Cycle
) -> None:
    appeal = aps.appeal_file(cycle=published, by=people.a1, reasons="质检分录错了")
    appeal = aps.appeal_decide(appeal=appeal, by=people.sup1, decision="uphold", note="属实")
    assert appeal.state == AppealState.UPHELD
    c = aps.correction_apply(
        cycle=published,
        agent_id="A001",
        by=people.hr,
        kind="metric",
        name="qa_average",
        value="88.5",
        reason="按申诉更正",
        appeal=appeal,
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RESCORED and appeal.new_result == c.result
    assert c.result is not None and c.result.total == Decimal("88.5")


def test_only_hr_corrects_after_publication_with_a_reason(
    people: People, published: Cycle, advance: Advance
) -> None:
    def correct(by: User, reason: str = "x", value: str = "90", agent_id: str = "A001") -> None:
        aps.correction_apply(
            cycle=published,
            agent_id=agent_id,
            by=by,
            kind="metric",
            name="qa_average",
            value=value,
            reason=reason,
        )

    with pytest.raises(Forbidden):
        correct(people.sup1)
    with pytest.raises(Invalid):
        correct(people.hr, reason=" ")
    with pytest.raises(Invalid):
        correct(people.hr, value="九十")
    with pytest.raises(Invalid):
        correct(people.hr, agent_id="Z999")
    assert not Correction.objects.exists() and len(_a001(published)) == 1
    advance(published, State.CLOSED)
    with pytest.raises(Conflict):
        correct(people.hr)
