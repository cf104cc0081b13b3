"""One stored explanation, read in the reader's language (issue 11, "explanations an agent can
read"): a score explained once at computation is written again in Chinese for the agent and in
English for an admin, from what was said (sentence codes and parameters), with the scheme's
score step, the value's unit and ranges in words.

Every number below is worked by hand from the rule in the scheme and shown in the comment.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from appraise.messages import reading
from appraise.schemes.ranges import Range
from appraise.scoring.output import localized, result_dict
from appraise.scoring.text import Voice, points_text, shown
from appraise.words import Made, Pending, in_lang, render_data, words, written

from .helpers import D, by_id, run

REPLY = """
indicators:
  - id: reply
    name: 平均回复时长
    weight: 60%
    rule: {type: formula, expr: "min(100, 100 * 30 / reply_time_mean)"}
  - id: band
    name: 回复时长区间
    weight: 40%
    rule:
      type: bands
      metric: reply_time_mean
      bands:
        - {range: "< 60", score: 100}
        - {range: "[60, 90)", score: 60}
        - {range: ">= 90", score: 0}
"""


def _reply(tmp_path: Path, seconds: str, extra: str = "") -> dict[str, object]:
    return by_id(
        run(
            tmp_path,
            REPLY + extra,
            metric_values=f"agent_id,period,metric,value\na,2026-10,reply_time_mean,{seconds}\n",
        )
    )


def test_a_formula_reads_with_the_metrics_name_and_unit_in_both_languages(
    tmp_path: Path,
) -> None:
    # 100 × 30 ÷ 45 = 66.666…, shown to the score step 0.01 as 66.67; weighted
    # 66.666… ÷ 100 × 60 = 40 exactly.
    a = _reply(tmp_path, "45")["a"]
    reply = a.indicators[0]
    assert reply.score == Decimal(100) * 30 / 45
    assert in_lang(reply.explain, "zh") == (
        "平均回复时长 45 秒 → min(100, 100 × 30 ÷ 45) = 66.67 分;"
        "66.67 分 ÷ 满分 100 × 权重 60% = 40"
    )
    assert in_lang(reply.explain, "en") == (
        "平均回复时长 45 s -> min(100, 100 × 30 ÷ 45) = 66.67 points; "
        "66.67 of 100 × weight 60% = 40"
    )
    # The 实际值 column: the value with its unit, in the reader's language.
    assert in_lang(reply.value_text, "zh") == "45 秒"
    assert in_lang(reply.value_text, "en") == "45 s"


def test_a_band_is_explained_with_its_range_in_words(tmp_path: Path) -> None:
    # 75 s lies in [60, 90): 60 points; weighted 60 ÷ 100 × 40 = 24.
    band = _reply(tmp_path, "75")["a"].indicators[1]
    assert band.score == 60
    assert in_lang(band.explain, "zh") == (
        "75 秒 落在「60 至 90 秒(不含 90)」区间 → 60 分;60 分 ÷ 满分 100 × 权重 40% = 24"
    )
    assert in_lang(band.explain, "en") == (
        "75 s is in the band “60 to 90 s (90 excluded)” -> 60 points; 60 of 100 × weight 40% = 24"
    )


def test_a_value_is_never_rounded_onto_the_edge_it_was_compared_with(tmp_path: Path) -> None:
    # 89.996 s is below 90, in [60, 90): two decimals would read 90.00, which is not in that
    # band, so the value is shown with the three decimals that keep it below 90.
    band = _reply(tmp_path, "89.996")["a"].indicators[1]
    assert band.score == 60
    assert in_lang(band.explain, "zh").startswith("89.996 秒 落在「60 至 90 秒(不含 90)」")
    # Far from every edge, two decimals: 45.123 -> 45.12.
    assert in_lang(_reply(tmp_path, "45.123")["a"].indicators[0].value_text, "en") == "45.12 s"


def test_points_are_shown_to_the_schemes_score_step(tmp_path: Path) -> None:
    # score_step 0.5: 100 × 30 ÷ 45 = 66.666… reads 66.5 (nearest half, half up); weighted
    # 66.666… × 60 ÷ 100 = 40; the total 40 + 100 × 40 ÷ 100 = 80 is a multiple of 0.5.
    a = _reply(tmp_path, "45", "score_step: 0.5\n")["a"]
    assert in_lang(a.indicators[0].explain, "zh").startswith(
        "平均回复时长 45 秒 → min(100, 100 × 30 ÷ 45) = 66.5 分;66.5 分"
    )
    assert a.total == 80


@pytest.mark.parametrize(
    ("text", "unit", "zh", "en"),
    [
        ("[60, 90]", "seconds", "60 至 90 秒", "60 to 90 s"),
        ("[60, 90)", None, "60 至 90(不含 90)", "60 to 90 (90 excluded)"),
        ("(60, 90)", None, "60 至 90(不含 60、90)", "60 to 90 (60, 90 excluded)"),
        (">= 90", None, "≥ 90", "≥ 90"),
        ("> 90", "percent", "高于 90%", "above 90%"),
        ("< 60", None, "低于 60", "below 60"),
        ("<= 60", "count", "≤ 60 次", "≤ 60"),
        ("== 3", None, "等于 3", "exactly 3"),
        ("*", None, "任意值", "any value"),
        ("[0.5, inf)", None, "≥ 0.5", "≥ 0.5"),
    ],
)
def test_ranges_read_in_words(text: str, unit: str | None, zh: str, en: str) -> None:
    said = Range.parse(text).said(unit)
    assert render_data(said.data(), "zh") == zh
    assert render_data(said.data(), "en") == en


def test_shown_keeps_the_value_on_its_side_of_every_edge() -> None:
    assert shown(D("66.666666")) == "66.67"
    # 89.996 against the edge 90: 90.00 would sit on it, 89.996 does not.
    assert shown(D("89.996"), [D(90)]) == "89.996"
    # 90.004 against 90: 90.00 would sit on it.
    assert shown(D("90.004"), [D(90)]) == "90.004"
    # Exactly on the edge stays on it.
    assert shown(D("90.000"), [D(90)]) == "90"
    # Large numbers never in E notation.
    assert shown(D("1E+3")) == "1000"


def test_points_text_rounds_a_stored_score_to_the_step() -> None:
    assert points_text(66.6667, D("0.01")) == "66.67"
    assert points_text(9.5, D("1")) == "10"  # half up
    assert points_text(80, D("0.5")) == "80"
    assert points_text(1e-7, D("0.01")) == "0"
    assert points_text(None, D("0.01")) == ""
    assert points_text("优秀", D("0.01")) == "优秀"


def test_a_stored_result_reads_again_in_the_readers_language(tmp_path: Path) -> None:
    a = _reply(tmp_path, "45")["a"]
    with reading("zh"):
        stored = json.loads(json.dumps(result_dict(a, said=True), ensure_ascii=False))
    # Stored in Chinese (the language of the computation); read by an English admin.
    en = localized(stored, "en")
    reply = en["indicators"][0]
    assert reply["explain"].startswith(
        "平均回复时长 45 s -> min(100, 100 × 30 ÷ 45) = 66.67 points"
    )
    assert reply["value_text"] == "45 s"
    assert "explain_said" not in reply and "value_said" not in reply
    zh = localized(stored, "zh")["indicators"][0]
    assert zh["explain"] == stored["indicators"][0]["explain"]
    assert zh["value_text"] == "45 秒"
    # The numbers are the same in both.
    assert [i["score"] for i in en["indicators"]] == [i["score"] for i in stored["indicators"]]


def test_a_result_stored_before_explanations_were_kept_keeps_its_text() -> None:
    old = {"indicators": [{"id": "x", "explain": "80 分", "value_text": "45 秒", "score": 80}]}
    assert localized(old, "en") == old


def test_a_sentence_code_no_table_knows_shows_its_values() -> None:
    # A result stored by a version whose sentence has since been removed.
    assert render_data([{"say": "explain.gone", "with": {"v": "45"}}, ";", "3"], "en") == "45;3"


def test_a_voice_says_points_with_its_step() -> None:
    v = Voice("en", D("0.1"))
    assert v.pts(D("66.666")) == "66.7"
    assert v.pts(D(80)) == "80"
    said = v.say("rated_one", v="90", s=v.pts(D("90.04")))
    # Nothing is written while scoring; as text, in the voice's language (English here).
    written = said.words()
    assert str.__str__(written) == "rated 90 -> 90 points"
    assert in_lang(said, "zh") == in_lang(written, "zh") == "评分 90 → 90 分"


def test_pieces_made_when_read_read_as_the_same_pieces_said() -> None:
    # words.Made: what scoring says of most leaves, its pieces made on first read. It reads as
    # the Pending of the same pieces, in both languages, as data, and spliced into words().
    v = Voice("en", D("0.01"))
    made_calls: list[str] = []

    def pieces(value: str) -> tuple[object, ...]:
        made_calls.append(value)
        return (*v.say("rated_one", v=value, s="90").parts, v.then(), "x")

    made = Made(pieces, ("90",), "en")
    said = Pending(pieces("90"), "en")
    assert made_calls == ["90"]  # the Pending's; the Made's are not made yet
    assert in_lang(made, "en") == in_lang(said, "en") == "rated 90 -> 90 points; x"
    assert in_lang(made, "zh") == in_lang(said, "zh") == "评分 90 → 90 分;x"
    assert made.data() == said.data()
    assert made_calls == ["90", "90"]  # made once, then kept
    assert str.__str__(written(made)) == str.__str__(written(said))
    assert words("en", "a ", made).data() == words("en", "a ", said).data()
    # Said in another language, it is one piece, written in the reader's.
    assert in_lang(words("zh", made), "zh") == "评分 90 → 90 分;x"


PAY = """
pay:
  components:
    - {id: performance, name: 绩效奖金, type: rated_bonus, amount: 1000}
    - {id: top, name: 优秀奖, type: formula, expr: "200", when: "total >= 90"}
"""


def test_a_stored_results_pay_lines_read_again_in_the_readers_language(tmp_path: Path) -> None:
    # reply: min(100, 100 × 30 ÷ 45) = 66.67 × 60% = 40; band: 45 < 60 -> 100 × 40% = 40;
    # total 80. rated_bonus: 1000 × 80 / 100 = 800. The 优秀奖 needs total >= 90: not paid.
    a = _reply(tmp_path, "45", PAY)["a"]
    with reading("zh"):
        stored = json.loads(json.dumps(result_dict(a, said=True), ensure_ascii=False))
    assert stored["pay"]["performance"] == 800 and stored["pay"]["top"] == 0
    assert stored["pay_explain"] == {
        "performance": "绩效奖金: 1000 × 80 / 100 = 800",
        "top": "优秀奖: 不满足条件 总分 ≥ 90",  # the condition said in Chinese too
    }
    en = localized(stored, "en")
    assert en["pay_explain"] == {
        "performance": "绩效奖金: 1000 × 80 / 100 = 800",
        "top": "优秀奖: condition total >= 90 not met",
    }
    assert "pay_said" not in en
    assert localized(stored, "zh")["pay_explain"] == stored["pay_explain"]
    assert en["pay"] == stored["pay"]


FAILS = """
missing: fail
indicators:
  - {id: work, name: 工作表现, weight: 50%, rule: {type: rated, max: 100}}
  - {id: attitude, name: 服务态度, weight: 50%, rule: {type: rated, max: 100}}
"""


def test_an_agents_notes_are_read_in_the_readers_language(tmp_path: Path) -> None:
    """An agent left unscored for missing data: the note is said once and read in Chinese by
    the agent and in English by an admin (it was written in the scheme's language only)."""
    # b has no rating of either indicator, so with `missing: fail` b is not appraised.
    out = by_id(
        run(
            tmp_path,
            FAILS,
            ratings="agent_id,period,indicator,rater_role,rater_id,value\n"
            "a,2026-10,work,,s1,80\na,2026-10,attitude,,s1,90\n",
            agents="agent_id,name\na,甲\nb,乙\n",
        )
    )
    b = out["b"]
    assert not b.eligible and b.notes == ["缺少数据:工作表现、服务态度"]
    stored = json.loads(json.dumps(result_dict(b, said=True)))
    assert localized(stored, "zh")["notes"] == ["缺少数据:工作表现、服务态度"]
    assert localized(stored, "en")["notes"] == ["missing data: 工作表现, 服务态度"]
    assert "notes_said" not in localized(stored, "en")
