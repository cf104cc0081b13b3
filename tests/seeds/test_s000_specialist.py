"""s000-specialist: the seed's own worked example, checked by hand.

The seed prints weighted scores 18, 25.5, 16 and 18 and a total of 77.25. The weighted scores are
right (95×10% + 85×10% = 18; 80×10% + 90×10% + 85×10% = 25.5; 85×5% + 75×10% + 85×5% = 16;
95×10% + 85×10% = 18) but their sum is 77.5, so the engine says 77.5 and the grade is 合格
(70 <= 77.5 < 85). The weights add up to 90%, which validate reports as a warning.
"""

from __future__ import annotations

from appraise.seeds import run_example


def test_seed_example_totals_77_5_not_the_printed_77_25() -> None:
    out = run_example("s000-specialist")
    (agent,) = out["results"]
    weighted = {i["id"]: i["weighted"] for i in agent["indicators"]}
    assert weighted["attitude"] == 18
    assert weighted["quality"] == 25.5
    assert weighted["efficiency"] == 16
    assert weighted["contribution"] == 18
    assert agent["total"] == 77.5
    assert agent["grade"] == "合格"


def test_weights_summing_to_90_percent_warn_but_score() -> None:
    out = run_example("s000-specialist")
    (warning,) = [w for w in out["warnings"] if w["code"] == "weights_sum"]
    assert "90%" in warning["message"]
    assert warning["where"] == "schemes/seeds/s000-specialist.yaml:16"
