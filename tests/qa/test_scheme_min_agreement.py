"""A scheme's ``min_agreement``: an automatic QA metric counts only when its check has shown the
agreement the scheme requires with the human reviews of the same conversations."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from qa_rubrics import scored
from typer.testing import CliRunner

from appraise.cli import app
from appraise.inputs.records import Inputs
from appraise.messages import reading
from appraise.problems import ProblemsError
from appraise.qa.agreement import (
    Agreement,
    AgreementConfig,
    agreement,
    gates,
    verdicts_from_findings,
    withhold,
)
from appraise.qa.checks import Finding, agent_metrics
from appraise.qa.rubric import ReviewResult
from appraise.schemes.loader import parse_scheme
from appraise.scoring import score_period
from appraise.scoring.results import AgentResult, ScoreRun

D = Decimal

# 2026-10. A001's eight conversations, each reviewed once on 开场白 (不规范 = a human hit), and
# the opening check's verdict (failed = an automatic hit):
#   C1-C3  check failed, 开场白 不规范  -> tp = 3
#   C4     check passed, 开场白 不规范  -> fn = 1
#   C5-C8  check passed, 开场白 规范    -> tn = 4          (fp = 0)
# n = 8; po = (tp + tn) / n = 7 / 8 = 0.875
# pe = ((tp + fp)(tp + fn) + (fn + tn)(fp + tn)) / n² = (3 × 4 + 5 × 4) / 64 = 0.5
# κ = (po − pe) / (1 − pe) = 0.375 / 0.5 = 0.75; precision 3 / 3 = 1; recall 3 / 4 = 0.75.
# A002's four conversations passed and were never reviewed (no pair).
# qa_opening_rate (agent_metrics: % passed): A001 5 of 8 = 62.5, A002 4 of 4 = 100.
CASES = [
    ("C1", False, "不规范"),
    ("C2", False, "不规范"),
    ("C3", False, "不规范"),
    ("C4", True, "不规范"),
    ("C5", True, "规范"),
    ("C6", True, "规范"),
    ("C7", True, "规范"),
    ("C8", True, "规范"),
]


def findings() -> list[Finding]:
    out = [Finding(cid, "A001", "opening", passed) for cid, passed, _ in CASES]
    return out + [Finding(f"D{i}", "A002", "opening", True) for i in range(1, 5)]


def reviews() -> list[ReviewResult]:
    return [scored(f"r-{cid}", cid, "A001", "Q1", **{"开场白": r}) for cid, _, r in CASES]


def figures() -> dict[str, Agreement]:
    got = agreement(verdicts_from_findings(findings()), reviews(), {"opening": "开场白"})
    return {a.check: a for a in got}


def scheme_text(requirement: str, missing: str = "zero") -> str:
    # opening: 100 × rate / 100 (capped at 100) of 100, weight 40; sales: 100 × sales / 100,
    # weight 60.
    return textwrap.dedent(
        f"""
        id: t
        name: test
        missing: {missing}
        metrics:
          - {{id: qa_opening_rate, name: 开场白规范率, unit: percent}}
          - {{id: sales, name: 销售额}}
        indicators:
          - id: opening
            name: 开场白规范
            weight: 40
            min_agreement: {requirement}
            rule: {{type: target, metric: qa_opening_rate, target: 100, full: 100}}
          - id: selling
            name: 销售
            weight: 60
            rule: {{type: target, metric: sales, target: 100, full: 100}}
        """
    )


def computed(metrics: dict[str, dict[str, float | Decimal | None]] | None = None) -> dict:
    got = {a: dict(v) for a, v in (metrics or agent_metrics(findings())).items()}
    got["A001"]["sales"] = 80
    got["A002"]["sales"] = 50
    return got


def score(requirement: str, figs: dict[str, Agreement] | None, **kw: str) -> ScoreRun:
    loaded = parse_scheme(scheme_text(requirement, **kw), "t.yaml")
    return score_period(
        loaded.scheme, Inputs([], [], [], [], [], [], []), "2026-10", computed(), figs
    )


def by_id(run: ScoreRun) -> dict[str, AgentResult]:
    return {r.agent_id: r for r in run.results}


def test_the_hand_made_reviews_give_kappa_075() -> None:
    a = figures()["opening"]
    assert (a.tp, a.fp, a.fn, a.tn, a.unmatched) == (3, 0, 1, 4, 4)
    assert (a.observed, a.expected, a.kappa) == (D("0.875"), D("0.5"), D("0.75"))
    assert (a.precision, a.recall) == (D(1), D("0.75"))
    assert agent_metrics(findings())["A001"]["qa_opening_rate"] == 62.5


def test_kappa_above_the_minimum_the_metric_counts() -> None:
    # κ 0.75 >= 0.6. A001: 62.5 / 100 × 40 = 25, plus 80 / 100 × 60 = 48 -> 73;
    # A002: 100 / 100 × 40 = 40, plus 50 / 100 × 60 = 30 -> 70.
    run = score("{kappa: 0.6}", figures())
    got = by_id(run)
    assert (got["A001"].total, got["A002"].total) == (D(73), D(70))
    assert not [w for w in run.warnings if w.code == "agreement_unmet"]


def test_kappa_below_the_minimum_the_metric_is_withheld_and_scored_as_missing() -> None:
    # κ 0.75 < 0.8: qa_opening_rate is not read, so 开场白规范 has no value and ``missing:
    # zero`` scores it 0 with a warning: A001 0 + 48 = 48, A002 0 + 30 = 30.
    run = score("{kappa: 0.8}", figures())
    got = by_id(run)
    assert (got["A001"].total, got["A002"].total) == (D(48), D(30))
    opening = next(i for i in got["A001"].indicators if i.id == "opening")
    assert opening.score == D(0)
    with reading("zh"):
        assert str(opening.explain).startswith(
            "自动质检 opening:κ 0.75 低于方案要求的最低值 0.8;qa_opening_rate 不计入;"
        )
        unmet = [str(w.message) for w in run.warnings if w.code == "agreement_unmet"]
        assert unmet == [
            "指标“开场白规范”:qa_opening_rate 不计入:自动质检 opening:κ 0.75 "
            "低于方案要求的最低值 0.8"
        ]
    with reading("en"):
        assert str(opening.explain).startswith(
            "automatic check opening: κ 0.75 below the scheme's minimum 0.8; "
            "qa_opening_rate not counted;"
        )
    # Both agents had no value and were scored 0, each with the engine's usual warning.
    assert sum(w.code == "missing_value" for w in run.warnings) == 2


def test_withheld_with_missing_fail_leaves_the_agents_unscored() -> None:
    run = score("{kappa: 0.8}", figures(), missing="fail")
    for r in run.results:
        assert not r.eligible and r.total is None
        assert r.notes == ["缺少数据:开场白规范"]


def test_no_figures_and_too_few_pairs_are_unmet() -> None:
    # No agreement given: no check has shown anything (0 pairs of the 1 the default needs).
    run = score("{kappa: 0.6}", None)
    assert by_id(run)["A001"].total == D(48)
    with reading("zh"):
        (w,) = [str(w.message) for w in run.warnings if w.code == "agreement_unmet"]
        assert "经人工复核的会话 0 个,方案要求至少 1 个" in w
    # 8 pairs, 10 required: withheld although κ 0.75 is above 0.6.
    assert by_id(score("{kappa: 0.6, min_pairs: 10}", figures()))["A001"].total == D(48)
    # recall 0.75 below 0.9: withheld though κ passes.
    assert by_id(score("{kappa: 0.6, recall: 0.9}", figures()))["A001"].total == D(48)


def test_the_stricter_of_the_qa_config_gate_and_the_scheme_applies() -> None:
    figs = figures()
    # The QA config asks κ 0.5 (met by 0.75), the scheme 0.8: the scheme withholds.
    loose = AgreementConfig.model_validate(
        {"require": {"kappa": 0.5}, "checks": {"opening": {"mirrors": {"item": "开场白"}}}}
    )
    kept, problems = withhold(agent_metrics(findings()), gates(loose, list(figs.values())))
    assert not problems and kept["A001"]["qa_opening_rate"] == 62.5
    # The QA config asks κ 0.8, the scheme 0.6: the config has already withheld the metric,
    # so the scheme's indicator has nothing to read (A001 0 + 48 = 48).
    strict = AgreementConfig.model_validate(
        {"require": {"kappa": 0.8}, "checks": {"opening": {"mirrors": {"item": "开场白"}}}}
    )
    kept, problems = withhold(agent_metrics(findings()), gates(strict, list(figs.values())))
    assert "qa_opening_rate" not in kept["A001"] and problems
    loaded = parse_scheme(scheme_text("{kappa: 0.6}"), "t.yaml")
    run = score_period(
        loaded.scheme, Inputs([], [], [], [], [], [], []), "2026-10", computed(kept), figs
    )
    assert by_id(run)["A001"].total == D(48)


@pytest.mark.parametrize(
    ("value", "said"),
    [("{kappa: 2}", "kappa:应小于或等于 1"), ("{kappa: abc}", "kappa:“abc”不是数字")],
)
def test_a_bad_minimum_is_a_located_problem_in_chinese(value: str, said: str) -> None:
    with pytest.raises(ProblemsError) as exc:
        parse_scheme(scheme_text(value), "t.yaml")
    (p,) = exc.value.problems
    # line 1 is the empty line of the dedented text; min_agreement is line 12
    assert (p.file, p.line) == ("t.yaml", 12)
    with reading("zh"):
        assert said in str(p.message)


def test_min_agreement_on_an_indicator_reading_no_automatic_metric_is_an_error() -> None:
    text = scheme_text("{kappa: 0.6}").replace("metric: qa_opening_rate", "metric: sales")
    with pytest.raises(ProblemsError) as exc:
        parse_scheme(text, "t.yaml")
    (p,) = exc.value.problems
    assert (p.code, p.line) == ("min_agreement_no_check", 12)
    with reading("zh"):
        assert "未读取任何自动质检指标" in str(p.message)


def test_cli_score_reads_the_agreement_json(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(scheme_text("{kappa: 0.8}"), encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "metric_values.csv").write_text(
        "agent_id,period,metric,value\n"
        "A001,2026-10,qa_opening_rate,62.5\nA001,2026-10,sales,80\n"
        "A002,2026-10,qa_opening_rate,100\nA002,2026-10,sales,50\n",
        encoding="utf-8",
    )
    a = figures()["opening"]
    doc = {
        "period": "2026-10",
        "checks": [
            {"check": "opening", "item": "开场白", "tp": a.tp, "fp": a.fp, "fn": a.fn, "tn": a.tn}
        ],
    }
    (tmp_path / "agreement.json").write_text(json.dumps(doc), encoding="utf-8")
    args = ["score", str(tmp_path / "t.yaml"), "-i", str(inputs), "-p", "2026-10", "-f", "json"]
    result = CliRunner().invoke(app, [*args, "--agreement", str(tmp_path / "agreement.json")])
    assert result.exit_code == 0, result.output
    totals = {r["agent_id"]: r["total"] for r in json.loads(result.output)["results"]}
    # κ 0.75 < 0.8: withheld, 48 and 30 (as above)
    assert totals == {"A001": 48, "A002": 30}
    # Another period's file is refused with the file named.
    doc["period"] = "2026-09"
    (tmp_path / "agreement.json").write_text(json.dumps(doc), encoding="utf-8")
    bad = CliRunner().invoke(app, [*args, "--agreement", str(tmp_path / "agreement.json")])
    assert bad.exit_code == 1
    assert "agreement.json" in bad.output and "2026-09" in bad.output
