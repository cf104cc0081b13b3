"""The rules measured like the checks in the web (issue 15): the import keeps every computable
rule's verdict, the figures page, the API, the QA gate and a scheme's ``min_agreement`` see a
rule mirrored on a rubric item, and a cycle reads the rules' metrics (``autoqa_*``).

The month (conftest) and two rules of our own:

- ``no_greeting`` (未问候, 严重, 2 points): the agent's first message lacks 您好. By hand: the
  model call and the chats open with 您好; K-A001-2 opens "喂，您说。": it hits K-A001-2 only.
- ``taboo`` (服务忌语, 红线, 5 points): 不知道 or 不清楚 said by the agent: K-A001-2 ("这个我不
  知道") and W-A002-2 ("物流的事我不清楚").

Both need no times, so both are computable on each of the 7 conversations imported.

The reviews are test_agreement.py's four calls; ``no_greeting`` mirrored on 开场白:

- K-A001-1: no hit, PERFECT (标准开场白): tn
- K-A001-2: hit, C002 (未用标准开场白): tp
- K-A002-1: no hit, NO_OPENING (未用标准开场白): fn
- K-B001-1: no hit, PERFECT: tn

tp 1, fp 0, fn 1, tn 2 (n = 4), and the three chats unreviewed (unmatched 3):
precision 1 / (1 + 0) = 1, recall 1 / (1 + 1) = 0.5, po = (1 + 2) / 4 = 0.75,
pe = ((1 + 0)(1 + 1) + (1 + 2)(0 + 2)) / 16 = (2 + 6) / 16 = 0.5, κ = (0.75 − 0.5) / 0.5 = 0.5.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from appraise.messages import reading
from appraise.schemes.loader import parse_scheme
from appraise.web.qa import services as qs
from appraise.web.qa.appraisal import qa_inputs, scheme_agreement
from appraise.web.qa.models import Conversation
from appraise.web.qa.selectors import period_agreement

from .conftest import C002, PERFECT, PERIOD, Qa, next_month, qa_files
from .test_agreement import NO_OPENING

RULES = """
rules:
  - id: no_greeting
    name: 未问候
    severity: 严重
    points: 2
    conditions:
      said: {keywords: {none: [您好]}, first: 1}
  - id: taboo
    name: 服务忌语
    severity: 红线
    points: 5
    conditions:
      said: {keywords: [不知道, 不清楚]}
agreement:
  checks:
    no_greeting: {mirrors: {item: 开场白}REQUIRE}
"""
AGENTS = {"A001", "A002", "B001"}


def config(require: str = "") -> str:
    """The rules, ``no_greeting`` mirrored on 开场白 and, given, what the QA config requires."""
    return RULES.replace("REQUIRE", f", require: {{{require}}}" if require else "")


def signed_in(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _reviewed(qa: Qa, require: str = "") -> None:
    """The fixture imported the month without rules; importing it again with them gives its
    conversations their rule verdicts (they had none). Then the four calls are reviewed."""
    qs.conversation_import(
        period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=config(require)
    )
    qa.sample(reviewers=[qa.q1])
    for cid, ratings in (
        ("K-A001-1", PERFECT),
        ("K-A001-2", C002),
        ("K-A002-1", NO_OPENING),
        ("K-B001-1", PERFECT),
    ):
        qs.review_submit(assignment=qa.assignment(cid), by=qa.q1, ratings=ratings)


def _verdicts(period: str) -> dict[str, dict[str, bool]]:
    return dict(
        Conversation.objects.filter(period=period).values_list("conversation_id", "rule_verdicts")
    )


def test_the_import_keeps_the_verdict_of_every_computable_rule(qa: Qa) -> None:
    # A fresh month: every conversation gets both rules' verdicts, the hits their findings.
    qs.conversation_import(
        period="2026-11", by=qa.people.hr, files=qa_files(next_month()), config_text=config()
    )
    got = _verdicts("2026-11")
    assert got["K-A001-1-11"] == {"no_greeting": False, "taboo": False}
    assert got["K-A001-2-11"] == {"no_greeting": True, "taboo": True}
    assert got["W-A002-2-11"] == {"no_greeting": False, "taboo": True}
    assert len(got) == 7  # X999's chat is skipped
    bad = Conversation.objects.get(conversation_id="K-A001-2-11")
    assert sorted(f["rule"] for f in bad.rule_findings) == ["no_greeting", "taboo"]
    # The call's start (2026-11-13 11:00 Shanghai), which orders an escalation.
    assert {f["started_at"] for f in bad.rule_findings} == {"2026-11-13T03:00:00+00:00"}


def test_a_reimport_gives_verdicts_only_to_conversations_without_them(qa: Qa) -> None:
    # The fixture's import had no rules: no verdicts, as a conversation imported before they
    # were kept.
    assert set(map(len, _verdicts(PERIOD).values())) == {0}
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=config())
    assert _verdicts(PERIOD)["K-A001-2"] == {"no_greeting": True, "taboo": True}
    # Another config later (a rule hitting every conversation) changes nothing kept.
    every = "rules:\n  - id: anything\n    conditions:\n      said: {messages: {at_least: 1}}\n"
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=every)
    assert _verdicts(PERIOD)["K-A001-2"] == {"no_greeting": True, "taboo": True}


def test_the_figures_page_shows_the_rules_agreement(qa: Qa) -> None:
    _reviewed(qa, "kappa: 0.6")
    html = signed_in(qa.people.hr).get(f"/qa/figures/?period={PERIOD}").content.decode()
    row = html.split('<tr data-check="no_greeting">')[1].split("</tr>")[0]
    assert "开场白" in row
    assert '<td class="num">4</td>' in row  # conversations compared
    assert '<td class="num">1.000</td>' in row and '<td class="num">0.500</td>' in row
    assert '<td class="num" data-test="kappa">0.500</td>' in row
    assert "暂不计入" in row and "kappa 0.50 低于要求的 0.60" in row


def test_the_figures_api_gives_the_rules_agreement(qa: Qa) -> None:
    _reviewed(qa, "kappa: 0.4")
    got = (
        signed_in(qa.people.hr)
        .get(f"/api/qa/figures/?period={PERIOD}", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    (rule,) = [a for a in got["agreement"] if a["check"] == "no_greeting"]
    assert (rule["tp"], rule["fp"], rule["fn"], rule["tn"]) == (1, 0, 1, 2)
    assert (rule["precision"], rule["recall"], rule["kappa"]) == ("1", "0.5", "0.5")
    # κ 0.5 >= the 0.4 asked: it counts
    assert rule["gated"] is True and rule["counts"] is True


def test_scheme_agreement_has_the_rule(qa: Qa) -> None:
    _reviewed(qa)
    scheme = parse_scheme(scheme_text("0.6"), "rules.yaml").scheme
    got = scheme_agreement(scheme=scheme, period=PERIOD)
    assert got is not None
    a = got["no_greeting"]
    assert (a.tp, a.fp, a.fn, a.tn, a.unmatched) == (1, 0, 1, 2, 3)
    assert a.kappa == Decimal("0.5")
    assert period_agreement(period=PERIOD).rows()[0]["check"] == "no_greeting"


def test_a_conversation_without_verdicts_gives_the_rule_no_pairs(qa: Qa) -> None:
    _reviewed(qa)
    # As if imported before the verdicts were kept: the hit alone is not a verdict.
    Conversation.objects.filter(period=PERIOD).update(rule_verdicts={})
    got = period_agreement(period=PERIOD)
    assert got.figures == []
    assert [(r["check"], r["figures"]) for r in got.rows()] == [("no_greeting", None)]


# The rules' metrics by hand (each rule hits a conversation once, one occurrence each):
# A001: 3 conversations checked; K-A001-2 hits both rules: autoqa_hits 2, points 2 + 5 = 7,
#   autoqa_major_count 1 (no_greeting), autoqa_redline_count 1 (the one conversation),
#   autoqa_no_greeting 1, autoqa_taboo 1.
# A002: 2 checked; W-A002-2 hits taboo: hits 1, points 5, redline 1, no_greeting 0.
# B001: 2 checked, no hit: all 0.
EXPECTED = {
    "A001": {"checked": 3, "hits": 2, "points": 7, "redline_count": 1, "no_greeting": 1},
    "A002": {"checked": 2, "hits": 1, "points": 5, "redline_count": 1, "no_greeting": 0},
    "B001": {"checked": 2, "hits": 0, "points": 0, "redline_count": 0, "no_greeting": 0},
}


def scheme_text(kappa: str | None = None) -> str:
    """开场问候 50 (no no_greeting hit: 50, else 0) and 规则扣分 50 (0 points: 50, up to 5: 30,
    more: 0); ``kappa``: 开场问候 requires that agreement of no_greeting."""
    need = f"\n    min_agreement: {{kappa: {kappa}}}" if kappa else ""
    return f"""
id: rules-qa
name: 规则质检
period: month
metrics:
  - {{id: autoqa_no_greeting, name: 未问候次数, unit: count}}
  - {{id: autoqa_points, name: 规则扣分点数, unit: count}}
indicators:
  - id: g
    name: 开场问候
    weight: 50{need}
    rule: {{type: bands, metric: autoqa_no_greeting, bands: [{{range: "<= 0", score: 50}}, {{range: "> 0", score: 0}}]}}
  - id: p
    name: 规则扣分
    weight: 50
    rule: {{type: bands, metric: autoqa_points, bands: [{{range: "<= 0", score: 50}}, {{range: "(0, 5]", score: 30}}, {{range: "> 5", score: 0}}]}}
"""


def test_qa_inputs_give_the_rules_metrics_the_scheme_reads(qa: Qa) -> None:
    _reviewed(qa)
    scheme = parse_scheme(
        """
id: rules-all
name: 规则质检(全部)
period: month
metrics:
  - {id: autoqa_checked, name: 规则质检会话数, unit: count}
  - {id: autoqa_hits, name: 规则命中次数, unit: count}
  - {id: autoqa_points, name: 规则扣分, unit: count}
  - {id: autoqa_redline_count, name: 红线会话数, unit: count}
  - {id: autoqa_no_greeting, name: 未问候次数, unit: count}
indicators:
  - {id: h, name: 命中, weight: 100, rule: {type: bands, metric: autoqa_hits, bands: [{range: "<= 0", score: 100}, {range: "> 0", score: 0}]}}
""",
        "rules-all.yaml",
    ).scheme
    got = qa_inputs(scheme=scheme, period=PERIOD, agent_ids=AGENTS)
    assert got.problems == []
    values = {(v.agent_id, v.metric): v.value for v in got.values}
    assert values == {
        (agent, f"autoqa_{m}"): Decimal(n)
        for agent, row in EXPECTED.items()
        for m, n in row.items()
    }
    # Only the agents asked for: A002 alone gets A002's.
    only = qa_inputs(scheme=scheme, period=PERIOD, agent_ids={"A002"})
    assert {v.agent_id for v in only.values} == {"A002"}


def test_a_rule_below_the_configs_requirement_is_withheld_from_the_inputs(qa: Qa) -> None:
    _reviewed(qa, "kappa: 0.6")
    scheme = parse_scheme(scheme_text(), "rules.yaml").scheme
    got = qa_inputs(scheme=scheme, period=PERIOD, agent_ids=AGENTS)
    metrics = {(v.agent_id, v.metric): v.value for v in got.values}
    # autoqa_no_greeting is withheld; the totals, which no one rule makes, are not
    assert not any(m == "autoqa_no_greeting" for _, m in metrics)
    assert metrics[("A001", "autoqa_points")] == Decimal(7)
    (warning,) = got.problems
    with reading("zh"):
        assert str(warning.message) == (
            "自动质检 no_greeting 的 autoqa_no_greeting 暂不计入：kappa 0.50 低于要求的 0.60"
        )


def _totals(qa: Qa, text: str) -> tuple[dict[str, Decimal], list[str]]:
    from appraise.web.cycles import services as cs
    from appraise.web.cycles.models import Cycle
    from appraise.web.evaluations.models import Result
    from appraise.web.schemes.services import scheme_version_create

    hr = qa.people.hr
    version = scheme_version_create(by=hr, text=text, file="rules-qa.yaml")
    cycle = cs.cycle_create(
        by=hr,
        name="十月规则质检",
        scheme_version=version,
        period=PERIOD,
        teams=[qa.people.team1, qa.people.team2],
    )
    cs.cycle_import_data(
        cycle=cycle,
        by=hr,
        files={"metric_values.csv": b"agent_id,period,metric,value\nA001,2026-10,x_unused,1\n"},
    )
    cs.cycle_compute(cycle=cycle, by=hr)
    totals = {
        r.agent.agent_id: r.total
        for r in Result.objects.filter(cycle=cycle, is_current=True).select_related("agent")
    }
    return totals, [w["code"] for w in Cycle.objects.get(pk=cycle.pk).warnings]


def test_a_cycle_scores_the_rules_metrics(qa: Qa) -> None:
    _reviewed(qa)
    totals, codes = _totals(qa, scheme_text())
    # A001: no_greeting 1 -> 0, points 7 -> 0: 0. A002: 0 -> 50, points 5 -> 30: 80.
    # B001: 0 -> 50, points 0 -> 50: 100.
    assert totals == {"A001": Decimal(0), "A002": Decimal(80), "B001": Decimal(100)}
    assert "qa_agreement_unmet" not in codes


@pytest.mark.parametrize(
    ("kappa", "a002", "b001"),
    # κ 0.5 >= 0.4: as above, A002 80 and B001 100. κ 0.5 < 0.6: autoqa_no_greeting does not
    # count, 开场问候 has no value and missing: zero scores it 0: A002 0 + 30, B001 0 + 50.
    [("0.4", Decimal(80), Decimal(100)), ("0.6", Decimal(30), Decimal(50))],
)
def test_a_schemes_min_agreement_on_a_rule_is_met_or_not(
    qa: Qa, kappa: str, a002: Decimal, b001: Decimal
) -> None:
    _reviewed(qa)
    totals, codes = _totals(qa, scheme_text(kappa))
    assert (totals["A002"], totals["B001"]) == (a002, b001)
    assert ("agreement_unmet" in codes) is (kappa == "0.6")
