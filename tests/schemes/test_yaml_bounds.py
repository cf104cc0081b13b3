"""A YAML document is refused, with its file and line, when it stands for more values or levels
than the budget, however short its text: aliases to aliases ("billion laughs"), an alias inside
the node it names, and brackets nested thousands deep. Every YAML entry point uses the same
bounded loader (schemes, QA configuration, center configuration, column mappings)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from appraise.metrics.config import CenterConfig
from appraise.metrics.mapping import ColumnMapping
from appraise.problems import ProblemsError
from appraise.qa.config import parse_qa_config
from appraise.schemes import yamlload
from appraise.schemes.loader import parse_scheme
from appraise.schemes.yamlload import MAX_DEPTH, MAX_NODES, YamlTooLarge, load_yaml, safe_load


def billion_laughs(levels: int = 9) -> str:
    """Level 1 is a list of 9 strings, every next level 9 aliases of the one before: level 9
    stands for 9^9 = 387,420,489 strings in 10 lines."""
    lines = ["l1: &l1 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(2, levels + 1):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


Load = Callable[[str], Any]

DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize("load", [load_yaml, safe_load])
def test_billion_laughs_is_refused_at_once_at_the_line_where_the_budget_runs_out(
    load: Load,
) -> None:
    start = time.monotonic()
    with pytest.raises(YamlTooLarge) as err:
        load(billion_laughs())
    # Level n stands for s(n) values: s(1) = 1 list + 9 strings = 10, s(n) = 1 + 9 * s(n-1):
    # 91, 820, 7,381, 66,430. With the root mapping and one key per line, the count after line 5
    # is 1 + (1 + 10) + (1 + 91) + (1 + 820) + (1 + 7,381) + (1 + 66,430) = 74,738; line 6's first
    # alias adds 66,430 more (141,170 > 100,000), so the refusal points at line 6.
    assert err.value.problem_mark is not None
    assert err.value.problem_mark.line + 1 == 6
    assert "100,000" in str(err.value.problem)
    assert time.monotonic() - start < 1  # no time limit in CI, but seconds would mean a re-walk


@pytest.mark.parametrize("load", [load_yaml, safe_load])
def test_an_alias_still_repeats_its_node(load: Load) -> None:
    raw = load("base: &b {weight: 10, max: 100}\ncopy: *b\n")
    raw = raw[0] if isinstance(raw, tuple) else raw
    assert raw["copy"] == raw["base"] == {"weight": 10, "max": 100}


@pytest.mark.parametrize("load", [load_yaml, safe_load])
def test_deep_nesting_is_a_problem_not_a_recursion_error(load: Load) -> None:
    with pytest.raises(YamlTooLarge) as err:
        load(DEEP)
    assert f"deeper than {MAX_DEPTH}" in err.value.problem.render("en")
    assert f"文档嵌套超过 {MAX_DEPTH} 层" in str(err.value.problem)
    # MAX_DEPTH levels are fine: the root mapping is level 1, the lists levels 2 .. MAX_DEPTH.
    depth_ok = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    load(depth_ok)
    too_deep = "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    with pytest.raises(YamlTooLarge):
        load(too_deep)


def test_an_alias_adds_its_depth_where_it_is_used() -> None:
    # l is 40 levels deep (40 nested lists, the innermost empty); used at level 30 it would
    # reach 29 + 40 = 69 > 64 levels.
    nested = "[" * 40 + "]" * 40
    text = f"a: &l {nested}\nb: " + "[" * 28 + "*l" + "]" * 28 + "\n"
    with pytest.raises(YamlTooLarge, match="deeper"):
        safe_load(text)


@pytest.mark.parametrize("load", [load_yaml, safe_load])
def test_an_alias_inside_its_own_node_is_refused(load: Load) -> None:
    with pytest.raises(YamlTooLarge, match=r"alias \*a is inside"):
        load("x: &a [1, *a]\n")


def test_the_budget_counts_values_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # {a: [1, 2]} is 1 mapping + key a + 1 list + 2 items = 5 values.
    monkeypatch.setattr(yamlload, "MAX_NODES", 5)
    assert safe_load("a: [1, 2]\n") == {"a": [1, 2]}
    with pytest.raises(YamlTooLarge):
        safe_load("a: [1, 2, 3]\n")
    # An alias counts as everything it repeats: 1 + a + [1 list + 1 item] + b + *x (2) = 7.
    monkeypatch.setattr(yamlload, "MAX_NODES", 6)
    with pytest.raises(YamlTooLarge):
        safe_load("a: &x [1]\nb: *x\n")
    monkeypatch.setattr(yamlload, "MAX_NODES", 7)
    assert safe_load("a: &x [1]\nb: *x\n") == {"a": [1], "b": [1]}
    assert MAX_NODES == 100_000


def test_a_scheme_over_budget_is_a_problem_with_file_and_line() -> None:
    with pytest.raises(ProblemsError) as err:
        parse_scheme(billion_laughs(), "laughs.yaml")
    [p] = err.value.problems
    assert (p.code, p.file, p.line, p.level) == ("yaml_too_large", "laughs.yaml", 6, "error")
    with pytest.raises(ProblemsError) as err:
        parse_scheme(DEEP, "deep.yaml")
    assert [(p.code, p.line) for p in err.value.problems] == [("yaml_too_large", 1)]


def test_a_qa_config_over_budget_is_a_problem() -> None:
    with pytest.raises(ProblemsError) as err:
        parse_qa_config(billion_laughs(), "qa.yaml")
    assert [(p.code, p.file, p.line) for p in err.value.problems] == [
        ("yaml_too_large", "qa.yaml", 6)
    ]


def test_a_mapping_over_budget_is_a_problem_at_its_line(tmp_path: Path) -> None:
    for text, line in ((billion_laughs(), 6), (DEEP, 1)):
        path = tmp_path / "mapping.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ProblemsError) as err:
            ColumnMapping.load(path)
        assert [(p.code, p.file, p.line) for p in err.value.problems] == [
            ("yaml_too_large", str(path), line)
        ]


@pytest.mark.parametrize(("load", "code"), [(CenterConfig.load, "config_unreadable")])
def test_center_config_over_budget_is_a_problem(
    load: Callable[[Path], object], code: str, tmp_path: Path
) -> None:
    for text, line in ((billion_laughs(), 6), (DEEP, 1)):
        path = tmp_path / "x.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ProblemsError) as err:
            load(path)
        [p] = err.value.problems
        assert p.code == code
        assert p.file == str(path)
        assert p.line == line
