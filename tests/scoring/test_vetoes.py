"""一票否决 (``vetoes:``): a red line crossed fails the month whatever the indicators scored
(issue 15: AutoQA's red-line veto, read by the scheme through ``autoqa_redline_count``).

Every total is worked by hand below from the scheme: 服务质量 rated out of 100 at 60%, 满意度
a threshold on csat (>= 90 scores 100, else 0) at 40%.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appraise.messages import reading
from appraise.problems import ProblemsError
from appraise.scoring.output import localized, result_dict

from .helpers import D, by_id, run

SCHEME = """
metrics:
  - {id: autoqa_redline_count, name: 红线会话数, unit: count}
  - {id: complaints_upheld, name: 有责投诉数, unit: count}
indicators:
  - {id: quality, name: 服务质量, weight: 60%, rule: {type: rated, max: 100}}
  - {id: csat_ok, name: 满意度, weight: 40%, rule: {type: threshold, metric: csat, range: ">= 90", score: 100}}
grades:
  - {name: 优秀, range: ">= 90"}
  - {name: 合格, range: "[60, 90)"}
  - {name: 不合格, range: "< 60"}
vetoes:
  - {id: redline, name: 服务红线, when: "autoqa_redline_count > 0", total: 0}
  - {id: complaint, name: 有责投诉, when: "complaints_upheld >= 1", grade: 合格}
"""
RATINGS = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-10,quality,,s1,95
b,2026-10,quality,,s1,90
c,2026-10,quality,,s1,70
d,2026-10,quality,,s1,100
"""
METRICS = """
agent_id,period,metric,value
a,2026-10,csat,92
a,2026-10,autoqa_redline_count,0
a,2026-10,complaints_upheld,0
b,2026-10,csat,95
b,2026-10,autoqa_redline_count,1
b,2026-10,complaints_upheld,0
c,2026-10,csat,80
c,2026-10,autoqa_redline_count,0
c,2026-10,complaints_upheld,0
d,2026-10,csat,100
d,2026-10,autoqa_redline_count,0
d,2026-10,complaints_upheld,1
"""


def test_a_veto_replaces_the_total_or_the_grade(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, SCHEME, ratings=RATINGS, metric_values=METRICS))
    # a: 95 × 60% + 100 × 40% = 57 + 40 = 97, 优秀; no veto.
    # b: 90 × 60% + 100 × 40% = 54 + 40 = 94, but one red-line conversation: the total is 0,
    #    and the grade the last one, 不合格 (its range says so too).
    # c: 70 × 60% + 0 (csat 80 < 90) = 42, 不合格 by its range; no veto.
    # d: 100 × 60% + 100 × 40% = 100, but an upheld complaint: the grade is 合格, the total stays.
    assert {k: r.total for k, r in out.items()} == {"a": D(97), "b": D(0), "c": D(42), "d": D(100)}
    assert {k: r.grade for k, r in out.items()} == {
        "a": "优秀",
        "b": "不合格",
        "c": "不合格",
        "d": "合格",
    }
    # Ranked on the totals after the veto: d 100, a 97, c 42, b 0.
    assert {k: r.rank for k, r in out.items()} == {"d": 1, "a": 2, "c": 3, "b": 4}
    assert out["b"].notes == ["服务红线（一票否决）：autoqa_redline_count > 0，总分 94 记为 0"]
    assert out["d"].notes == ["有责投诉（一票否决）：complaints_upheld >= 1"]
    assert out["a"].notes == [] and out["c"].notes == []
    stored = json.loads(json.dumps(result_dict(out["b"], said=True)))
    assert localized(stored, "en")["notes"] == [
        "服务红线 (veto): autoqa_redline_count > 0; the total 94 becomes 0"
    ]


def test_a_grade_only_veto_without_a_grade_gives_the_lowest(tmp_path: Path) -> None:
    scheme = SCHEME.replace(
        'when: "complaints_upheld >= 1", grade: 合格', 'when: "complaints_upheld >= 1"'
    )
    out = by_id(run(tmp_path, scheme, ratings=RATINGS, metric_values=METRICS))
    assert out["d"].total == D(100) and out["d"].grade == "不合格"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("grade: 合格", "grade: 良好"),  # not one of the grades
        ('when: "complaints_upheld >= 1"', 'when: "complaint_count >= 1"'),  # unknown name
    ],
)
def test_a_bad_veto_is_refused_with_its_line_in_chinese(
    tmp_path: Path, change: str, says: str
) -> None:
    with reading("zh"), pytest.raises(ProblemsError) as got:
        run(tmp_path, SCHEME.replace(change, says), ratings=RATINGS, metric_values=METRICS)
    text = "\n".join(p.render() for p in got.value.problems)
    if "良好" in says:
        assert "一票否决“complaint”给出的等级“良好”不是方案的等级之一（优秀, 合格, 不合格）" in text
    else:
        assert "complaint_count" in text
    assert "t.yaml:" in text
