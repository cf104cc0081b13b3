"""A scheme defines its own metrics (issue 10): under `metrics:` in the metric language, or in a
file it names under `include_metrics:`; checked at file:line; scored from events.

The store is test_metrics_define_cli.py's (Asia/Shanghai): a1's first messages at 08:00:00 (reply
after 180 s), 10:00:00 (200 s), 07:59:59 the day before (20 s), 11:00 the next day (none).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_metrics_define_cli import DEFINED, _store
from typer.testing import CliRunner

from appraise.cli import app
from appraise.problems import ProblemsError
from appraise.schemes.loader import load_scheme, parse_scheme, scheme_definitions

# DEFINED's one definition (already indented as a list entry), without its `metrics:` line.
ENTRY = DEFINED.split("\n", 1)[1]
HEAD = """\
id: own-metric
name: 方案自定义口径
indicators:
  - id: reply
    name: 首响及时
    weight: 100%
    rule: {type: bands, metric: 200秒回复率, bands: [{range: ">= 90", score: 100}, {range: "< 90", score: 50}]}
"""


def _score(tmp_path: Path, scheme: str) -> dict[str, object]:
    store = _store(tmp_path)
    (tmp_path / "s.yaml").write_text(scheme, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["score", str(tmp_path / "s.yaml"), "--data", str(store), "--period", "2026-10",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (a1,) = json.loads(result.stdout)["results"]
    return {i["id"]: i for i in a1["indicators"]}["reply"]  # type: ignore[no-any-return]


def test_a_metric_defined_in_the_scheme_is_computed_and_named_by_its_chinese_name(
    tmp_path: Path,
) -> None:
    reply = _score(tmp_path, HEAD + "metrics:\n" + ENTRY)
    # 07:59:59 is outside 08:00-24:00; of 180 s, 200 s and never: 2 of 3 within 200 s = 66.67 %
    # -> band "< 90" -> 50. The rule named the metric by its Chinese name 200秒回复率.
    assert reply["value"] == pytest.approx(200 / 3)
    assert reply["score"] == 50


def test_an_included_file_of_definitions_is_read_beside_the_scheme(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "kpis.yaml").write_text(DEFINED, encoding="utf-8")
    reply = _score(tmp_path, HEAD + "include_metrics: [shared/kpis.yaml]\n")
    assert reply["value"] == pytest.approx(200 / 3)


def test_the_scheme_keeps_the_checked_definition() -> None:
    loaded = parse_scheme(HEAD + "metrics:\n" + ENTRY, "s.yaml")
    (d,) = scheme_definitions(loaded.scheme)
    assert (d.id, d.name, d.aggregate) == ("reply_within_200s", "200秒回复率", "share")
    (decl,) = loaded.scheme.metrics
    assert (decl.id, decl.name, decl.unit) == ("reply_within_200s", "200秒回复率", "percent")


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        # HEAD is 7 lines; line 8 is `metrics:`, then the entry: 9 id, 10 name, 11 name_en,
        # 12 unit, 13 description, 14 from, 15 where, 16 its condition, 17 window,
        # 18 aggregate, 19 test.
        (("aggregate: share", "aggregate: sharee"), 18, "aggregate"),
        (("le: 200", "le: soon"), 19, "le"),
        (("from: conversations", "from: chats"), 14, "chats"),
        (("id: reply_within_200s", "id: aht"), 9, "already in the built-in library"),
    ],
)
def test_a_bad_definition_in_the_scheme_is_refused_at_its_line(
    change: tuple[str, str], line: int, words: str
) -> None:
    text = HEAD + "metrics:\n" + ENTRY.replace(*change)
    with pytest.raises(ProblemsError) as err:
        parse_scheme(text, "s.yaml")
    found = [(p.file, p.line) for p in err.value.problems if words in p.message]
    assert ("s.yaml", line) in found, err.value.problems


def test_an_included_file_that_is_missing_or_bad_is_named(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(HEAD + "include_metrics: [nowhere.yaml]\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as err:
        load_scheme(tmp_path / "s.yaml")
    assert any("nowhere.yaml" in (p.file or "") for p in err.value.problems)
    (tmp_path / "bad.yaml").write_text(DEFINED.replace("le: 200", "le: soon"), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(HEAD + "include_metrics: [bad.yaml]\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as err:
        load_scheme(tmp_path / "s.yaml")
    line = DEFINED.splitlines().index("    test: {duration: {from: first_customer_at, to: "
                                      "first_reply_at}, le: 200}") + 1  # fmt: skip
    assert (str(tmp_path / "bad.yaml"), line) in [(p.file, p.line) for p in err.value.problems]


def test_a_stored_scheme_cannot_include_a_file() -> None:
    with pytest.raises(ProblemsError) as err:
        parse_scheme(HEAD + "include_metrics: [kpis.yaml]\n", "s.yaml")
    (problem,) = err.value.problems
    assert (problem.code, problem.line) == ("include_without_folder", 8)
