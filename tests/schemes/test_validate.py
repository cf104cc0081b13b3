"""A malformed scheme gets every problem reported, with file and line, in one run."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appraise.cli import app
from appraise.problems import ProblemsError
from appraise.schemes.loader import load_scheme, parse_scheme


def problems_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ProblemsError) as err:
        parse_scheme(textwrap.dedent(text).lstrip(), "bad.yaml")
    return [(p.line, p.level, p.code) for p in err.value.problems]


def test_structural_errors_are_all_reported_with_lines() -> None:
    found = problems_of("""
        id: bad
        name: 坏方案
        period: fortnight
        indicators:
          - id: a
            name: A
            weigth: 10%
            rule: {type: rated, max: 100}
          - id: b
            name: B
            rule: {type: stars}
        """)
    lines = {(line, code) for line, _, code in found}
    assert (3, "invalid") in lines  # period: fortnight
    assert (7, "invalid") in lines  # weigth: unknown field
    assert (11, "invalid") in lines  # unknown rule type
    assert all(level == "error" for _, level, _ in found)


@pytest.mark.parametrize(
    ("body", "line", "code", "message"),
    [
        (
            """
            indicators:
              - {id: fcr, name: 一次解决率, weight: 100%, rule: {type: threshold, metric: first_contact_res, range: ">= 70", score: 100}}
            """,
            5,
            "unknown_metric",
            'indicator "fcr" uses unknown metric "first_contact_res"',
        ),
        (
            """
            indicators:
              - id: x
                name: X
                weight: 100%
                rule:
                  type: bands
                  metric: csat
                  bands: [{range: "<= 40", score: 10}, {range: "[40, 60]", score: 5}]
            """,
            11,
            "ranges_overlap",
            "<= 40 and [40, 60] overlap",
        ),
        (
            """
            indicators:
              - {id: a, name: A, weight: 50%, rule: {type: formula, expr: "b + 1"}}
              - {id: b, name: B, weight: 50%, rule: {type: formula, expr: "a + 1"}}
            """,
            5,
            "formula_cycle",
            "depend on each other in a circle",
        ),
        (
            """
            indicators:
              - {id: a, name: A, weight: 100%, rule: {type: rated}}
            grades: [{name: 优秀, range: ">= 90"}]
            distribution: {quotas: [{grade: 卓越, max: 10%}]}
            """,
            7,
            "unknown_grade",
            'quota names grade "卓越"',
        ),
        (
            """
            indicators:
              - {id: a, name: A, weight: 100%, rule: {type: formula, expr: "__import__('os')"}}
            """,
            5,
            "invalid",
            "unknown function",
        ),
        (
            """
            indicators:
              - {id: a, name: A, weight: 100%, rule: {type: rated}, raters: [boss]}
            """,
            5,
            "unknown_rater",
            'rater role "boss"',
        ),
    ],
    ids=[
        "unknown-metric",
        "overlapping-bands",
        "formula-cycle",
        "unknown-grade",
        "unsafe-formula",
        "unknown-rater",
    ],
)
def test_invalid_scheme_rules(body: str, line: int, code: str, message: str) -> None:
    # Line 1 id, line 2 name, line 3 blank, line 4 `indicators:`, line 5 the first indicator.
    text = "id: bad\nname: 坏方案\n" + textwrap.dedent(body)
    with pytest.raises(ProblemsError) as err:
        parse_scheme(text, "bad.yaml")
    hits = [p for p in err.value.problems if p.code == code]
    assert hits, err.value.problems
    assert hits[0].line == line and hits[0].file == "bad.yaml"
    assert message in hits[0].message


def test_warnings_name_the_sum_and_do_not_stop_loading() -> None:
    loaded = parse_scheme(
        textwrap.dedent("""
        id: w
        name: 警告
        indicators:
          - id: quality
            name: 工作质量
            weight: 40
            children:
              - {id: q1, name: 满意度, weight: 10, rule: {type: rated, max: 10}}
              - {id: q2, name: 速度, weight: 10, rule: {type: rated, max: 10}}
          - {id: amount, name: 工作量, weight: 55, rule: {type: rated, max: 55}}
        grades:
          - {name: 好, range: ">= 80"}
          - {name: 差, range: "< 70"}
        """),
        "w.yaml",
    )
    messages = {(w.code, w.line): w.message for w in loaded.warnings}
    assert "add up to 95 points, not 100 points" in messages[("weights_sum", 4)]
    assert "add up to 20 points, not 40 points" in messages[("weights_sum", 5)]
    assert "[70, 80)" in messages[("grade_gap", 12)]


def test_yaml_syntax_error_has_a_line() -> None:
    assert problems_of("id: x\nname: [unclosed\nindicators: []\n") == [(3, "error", "yaml_syntax")]


def test_cli_validate_exits_1_and_prints_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\nname: x\nperiod: fortnight\nindicators:\n  - {id: a, nam: A}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.output and f"{bad}:5:" in result.output


def test_cli_validate_ok_for_every_seed() -> None:
    root = Path(__file__).resolve().parents[2] / "schemes" / "seeds"
    files = sorted(str(p) for p in root.glob("*.yaml"))
    result = CliRunner().invoke(app, ["--lang", "en", "validate", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(files)
    chinese = CliRunner().invoke(app, ["validate", files[0]])
    assert f"{files[0]}: 通过" in chinese.output


def test_load_scheme_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as err:
        load_scheme(tmp_path / "nope.yaml")
    assert err.value.problems[0].code == "unreadable"


def test_a_metric_named_like_an_indicator_is_an_error() -> None:
    found = problems_of("""
        id: clash
        name: 冲突
        full_score: null
        metrics: [{id: worked_hours, name: 服务时长}]
        indicators:
          - {id: service_hours, name: 服务时长, rule: {type: formula, expr: "floor(worked_hours / 8)"}}
        """)
    assert (4, "error", "name_clash") in found


def test_a_full_score_or_score_step_at_or_below_zero_is_an_error_on_its_line() -> None:
    found = problems_of("""
        id: neg
        name: 负满分
        full_score: -5
        score_step: 0
        indicators:
          - {id: a, name: 甲, weight: 100%, rule: {type: rated, max: 100}}
        """)
    assert (3, "error", "invalid") in found  # full_score: -5
    assert (4, "error", "invalid") in found  # score_step: 0


def test_specialist_form_warns_that_excellent_is_out_of_reach() -> None:
    # s000-specialist: categories weigh 20 + 30 + 20 + 20 = 90 points of rated items (each at
    # most its weight) and 优秀 asks > 95, so no total reaches it.
    root = Path(__file__).resolve().parents[2] / "schemes" / "seeds"
    loaded = load_scheme(root / "s000-specialist.yaml")
    (w,) = [w for w in loaded.warnings if w.code == "grade_unreachable"]
    assert '"优秀"' in w.message and "> 95" in w.message and "is 90" in w.message


def test_a_grade_reachable_at_full_marks_is_not_warned_about() -> None:
    loaded = parse_scheme(
        textwrap.dedent(
            """
            id: t
            name: t
            indicators:
              - {id: a, name: a, weight: 100%, rule: {type: rated, max: 100}}
            grades:
              - {name: 满分, range: ">= 100"}
              - {name: 其他, range: "< 100"}
            """
        ).lstrip(),
        "t.yaml",
    )
    assert not [w for w in loaded.warnings if w.code == "grade_unreachable"]


@pytest.mark.parametrize(
    ("rounding", "smallest"),
    # floor: 10% of n >= 1 needs n >= 10; round half up: 10% of n >= 0.5 needs n >= 5.
    [("floor", 10), ("round", 5), ("ceil", None), ("at_least_one", None)],
)
def test_quota_warns_below_the_team_size_that_reaches_the_grade(
    rounding: str, smallest: int | None
) -> None:
    loaded = parse_scheme(
        textwrap.dedent(
            f"""
            id: t
            name: t
            indicators:
              - {{id: a, name: a, weight: 100%, rule: {{type: rated, max: 100}}}}
            grades:
              - {{name: 优秀, range: ">= 90"}}
              - {{name: 合格, range: "< 90"}}
            distribution:
              quotas: [{{grade: 优秀, max: 10%}}]
              rounding: {rounding}
              group: team
            """
        ).lstrip(),
        "t.yaml",
    )
    found = [w for w in loaded.warnings if w.code == "quota_needs_team_size"]
    if smallest is None:
        assert not found
    else:
        (w,) = found
        assert f"a team of fewer than {smallest} agents" in w.message
