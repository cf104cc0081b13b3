"""A leaf's common cases scored a column at a time (scoring.leaves and the formula column) read
exactly as the general way (each agent's rule, then finish_leaf): the same scores, the same
words in Chinese and English, the same data form, the same warnings.

Every number below is worked by hand from the scheme and shown in the comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.messages import reading
from appraise.scoring import engine
from appraise.scoring.output import result_dict

from .helpers import D, by_id, ind, run

SCHEME = """
full_score: 100
raters:
  roles:
    - {id: self, name: 自评, weight: 30%}
    - {id: supervisor, name: 直属主管, weight: 50%}
    - {id: peer, name: 跨部门, weight: 20%}
  missing: renormalize
indicators:
  - id: conv
    name: 转化率
    weight: 30%
    rule:
      type: bands
      metric: conversion_rate
      bands:
        - {range: ">= 30", score: 100}
        - {range: "[20, 30)", score: 60}
        - {range: "< 20", score: 0}
  - id: att
    name: 出勤率
    weight: 20%
    rule: {type: threshold, metric: attendance_rate, range: ">= 95", score: 100, otherwise: 0}
  - id: aov
    name: 客单价
    weight: 20%
    rule: {type: target, metric: average_order_value, target: 200, full: 100, method: proportion}
  - id: qa
    name: 质检
    weight: 10%
    rule: {type: formula, expr: "qa_average", min: 0, max: 100}
  - {id: work, name: 工作表现, weight: 20%, rule: {type: rated, max: 100}}
"""

# a: the columns' common cases, 30 on the band's edge and 95 on the threshold's.
# b: no qa_average and no peer rating (the general way for those two).
# c: conv given directly, two peers (the general way), a formula above its max.
METRICS = """
agent_id,period,metric,value
a,2026-10,conversion_rate,30
a,2026-10,attendance_rate,95
a,2026-10,average_order_value,150
a,2026-10,qa_average,88
b,2026-10,conversion_rate,25.5
b,2026-10,attendance_rate,94.99
b,2026-10,average_order_value,250
c,2026-10,conv,19.999
c,2026-10,attendance_rate,96
c,2026-10,average_order_value,200
c,2026-10,qa_average,120
"""

RATINGS = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-10,work,peer,p1,70
a,2026-10,work,self,a,80
a,2026-10,work,supervisor,s1,90
b,2026-10,work,self,b,80
b,2026-10,work,supervisor,s1,90
c,2026-10,work,self,c,60
c,2026-10,work,supervisor,s1,70
c,2026-10,work,peer,p1,80
c,2026-10,work,peer,p2,90
"""


def general_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every agent of every leaf the general way: no column takes any."""
    monkeypatch.setattr(engine, "column", lambda node, scheme, agents, *rest: agents)
    monkeypatch.setattr(engine, "_formula_column", lambda node, rule, scheme, agents, *r: agents)


def test_columns_read_as_the_general_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "columns").mkdir()
    (tmp_path / "general").mkdir()
    columns_run = run(tmp_path / "columns", SCHEME, metric_values=METRICS, ratings=RATINGS)
    quick = by_id(columns_run)
    # a: conv 30 >= 30 -> 100 × 30% = 30; att 95 >= 95 -> 100 × 20% = 20;
    #    aov 100 × 150 ÷ 200 = 75 × 20% = 15; qa 88 × 10% = 8.8;
    #    work (80×30 + 90×50 + 70×20) ÷ 100 = 83 × 20% = 16.6; total 90.4.
    # b: conv 25.5 -> 60 × 30% = 18; att 94.99 -> 0; aov 100 × 250 ÷ 200 = 125, capped at
    #    100 × 20% = 20; qa missing -> 0; work without the peer (80×30 + 90×50) ÷ 80 = 86.25
    #    × 20% = 17.25; total 55.25.
    # c: conv 19.999 -> 0; att 96 -> 20; aov 100 -> 20; qa 120 -> max 100 × 10% = 10;
    #    work, the peers' mean (80 + 90) ÷ 2 = 85: (60×30 + 70×50 + 85×20) ÷ 100 = 70
    #    × 20% = 14; total 64.
    assert [quick[a].total for a in "abc"] == [D("90.4"), D("55.25"), D(64)]
    assert [ind(quick[a], "work") for a in "abc"] == [D(83), D("86.25"), D(70)]
    assert [ind(quick[a], "aov") for a in "abc"] == [D(75), D(100), D(100)]
    # The columns took a's bands, threshold and rating (their words made when read) and c's
    # conv (a value given directly is read as the metric is), and left b's rating and b's
    # missing qa to the general way.
    said = {(a, i.id): type(i.said).__name__ for a in "abc" for i in quick[a].indicators}
    assert [said[("a", i)] for i in ("conv", "att", "work")] == ["Made"] * 3
    assert said[("c", "conv")] == "Made"
    assert [said[("b", "work")], said[("b", "qa")]] == ["Pending", "Pending"]
    general_way(monkeypatch)
    general_run = run(tmp_path / "general", SCHEME, metric_values=METRICS, ratings=RATINGS)
    general = by_id(general_run)
    assert [str(w) for w in columns_run.warnings] == [str(w) for w in general_run.warnings]
    assert [w.code for w in columns_run.warnings] == ["missing_value"]
    for a in "abc":
        for lang in ("zh", "en"):
            with reading(lang):
                assert result_dict(quick[a], said=True) == result_dict(general[a], said=True)
    assert quick["a"].indicators[0].explain == (
        "30% 落在「≥ 30%」区间 → 100 分;100 分 ÷ 满分 100 × 权重 30% = 30"
    )
