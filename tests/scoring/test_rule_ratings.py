"""Rated values, named levels and rater roles with weights."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from appraise.messages import reading
from appraise.problems import ProblemsError
from appraise.scoring import rules
from appraise.scoring.output import result_dict

from .helpers import D, by_id, ind, run
from .test_columns import general_way

ROLES = """
raters:
  roles:
    - {id: self, name: 自评, weight: 30%}
    - {id: supervisor, name: 直属主管, weight: 50%}
    - {id: peer, name: 跨部门, weight: 20%}
  missing: MISSING
indicators:
  - {id: work, name: 工作表现, weight: 100%, rule: {type: rated, max: 100}}
"""

RATINGS = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-10,work,self,a,80
a,2026-10,work,supervisor,s1,90
b,2026-10,work,self,b,80
b,2026-10,work,supervisor,s1,90
b,2026-10,work,peer,p1,70
b,2026-10,work,peer,p2,90
"""


def test_missing_rater_renormalizes_over_the_roles_present(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, ROLES.replace("MISSING", "renormalize"), ratings=RATINGS))
    # a has no peer: (80×30 + 90×50) ÷ (30 + 50) = 6900 ÷ 80 = 86.25
    assert out["a"].total == D("86.25")
    # b's two peers average 80: (80×30 + 90×50 + 80×20) ÷ 100 = 8500 ÷ 100 = 85
    assert out["b"].total == D(85)
    assert "跨部门" in out["a"].indicators[0].explain


def test_missing_rater_counts_zero_when_declared(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, ROLES.replace("MISSING", "zero"), ratings=RATINGS))
    # a: (80×30 + 90×50 + 0×20) ÷ 100 = 69
    assert out["a"].total == D(69)


def test_missing_rater_fails_the_indicator_when_declared(tmp_path: Path) -> None:
    run_ = run(tmp_path, ROLES.replace("MISSING", "fail"), ratings=RATINGS)
    out = by_id(run_)
    # With the scheme's default `missing: zero`, the failed indicator scores 0 with a warning.
    assert out["a"].total == 0
    assert any(w.code == "missing_value" and "a" in w.message for w in run_.warnings)
    assert out["b"].total == D(85)


LEVELS = """
full_score: 20
indicators:
  - id: monitor
    name: 成交过程监控
    weight: 20
    rule:
      type: levels
      levels: [{name: 较好完成, score: 18}, {name: 基本完成, score: 12}, {name: 有未完成, score: 6}]
"""


def test_levels_score_by_name_ignoring_spaces_and_width(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            LEVELS,
            ratings="""
        agent_id,period,indicator,rater_role,rater_id,value
        a,2026-10,成交过程监控,,m,较好完成
        b,2026-10,成交过程监控,,m,基本 完成
        """,
        )
    )
    # 18 of a full 18 at weight 20 adds 20; 12 of 18 adds 12 × 20 ÷ 18 = 13.33
    assert ind(out["a"], "monitor") == 18
    assert out["a"].total == 20
    assert out["b"].total == D("13.33")


def test_unknown_level_is_an_error_naming_file_row_and_field(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as err:
        run(
            tmp_path,
            LEVELS,
            ratings="""
            agent_id,period,indicator,rater_role,rater_id,value
            a,2026-10,成交过程监控,,m,较好完成
            b,2026-10,成交过程监控,,m,很好
            c,2026-10,成交过程监控,,m,7
            """,
        )
    problems = err.value.problems
    assert [(p.file, p.row, p.field) for p in problems] == [
        ("ratings.csv", 3, "value"),
        ("ratings.csv", 4, "value"),
    ]
    assert '"很好" is not a level' in problems[0].message


def test_rating_above_max_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as err:
        run(
            tmp_path,
            ROLES.replace("MISSING", "renormalize"),
            ratings="""
            agent_id,period,indicator,rater_role,rater_id,value
            a,2026-10,work,self,a,101
            """,
        )
    assert "0..100; 101 is outside" in err.value.problems[0].message


def test_value_given_directly_in_metric_values_wins(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            LEVELS,
            metric_values="""
        agent_id,period,metric,value
        a,2026-10,成交过程监控,有未完成
        """,
        )
    )
    # 6 of 18 at weight 20: 6.666... shown rounded to 6.67
    assert out["a"].total == D("6.67")
    assert "直接给定" in out["a"].indicators[0].explain


def test_ratings_of_other_periods_are_ignored(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            LEVELS,
            ratings="""
        agent_id,period,indicator,rater_role,rater_id,value
        a,2026-09,成交过程监控,,m,有未完成
        a,2026-10,成交过程监控,,m,较好完成
        """,
        )
    )
    assert out["a"].total == 20


def test_levels_with_a_full_score_above_the_best_level(tmp_path: Path) -> None:
    body = LEVELS.replace("      type: levels\n", "      type: levels\n      full: 20\n")
    out = by_id(
        run(
            tmp_path,
            body,
            ratings="""
        agent_id,period,indicator,rater_role,rater_id,value
        a,2026-10,成交过程监控,,m,较好完成
        """,
        )
    )
    # 较好完成 is 18 of a printed 20: 18 ÷ 20 × 20 = 18, not scaled up to 20.
    assert out["a"].total == 18


PEERS = """
raters:
  roles:
    - {id: self, name: 员工自评, weight: 20%}
    - {id: peer, name: 同事互评, weight: 30%, assigned: true, anonymous: true}
    - {id: manager, name: 经理复评, weight: 50%}
indicators:
  - {id: work, name: 工作表现, weight: 100%, rule: {type: rated, max: 100}}
"""


def test_three_peers_are_averaged_within_their_role_and_the_text_says_how_many(
    tmp_path: Path,
) -> None:
    out = by_id(
        run(
            tmp_path,
            PEERS,
            ratings="""
            agent_id,period,indicator,rater_role,rater_id,value
            a,2026-10,work,self,a,90
            a,2026-10,work,peer,p1,70
            a,2026-10,work,peer,p2,80
            a,2026-10,work,peer,p3,96
            a,2026-10,work,manager,m,80
            """,
        )
    )
    # The peers' mean is (70 + 80 + 96) ÷ 3 = 82; then the roles' weights:
    # (90×20 + 82×30 + 80×50) ÷ 100 = (1800 + 2460 + 4000) ÷ 100 = 82.6
    assert out["a"].total == D("82.6")
    text = out["a"].indicators[0].explain
    assert "同事互评 82（3 人平均）×30%" in text
    # The mean only: no single peer's rating is written into the explanation.
    assert "70" not in text and "96" not in text


def test_anonymous_needs_assigned_and_self_is_never_assigned() -> None:
    from appraise.schemes.loader import parse_scheme

    body = PEERS.replace("assigned: true, anonymous: true", "anonymous: true").replace(
        "weight: 20%}", "weight: 20%, assigned: true}"
    )
    with pytest.raises(ProblemsError) as err:
        parse_scheme("id: t\nname: test\n" + textwrap.dedent(body), "t.yaml")
    found = {p.code: p.line for p in err.value.problems if p.level == "error"}
    # Each names its role's line: two header lines, a blank one, raters:, roles:, then self
    # on line 6 and peer on line 7.
    assert found == {"self_rater_assigned": 6, "anonymous_not_assigned": 7}


EACH_ONCE = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-10,work,self,a,80
a,2026-10,work,supervisor,s1,90
a,2026-10,work,peer,p1,70
b,2026-10,work,peer,p1,70
b,2026-10,work,self,b,80
b,2026-10,work,supervisor,s1,90
c,2026-10,work,self,c,80
c,2026-10,work,supervisor,s1,90
c,2026-10,work,peer,p1,70
c,2026-10,work,peer,p2,90
"""


def test_every_role_rating_once_reads_as_the_general_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a and b: each role once (the shortcut, rated._one_each), in any order of the rows:
    # (80×30 + 90×50 + 70×20) ÷ 100 = 8300 ÷ 100 = 83. c: two peers, the general way:
    # (80×30 + 90×50 + 80×20) ÷ 100 = 85.
    scheme = ROLES.replace("MISSING", "renormalize")
    (tmp_path / "quick").mkdir()
    (tmp_path / "general").mkdir()
    quick = by_id(run(tmp_path / "quick", scheme, ratings=EACH_ONCE))
    assert [quick[a].total for a in "abc"] == [D(83), D(83), D(85)]
    monkeypatch.setattr(rules, "_one_each", lambda *args: None)
    general_way(monkeypatch)  # nor scoring.leaves' column of it
    general = by_id(run(tmp_path / "general", scheme, ratings=EACH_ONCE))
    for a in "abc":
        for lang in ("zh", "en"):
            with reading(lang):
                assert result_dict(quick[a], said=True) == result_dict(general[a], said=True)
    assert "自评 80×30% + 直属主管 90×50% + 跨部门 70×20%" in quick["a"].indicators[0].explain


def test_one_role_rating_reads_as_the_general_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rated by the supervisor alone: a and b gave 90 (one outcome, shared), c 70; each is
    # the rating itself, 90×50 ÷ 50 = 90. d has a self rating too: ignored with a warning.
    scheme = ROLES.replace("MISSING", "renormalize").replace(
        "weight: 100%,", "weight: 100%, raters: [supervisor],"
    )
    ratings = """
    agent_id,period,indicator,rater_role,rater_id,value
    a,2026-10,work,supervisor,s1,90
    b,2026-10,work,supervisor,s1,90
    c,2026-10,work,supervisor,s1,70
    d,2026-10,work,supervisor,s1,90
    d,2026-10,work,self,d,60
    """
    (tmp_path / "quick").mkdir()
    (tmp_path / "general").mkdir()
    quick_run = run(tmp_path / "quick", scheme, ratings=ratings)
    quick = by_id(quick_run)
    assert [quick[a].total for a in "abcd"] == [D(90), D(90), D(70), D(90)]
    assert [w.code for w in quick_run.warnings] == ["unknown_rater_role"]
    monkeypatch.setattr(rules, "_one_each", lambda *args: None)
    general_way(monkeypatch)  # nor scoring.leaves' column of it
    general = by_id(run(tmp_path / "general", scheme, ratings=ratings))
    for a in "abcd":
        for lang in ("zh", "en"):
            with reading(lang):
                assert result_dict(quick[a], said=True) == result_dict(general[a], said=True)
