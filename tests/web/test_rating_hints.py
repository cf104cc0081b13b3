"""What a rating form says beside each empty box: a rated leaf's range, a leveled leaf's levels
(the pages walked at a desk, tests/web/browser/test_desktop_walk.py, show them)."""

from __future__ import annotations

from django.utils import translation

from appraise.schemes.loader import load_scheme
from appraise.seeds import ROOT, SEEDS
from appraise.web.cycles.scoring import rating_hints


def test_a_rated_leaf_gives_its_range_and_a_leveled_one_its_levels() -> None:
    scheme = load_scheme(ROOT / SEEDS / "s000-monthly.yaml").scheme
    with translation.override("zh-hans"):
        hints = rating_hints(scheme)
    # deal_monitoring: {type: levels, levels: 较好完成 18, 基本完成 12, 有未完成 6}.
    assert hints["deal_monitoring"] == "填写其一：较好完成 / 基本完成 / 有未完成"
    specialist = load_scheme(ROOT / SEEDS / "s000-specialist.yaml").scheme
    with translation.override("en"):
        # courtesy: {type: rated, max: 100}, min 0 by default.
        assert rating_hints(specialist)["courtesy"] == "0 to 100"
