"""The scheme builder's form logic (appraise.web.pages.builder): typed fields, refusals, the tree
operations, and seeds that still load after passing through the builder."""

from __future__ import annotations

import pytest
from django.utils import translation

from appraise.seeds import ROOT, SEEDS
from appraise.web.pages import builder as b
from appraise.web.schemes.services import scheme_check

SEED_FILES = sorted((ROOT / SEEDS).glob("*.yaml"))


def test_every_seed_is_a_template() -> None:
    # 22 files: the 21 schemes read from the seed documents and s004-midyear.
    assert len(b.seed_names()) == len(SEED_FILES) == 22


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_every_seed_loads_the_same_after_the_builder_dumps_it(seed: object) -> None:
    original = scheme_check(text=seed.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    dumped = b.to_yaml(b.template_state(seed.stem))  # type: ignore[attr-defined]
    again = scheme_check(text=dumped)
    assert original.ok and again.ok
    assert again.scheme == original.scheme
    assert "#" not in "".join(line.split(":")[0] for line in dumped.splitlines())


def test_typed_values_are_converted_by_their_kind() -> None:
    assert b.convert("num", " 40 ") == 40
    assert b.convert("num", "0.5") == 0.5
    assert b.convert("weight", "40%") == "40%"
    assert b.convert("share", "30") == "30%"
    assert b.convert("nums", "3，2, 1") == [3, 2, 1]
    assert b.convert("range", "[60, 90)") == "[60, 90)"
    assert b.convert("num", "") is None


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("num", "三十", "不是数字"),
        ("weight", "-5", "权重不能为负数"),
        ("int", "1.5", "整数"),
        ("range", ">= 九十", "不是范围"),
        ("expr", "total <", "不是公式"),
        ("num", "30%", "不带 %"),
    ],
)
def test_bad_values_are_refused_with_a_chinese_message(kind: str, text: str, message: str) -> None:
    with translation.override("zh-hans"), pytest.raises(ValueError, match=message):
        b.convert(kind, text)


def test_a_refused_field_keeps_the_old_value_and_its_text() -> None:
    state = b.template_state(None)
    applied = b.apply_fields(state, {"weight:indicators.0.weight": "abc", "str:name": "新名"})
    assert applied.data["indicators"][0]["weight"] == 100
    assert applied.data["name"] == "新名"
    assert applied.raw == {"weight:indicators.0.weight": "abc"}
    assert "weight:indicators.0.weight" in applied.errors


def test_a_new_rule_type_starts_from_its_defaults_and_keeps_the_metric() -> None:
    state = {"id": "x", "name": "x", "indicators": [{"name": "甲", "rule": {"type": "rated"}}]}
    applied = b.apply_fields(state, {"type:indicators.0.rule": "target"})
    assert applied.data["indicators"][0]["rule"] == {"type": "target", "target": 100, "full": 100}
    applied.data["indicators"][0]["rule"]["metric"] = "csat"
    again = b.apply_fields(
        applied.data, {"type:indicators.0.rule": "rank", "num:indicators.0.rule.target": "5"}
    )
    # The old type's fields sent with the change are not written into the new rule.
    assert again.data["indicators"][0]["rule"] == {
        "type": "rank",
        "points": [3, 2, 1],
        "metric": "csat",
    }


def test_tree_operations_add_nest_move_and_remove() -> None:
    data = b.template_state(None)
    b.apply_op(data, "add:indicators")
    b.apply_op(data, "add:indicators")
    names = [i["name"] for i in data["indicators"]]
    assert names == ["服务态度", "新指标1", "新指标2"]
    b.apply_op(data, "up:indicators.2")
    assert [i["name"] for i in data["indicators"]] == ["服务态度", "新指标2", "新指标1"]
    b.apply_op(data, "child:indicators.0")
    assert "rule" not in data["indicators"][0]  # a category has no rule of its own
    assert data["indicators"][0]["children"][0]["name"] == "新指标3"
    b.apply_op(data, "del:indicators.1")
    assert [i["name"] for i in data["indicators"]] == ["服务态度", "新指标1"]
    b.apply_op(data, "row:raters.roles")
    assert data["raters"] == {"roles": [{"id": "self", "name": "自评", "weight": "0%"}]}


def test_the_weight_sum_counts_percentages_of_the_full_score_and_categories() -> None:
    from decimal import Decimal

    items = [
        {"weight": "40%"},
        {"children": [{"weight": 20}, {"weight": 10}]},  # no weight: its children's 30
        {"weight": 5, "counts": False},  # a helper adds nothing
    ]
    # 40% of 200 = 80, plus 30.
    assert b.weight_sum(items, Decimal(200)) == Decimal(110)


def test_yaml_that_is_no_mapping_keeps_the_form() -> None:
    assert b.from_yaml("- a\n- b\n") is None
    assert b.from_yaml("id: [\n") is None
    assert b.from_yaml("id: x\nname: y\n") == {"id": "x", "name": "y"}


def test_the_seeds_are_read_once_and_again_only_when_a_file_changes(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import shutil
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / SEEDS).mkdir(parents=True)
    for f in SEED_FILES[:2]:
        shutil.copy(f, root / SEEDS / f.name)
    monkeypatch.setattr(b, "ROOT", root)
    monkeypatch.setattr(b, "_seed_cache", None)
    parsed: list[object] = []
    real = b.yaml.safe_load
    monkeypatch.setattr(b.yaml, "safe_load", lambda text: parsed.append(1) or real(text))
    first = b.seed_names()
    assert len(first) == 2 and len(parsed) == 2
    b.seed_names()
    b.template_state(SEED_FILES[0].stem)
    assert len(parsed) == 2  # nothing read again
    # The caller may change the mapping it gets: the cache keeps its own.
    b.template_state(SEED_FILES[0].stem)["name"] = "改过"
    assert b.template_state(SEED_FILES[0].stem)["name"] != "改过"
    changed = root / SEEDS / SEED_FILES[1].name
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("\nname:", "\nname: 新名字 #", 1),
        encoding="utf-8",
    )
    os.utime(changed, ns=(1, 1))
    assert dict(b.seed_names())[SEED_FILES[1].stem] == "新名字"
    assert len(parsed) == 4


def test_a_rater_role_is_assigned_and_anonymous_by_two_checkboxes() -> None:
    """Seed 004's 同事互评: HR names the raters and the agent never sees who rated. Each
    checkbox posts after a hidden twin of the same name, so the form sends "0" then "1" when
    ticked and "0" alone when not; the last value counts, and an unticked flag is left out."""
    from django.http import QueryDict

    assert b.convert("flag", "1") is True and b.convert("flag", "on") is True
    assert b.convert("flag", "0") is None and b.convert("flag", "") is None
    state = b.template_state(None)
    b.apply_op(state, "row:raters.roles")
    b.apply_op(state, "row:raters.roles")
    roles = "&".join(
        [
            "str:raters.roles.0.id=supervisor&str:raters.roles.0.name=主管评分"
            "&share:raters.roles.0.weight=70",
            "flag:raters.roles.0.assigned=0&flag:raters.roles.0.anonymous=0",
            "str:raters.roles.1.id=peer&str:raters.roles.1.name=同事互评"
            "&share:raters.roles.1.weight=30",
            "flag:raters.roles.1.assigned=0&flag:raters.roles.1.assigned=1",
            "flag:raters.roles.1.anonymous=0&flag:raters.roles.1.anonymous=1",
        ]
    )
    applied = b.apply_fields(state, QueryDict(roles))
    assert not applied.errors
    assert applied.data["raters"]["roles"] == [
        {"id": "supervisor", "name": "主管评分", "weight": "70%"},
        {"id": "peer", "name": "同事互评", "weight": "30%", "assigned": True, "anonymous": True},
    ]
    text = b.to_yaml(applied.data)
    assert "assigned: true" in text and "anonymous: true" in text
    # Unticking "assigned" but keeping "anonymous" is what the scheme refuses, in Chinese.
    again = b.apply_fields(
        applied.data,
        QueryDict(
            "flag:raters.roles.1.assigned=0&flag:raters.roles.1.anonymous=0"
            "&flag:raters.roles.1.anonymous=1"
        ),
    )
    assert "assigned" not in again.data["raters"]["roles"][1]
    with translation.override("zh-hans"):
        checked = scheme_check(text=b.to_yaml(again.data))
    assert not checked.ok
    assert any("设为匿名但不是指派评分" in str(p.render()) for p in checked.problems)
