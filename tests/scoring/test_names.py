"""Metrics and indicators named in Chinese score exactly like their ids."""

from __future__ import annotations

import os
import re
from pathlib import Path

from appraise.scoring.commands import score_files
from appraise.scoring.output import run_dict
from appraise.seeds import ROOT, SEEDS, run_example

from .helpers import D, by_id, ind, run


def test_the_online_shop_seed_scores_alike_with_metrics_named_in_chinese(tmp_path: Path) -> None:
    original = (ROOT / SEEDS / "s004-online-shop.yaml").read_text(encoding="utf-8")
    renamed = original
    # 客单价 is also the name of the indicator unit_price: a `metric:` field reads metrics only.
    for metric_id, name in [
        ("conversion_rate", "询单转化率"),
        ("reply_time_mean", "平均回复时长"),
        ("refund_rate", "退款率"),
        ("average_order_value", "客单价"),
        ("churn_rate", "询单流失率"),  # declared by the scheme under `metrics:`
    ]:
        renamed, n = re.subn(rf"metric: {metric_id}(?=[,\n])", f"metric: {name}", renamed)
        assert n == 1, metric_id
    scheme = tmp_path / "s004-online-shop.yaml"
    scheme.write_text(renamed, encoding="utf-8")
    expected = run_example("s004-online-shop")
    cwd = Path.cwd()
    os.chdir(ROOT)  # the example's warnings name its files relative to the repository
    try:
        got = run_dict(
            score_files(scheme, "2026-10", SEEDS / "examples" / "s004-online-shop", None)
        )
    finally:
        os.chdir(cwd)
    assert got == expected
    assert got["results"][0]["indicators"]  # the comparison is of real results


def test_formulas_read_metrics_and_indicators_by_name(tmp_path: Path) -> None:
    out = run(
        tmp_path,
        """
        indicators:
          - {id: attitude, name: 服务态度, weight: 50%, rule: {type: rated, max: 100}}
          - id: mix
            name: 综合
            weight: 50%
            rule: {type: formula, expr: "min(100, 服务态度 / 2 + 询单转化率)", max: 100}
        """,
        agents="agent_id,name\nA1,甲\n",
        ratings="agent_id,indicator,value\nA1,服务态度,80\n",
        # The row names the catalog metric by its Chinese name too.
        metric_values="agent_id,metric,value\nA1,询单转化率,35\n",
    )
    a1 = by_id(out)["A1"]
    # mix = min(100, 80 / 2 + 35) = 75; total = 80 × 50% + 75 × 50% = 40 + 37.5 = 77.5
    assert ind(a1, "mix") == D(75)
    assert a1.total == D("77.5")
