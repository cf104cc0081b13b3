"""A rubric and reviews shared by the QA tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from appraise.qa.rubric import ReviewInput, ReviewResult, Rubric, score_review
from appraise.schemes.loader import parse_scheme

# 100 points: 开场白 10, 倾听理解 30 (rated 0..30), 表达能力 30 (rated 0..15, so ×2), 转接规范 20,
# 结束语 10 (完整 2 / 简短 1 / 无 0 of 2, so ×5), and the fatal 未泄露客户信息 that adds nothing.
GSM = """
id: qa-gsm
name: GSM综合座席质检表
period: month
full_score: 100
total: sum
missing: fail
indicators:
  - id: greeting
    name: 开场白
    weight: 10
    rule: {type: levels, levels: [{name: 规范, score: 10}, {name: 不规范, score: 0}]}
  - {id: listening, name: 倾听理解, weight: 30, rule: {type: rated, max: 30}}
  - {id: expression, name: 表达能力, weight: 30, rule: {type: rated, max: 15}}
  - id: transfer
    name: 转接规范
    weight: 20
    rule: {type: levels, levels: [{name: 规范, score: 20}, {name: 不规范, score: 0}]}
  - id: closing
    name: 结束语
    weight: 10
    rule: {type: levels, levels: [{name: 完整, score: 2}, {name: 简短, score: 1}, {name: 无, score: 0}]}
  - id: no_leak
    name: 未泄露客户信息
    counts: false
    rule: {type: levels, levels: [{name: 是, score: 1}, {name: 否, score: 0}]}
"""


RUBRIC = Rubric(parse_scheme(GSM, "qa-gsm.yaml").scheme, fatal=("no_leak",))

# 10 + 24 + 12*2 + 20 + 1*5 = 83; non-fatal errors: 倾听理解, 表达能力, 结束语 (3 of 5)
BASE: dict[str, Decimal | str] = {
    "开场白": "规范",
    "倾听理解": Decimal(24),
    "表达能力": Decimal(12),
    "转接规范": "规范",
    "结束语": "简短",
    "未泄露客户信息": "是",
}


def scored(
    review_id: str,
    conversation: str,
    agent: str,
    reviewer: str,
    source: Literal["internal", "external"] = "internal",
    supersedes: str | None = None,
    **changes: Decimal | str,
) -> ReviewResult:
    ratings = dict(BASE)
    names = {"listening": "倾听理解", "expression": "表达能力", "leak": "未泄露客户信息"}
    for k, v in changes.items():
        ratings[names.get(k, k)] = v
    return score_review(
        RUBRIC,
        ReviewInput(
            review_id,
            conversation,
            agent,
            reviewer,
            date(2026, 10, 20),
            ratings,
            source=source,
            supersedes=supersedes,
        ),
    )
