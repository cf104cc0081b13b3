"""The rules in a QA config: every problem at its file:line, all at once; pack changes."""

from __future__ import annotations

import pytest
from rules_dialogues import SHOP, chat, run

from appraise.problems import ProblemsError
from appraise.qa.config import parse_qa_config
from appraise.qa.rules.engine import builtin_rules
from appraise.qa.rules.packs import builtin_packs

BAD = """\
packs:
  taboo:
    add_patterns: ['(unclosed']
rules:
  - id: r1
    conditions:
      a: {keywords: [好评]}
      b: {keywords: [微信], after: c}
    when: "a && !x"
  - id: r2
    conditions:
      a: {keywords: ['！！']}
      b: {pack: no_such_pack}
    when: "a &&"
  - id: r3
    conditions:
      a: {keywords: [好评], regex: 好评}
"""


def test_every_problem_is_reported_with_its_line() -> None:
    with pytest.raises(ProblemsError) as err:
        parse_qa_config(BAD, "qa.yaml")
    got = sorted((p.line, p.code) for p in err.value.problems)
    # pydantic's problems come first (r3 has two operators), then the rule checks
    assert got == [(17, "invalid")]
    fixed = BAD.replace(", regex: 好评", "")
    with pytest.raises(ProblemsError) as err:
        parse_qa_config(fixed, "qa.yaml")
    got = sorted((p.line, p.code) for p in err.value.problems)
    assert got == [
        (3, "bad_regex"),
        (8, "unknown_condition"),  # after: c
        (9, "unknown_condition"),  # when names x
        (12, "empty_pattern"),  # ！！ folds to nothing
        (13, "unknown_pack"),
        (14, "bad_when"),
    ]
    assert all(p.file == "qa.yaml" for p in err.value.problems)


def test_an_anchor_cycle_is_refused() -> None:
    cfg = "rules:\n  - id: r\n    conditions:\n      a: {keywords: [x], after: b}\n      b: {keywords: [y], after: a}\n"
    with pytest.raises(ProblemsError) as err:
        parse_qa_config(cfg, "qa.yaml")
    assert [(p.line, p.code) for p in err.value.problems] == [
        (4, "anchor_cycle"),
        (5, "anchor_cycle"),
    ]


def test_unknown_builtin_rules_and_duplicate_ids() -> None:
    cfg = "builtin_rules: [taboo, nope]\nrules:\n  - {id: r, conditions: {a: {keywords: [x]}}}\n  - {id: r, conditions: {a: {keywords: [y]}}}\n"
    with pytest.raises(ProblemsError) as err:
        parse_qa_config(cfg, "qa.yaml")
    assert sorted((p.line, p.code) for p in err.value.problems) == [
        (1, "unknown_rule"),
        (4, "duplicate_rule"),
    ]


def test_the_shipped_rules_and_packs_are_valid_and_documented() -> None:
    packs = builtin_packs()
    assert set(packs) == {
        "taboo", "shirk", "offline_trade", "offsite_contact", "praise_request", "cashback",
        "promise", "emotion", "privacy",
    }  # fmt: skip
    assert all(p.name and p.description for p in packs.values())
    cfg, _ = parse_qa_config("builtin_rules: true\n", "qa.yaml")
    assert len(cfg.rules) == 0 and len(builtin_rules()) == 14


def test_a_pack_is_extended_and_trimmed_in_the_config() -> None:
    rule = "rules:\n  - id: r\n    conditions:\n      c: {pack: praise_request}\n"
    # SHOP message 5 "处理好了记得给个五星好评哦！" hits 五星好评 and the 给…五星 pattern
    (f,) = run(rule, chat(SHOP))
    assert f.hit
    trimmed = "packs:\n  praise_request: {patterns: [], remove: [五星好评, 好评哦]}\n" + rule
    (f,) = run(trimmed, chat(SHOP))
    assert not f.hit
    own = "packs:\n  mine: {name: 自定义, phrases: [换一个]}\nrules:\n  - id: r\n    conditions:\n      c: {pack: mine}\n"
    (f,) = run(own, chat(SHOP))
    assert [m.text for m in f.evidence] == ["换一个"]


def test_a_config_rule_replaces_the_builtin_of_the_same_id() -> None:
    cfg = "builtin_rules: [taboo]\nrules:\n  - {id: taboo, severity: 红线, conditions: {a: {keywords: [私下]}}}\n"
    (f,) = run(cfg, chat(SHOP))
    assert (f.rule, f.severity, f.veto, f.hit) == ("taboo", "红线", True, True)
