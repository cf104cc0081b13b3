"""Every action the services write to the audit log has words: a name for the filter and a verb
for the sentence ("hr 计算了 2027年1月考核")."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from appraise.web.audit import words

WEB = Path(words.__file__).resolve().parents[1]
# An action is a dotted code in quotes given to audit_record or to a cycle's _move.
ACTION = re.compile(r'(?:action=|_move\([^)]*?)f?"([a-z_]+\.[a-z_.{}]+)"', re.DOTALL)


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in WEB.rglob("*.py"):
        if "migrations" in path.parts or path.name == "words.py":
            continue
        for code in ACTION.findall(path.read_text("utf-8")):
            if code == "appeal.{decision}":  # appeals/services.py: uphold or reject
                found |= {"appeal.uphold", "appeal.reject"}
            else:
                found.add(code)
    return found


def test_every_recorded_action_has_words() -> None:
    actions = recorded_actions()
    assert {"cycle.compute", "cycle.publish", "points.redeem", "qa.dispute.uphold"} <= actions
    assert sorted(actions - set(words.ACTIONS)) == []


def test_the_sentence_and_the_filter_in_chinese_and_in_english() -> None:
    with translation.override("zh-hans"):
        assert words.sentence("人事专员", "cycle.compute", "2027年1月考核") == (
            "人事专员 计算了 2027年1月考核"
        )
        assert words.action_name("cycle.compute") == "计算考核"
    with translation.override("en"):
        assert words.sentence("hr", "cycle.compute", "January") == "hr computed January"
        assert words.action_name("cycle.compute") == "Compute a cycle"


def test_a_cycle_state_change_names_both_states() -> None:
    with translation.override("zh-hans"):
        (change,) = words.changes({"state": "draft"}, {"state": "published"}, "cycle.publish")
    assert (change.field, change.before, change.after) == ("状态", "草稿", "已发布")


def test_numbers_read_plain_and_lists_joined() -> None:
    (total,) = words.changes({"total": 80.0}, {"total": 1500.50}, "result.rescore")
    assert (total.before, total.after) == ("80", "1500.5")
    (files,) = words.changes({"files": []}, {"files": ["a.csv", "b.csv"]}, "cycle.import_data")
    assert (files.before, files.after) == ("—", "a.csv、b.csv")
