"""The rule test bench page (/qa/rules/test/): a draft rule run on imported conversations, every
hit with its evidence, nothing saved; a bad draft comes back beside the YAML with its line.

The dialogues are our own (a shop's chat in December), imported into the QA app as canonical
files next to the October month of conftest.py:

- W-A001-12 (A001): the agent asks the customer to add them on WeChat and settle it privately.
- W-A002-12 (A002): the customer asks for WeChat; the agent says 私下 only to refuse, and
  transfers (为您转接), so the rule's ``!transfer`` keeps it out.
- W-B001-12 (B001): a model chat, nothing to find.
"""

from __future__ import annotations

import re

from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation

from .conftest import CHAT, Line, Qa, qa_files

DEC = "2026-12"
PRIVATE: list[Line] = [
    ("agent", "您好，很高兴为您服务。", 0),
    ("customer", "退款怎么还没到账？", 10),
    ("agent", "您加我微信吧，我私下给您退。", 30),  # 加我微信 [1:5], 私下 [8:10]
    ("customer", "好的", 40),
    ("agent", "记得私下联系，我手机13812345678。", 50),  # 私下 [2:4]
]
REFUSED: list[Line] = [
    ("agent", "您好，很高兴为您服务。", 0),
    ("customer", "能加我微信吗？", 10),  # the customer's: the rule reads the agent's messages
    ("agent", "抱歉，我们不能私下联系，我为您转接售后。", 30),
]
DECEMBER = [
    ("W-A001-12", "A001", "chat", "在线", True, None, "2026-12-03 10:00:00", PRIVATE),
    ("W-A002-12", "A002", "chat", "在线", True, None, "2026-12-03 11:00:00", REFUSED),
    ("W-B001-12", "B001", "chat", "在线", True, None, "2026-12-03 12:00:00", CHAT),
]

RULE = """id: private_deal
name: 私下交易
severity: 严重
points: 2
cap: 5
conditions:
  wx: {keywords: [加我微信, 私下]}
  transfer: {keywords: [为您转接]}
when: "wx && !transfer"
"""


def _bench(client: Client, draft: str, **form: str) -> str:
    data = {"draft": draft, "period": DEC, "sample": "50", "seed": "0", **form}
    response = client.post("/qa/rules/test/", data)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def _hr(qa: Qa) -> Client:
    qs.conversation_import(period=DEC, by=qa.people.hr, files=qa_files(DECEMBER))
    client = Client()
    client.force_login(qa.people.hr)
    return client


def test_the_bench_lists_every_hit_with_its_span_marked_and_saves_nothing(qa: Qa) -> None:
    client = _hr(qa)
    before = (list(Conversation.objects.values_list("rule_findings", flat=True)),)
    audits = AuditLog.objects.count()
    html = _bench(client, RULE)
    # Three conversations of December, all drawn; only W-A001-12 is a hit: W-A002-12 says 私下
    # but also 为您转接 (!transfer is false), W-B001-12 says neither.
    hits = re.findall(r'<li class="bench-hit" data-conversation="([^"]+)"', html)
    assert hits == ["W-A001-12"]
    # Occurrences: 加我微信 and 私下 in message 2, 私下 in message 4 = 3 places; 3 × 2 points
    # = 6, capped at 5.
    assert 'data-rule="private_deal" data-points="5" data-occurrences="3"' in html
    assert "3 处，5 分" in html and "每处 2 分 · 最多 5 分" in html
    # Each match in its message, the span marked; the agent's number masked (138****5678).
    assert re.search(r'data-condition="wx" data-index="2">.*?\[1:5\]', html, re.S)
    assert '您<mark class="hit-rule"' in html and ">加我微信</mark>吧" in html
    assert '我<mark class="hit-rule"' in html and ">私下</mark>给您退" in html
    assert '记得<mark class="hit-rule"' in html and ">私下</mark>联系，我手机138****5678" in html
    assert "13812345678" not in html
    # In Chinese: the severity, the rule's summary, the agent.
    assert "严重" in html and "私下交易" in html and "A001" in html
    summary = re.findall(r'data-test="bench-summary">(.*?)</p>', html)
    assert summary == [
        "2026-12 的 3 个会话中抽取 3 个（随机种子 0）：命中 1 个，0 个不可计算，0 个不在规则的渠道或技能组内。"
    ]
    # Nothing saved: the stored findings and the audit log are as they were.
    assert (list(Conversation.objects.values_list("rule_findings", flat=True)),) == before
    assert AuditLog.objects.count() == audits


def test_a_rule_the_stored_transcripts_cannot_compute_is_counted_and_said_why(qa: Qa) -> None:
    client = _hr(qa)
    # A list of two rules: 抢话 needs sentence end times, which these chats' files do not
    # give, so it is not computable on each of the 3 conversations; private_deal still hits once.
    draft = (
        "- "
        + RULE.replace("\n", "\n  ").rstrip()
        + "\n- id: overlap\n  conditions:\n    x: {interrupt: true}\n"
    )
    html = _bench(client, draft)
    assert re.findall(r'<li class="bench-hit" data-conversation="([^"]+)"', html) == ["W-A001-12"]
    assert 'data-test="bench-unknown"' in html
    assert "3 个不可计算" in html
    assert '消息没有结束时间（转写文本的句末时间） <span class="muted">(3 个会话)</span>' in html


def test_a_bad_draft_comes_back_beside_the_yaml_with_its_line_and_the_input_kept(qa: Qa) -> None:
    client = _hr(qa)
    # Line 9 of the draft names a condition "3" that the rule does not have.
    bad = RULE.replace('when: "wx && !transfer"', 'when: "wx && !3"')
    html = _bench(client, bad)
    assert 'data-test="draft-problems"' in html and 'data-line="9"' in html
    assert "第 9 行" in html
    assert '<li class="bench-hit"' not in html and "运行规则后，命中会列在这里。" in html
    assert "wx &amp;&amp; !3" in html  # the input kept in the textarea
    # Not YAML at all: the parser's line (line 2, the unclosed bracket).
    html = _bench(client, "id: x\nconditions: {a: [\n")
    assert 'data-test="draft-problems"' in html
    assert "id: x" in html
    # A sample size out of range is said beside its field.
    html = _bench(client, RULE, sample="0")
    assert 'data-field="sample"' in html and 'value="0"' in html


def test_the_page_shows_the_form_with_an_example_and_the_periods(qa: Qa) -> None:
    client = _hr(qa)
    html = client.get("/qa/rules/test/").content.decode()
    assert 'name="draft"' in html and "off_platform" in html
    assert f'<option value="{DEC}" selected>' in html and '<option value="2026-10">' in html
    assert "规则测试台" in html


def test_the_api_answers_the_same_hits_and_a_bad_draft_with_its_line(qa: Qa) -> None:
    from rest_framework.test import APIClient

    qs.conversation_import(period=DEC, by=qa.people.hr, files=qa_files(DECEMBER))
    api = APIClient()
    api.force_login(qa.people.hr)
    body = {"draft": RULE, "period": DEC, "sample": 50, "seed": "0"}
    got = api.post("/api/qa/rules/test/", body, format="json")
    assert got.status_code == 200, got.content.decode()
    doc = got.json()
    assert (doc["sampled"], doc["checked"], doc["outside"], doc["not_computable"]) == (3, 3, 0, 0)
    assert [r["hits"] for r in doc["rules"]] == [1] and doc["rules"][0]["cap"] == "5"
    (hit,) = doc["hits"]
    # The same hand-worked hit as the page: 3 places × 2 points capped at 5.
    assert (hit["conversation_id"], hit["occurrences"], hit["points"]) == ("W-A001-12", 3, "5")
    spans = [(e["message_index"], e["start"], e["end"], e["text"]) for e in hit["evidence"]]
    assert spans == [(2, 1, 5, "加我微信"), (2, 8, 10, "私下"), (4, 2, 4, "私下")]
    assert hit["conversation"] == Conversation.objects.get(conversation_id="W-A001-12").pk
    bad = api.post(
        "/api/qa/rules/test/",
        {**body, "draft": RULE.replace('"wx && !transfer"', '"wx && !3"')},
        format="json",
    )
    assert bad.status_code == 400
    assert [p["where"] for p in bad.json()["problems"]] == ["draft:9"]


def test_a_smaller_sample_is_the_clis_draw_for_the_same_seed(qa: Qa) -> None:
    from appraise.qa.checks import Transcript
    from appraise.qa.rules.bench import pick

    client = _hr(qa)
    ids = ["W-A001-12", "W-A002-12", "W-B001-12"]
    for seed in ("0", "1", "2", "3"):
        drawn = [t.conversation_id for t in pick([Transcript(i, None) for i in ids], 2, seed)]
        html = _bench(client, RULE, sample="2", seed=seed)
        assert f"2026-12 的 3 个会话中抽取 2 个（随机种子 {seed}）" in html
        hits = re.findall(r'<li class="bench-hit" data-conversation="([^"]+)"', html)
        # The one hit of December is listed exactly when its conversation was drawn.
        assert hits == (["W-A001-12"] if "W-A001-12" in drawn else [])
    html = _bench(client, RULE, sample="501")
    assert 'data-field="sample"' in html and "抽取会话数须为 1 到 500 之间的整数" in html


def test_a_whole_qa_config_is_a_draft_too_with_its_own_pack_and_lines(qa: Qa) -> None:
    client = _hr(qa)
    config = (
        "packs:\n"
        "  my_words: {name: 本店忌语, phrases: [私下给您退]}\n"
        "rules:\n"
        "  - id: mine\n"
        "    name: 本店忌语\n"
        "    conditions:\n"
        "      1: {pack: my_words}\n"
    )
    html = _bench(client, config)
    # 私下给您退 stands once, in W-A001-12's message 2 at [8:13]; no points were given (0).
    assert re.findall(r'<li class="bench-hit" data-conversation="([^"]+)"', html) == ["W-A001-12"]
    assert 'data-rule="mine" data-points="0" data-occurrences="1"' in html
    assert '我<mark class="hit-rule"' in html and ">私下给您退</mark>。" in html
    # In a whole config the line is the config's own: the unknown pack on line 7.
    html = _bench(client, config.replace("{pack: my_words}", "{pack: nowhere}"))
    assert 'data-line="7"' in html
