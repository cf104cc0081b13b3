"""A value or rating read by columns keeps its table's Origin and its row number and makes its
Source when read: the same Source, equality, hash, repr, replace and pickle as a record made with
its Source, and every problem found later (loading, scoring) still names file, row and column.
Also the column reader's other shortcuts: its lines counted in bytes, its first rows read line by
line, a file decoded once, a column of one text."""

from __future__ import annotations

import dataclasses
import io
import pickle
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from appraise.inputs import MetricValue, Rating, Source, load_inputs, tables
from appraise.inputs.reading import _line_count, _lines, decode_as, read_csv_columns
from appraise.inputs.records import Origin, from_columns
from appraise.problems import ProblemsError
from appraise.schemes.loader import parse_scheme
from appraise.scoring import score_period

WriteTable = Callable[[str, str], Path]

RATINGS = (
    "agent_id,period,indicator,rater_role,rater_id,value\n"
    "a,2026-10,work,,s1,80\n"
    "b,2026-10,work,,s1,90\n"
)


def _by_rows(folder: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(tables, "read_csv_columns", lambda *a, **k: None)
        return load_inputs(folder)


def test_a_record_read_by_columns_makes_its_source_when_read(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("metric_values.csv", "agent_id,period,metric,value\na,2026-10,csat,90\nb,,csat,80\n")
    write("ratings.csv", RATINGS)
    loaded = load_inputs(inputs_dir)
    by_rows = _by_rows(inputs_dir, monkeypatch)
    second = loaded.metric_values[1]
    # Read by columns: no Source yet, the table's origin and the file row (header row 1).
    assert isinstance(second._at, Origin) and second._row == 3
    assert repr(second) == (
        "MetricValue(agent_id='b', period=None, metric='csat', value=Decimal('80'), "
        "source=Source(file='metric_values.csv', row=3, field=None))"
    )
    made = second.source
    assert made == Source("metric_values.csv", 3) and second.source is made  # made once
    rating = loaded.ratings[0]
    assert isinstance(rating._at, Origin)
    expected = Rating("a", "2026-10", "work", None, "s1", rating.value, Source("ratings.csv", 2))
    assert rating == expected and hash(rating) == hash(expected)
    # Compared and hashed by its source, which is now made and kept.
    assert rating._at == Source("ratings.csv", 2)
    assert loaded == by_rows
    # replace, pickle and asdict see the source as a field.
    moved = dataclasses.replace(rating, rater_id=None)
    assert moved.source == Source("ratings.csv", 2) and moved.rater_id is None
    assert pickle.loads(pickle.dumps(loaded.ratings)) == loaded.ratings
    assert dataclasses.asdict(loaded.ratings[1])["source"] == {
        "file": "ratings.csv",
        "row": 3,
        "field": None,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        rating.source = Source("x", 1)  # type: ignore[misc]


def test_a_wide_table_gives_each_column_its_origin(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row 2 gives csat and aht, row 3 aht alone; each value's Source names its column.
    write("metric_values.csv", "agent_id,period,csat,aht\na,2026-10,90,30\nb,2026-10,,40\n")
    loaded = load_inputs(inputs_dir)
    assert [v.source for v in loaded.metric_values] == [
        Source("metric_values.csv", 2, "csat"),
        Source("metric_values.csv", 2, "aht"),
        Source("metric_values.csv", 3, "aht"),
    ]
    assert loaded == _by_rows(inputs_dir, monkeypatch)


def test_from_columns_takes_an_origin_or_the_sources() -> None:
    built = from_columns(
        MetricValue,
        2,
        (["a", "b"], [None, None], ["m", "m"], ["1", "2"]),
        origin=Origin("f"),
        rows=[4, 5],
    )
    given = from_columns(
        MetricValue,
        2,
        (["a", "b"], [None, None], ["m", "m"], ["1", "2"], [Source("f", 4), Source("f", 5)]),
    )
    assert (
        built
        == given
        == [
            MetricValue("a", None, "m", "1", Source("f", 4)),
            MetricValue("b", None, "m", "2", Source("f", 5)),
        ]
    )
    with pytest.raises(ValueError):
        from_columns(Source, 1, (["f"], [2], [None]), origin=Origin("f"), rows=[2])


SCHEME = """
id: t
name: test
indicators:
  - {id: work, name: 工作表现, weight: 100%, rule: {type: rated, max: 100}}
"""


def test_problems_found_by_scoring_name_the_row_of_a_source_made_late(
    write: WriteTable, inputs_dir: Path
) -> None:
    scheme = parse_scheme(textwrap.dedent(SCHEME), "t.yaml").scheme
    write("agents.csv", "agent_id,name\na,甲\nb,乙\n")
    # File rows: 3 is z, an agent not in agents.csv; 4 rates an indicator the scheme lacks.
    write(
        "ratings.csv",
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "a,2026-10,work,,s1,80\n"
        "z,2026-10,work,,s1,70\n"
        "a,2026-10,不存在,,s1,70\n"
        "b,2026-10,work,,s1,90\n",
    )
    # Row 3: y, not in agents.csv either.
    write(
        "metric_values.csv", "agent_id,period,metric,value\na,2026-10,csat,90\ny,2026-10,csat,8\n"
    )
    loaded = load_inputs(inputs_dir)
    assert all(isinstance(r._at, Origin) for r in loaded.ratings)
    run = score_period(scheme, loaded, "2026-10")
    where = [(p.code, p.file, p.row, p.field) for p in run.warnings]
    assert ("unknown_agent", "metric_values.csv", 3, "agent_id") in where
    assert ("unknown_agent", "ratings.csv", 3, "agent_id") in where
    assert ("unknown_indicator", "ratings.csv", 4, "indicator") in where
    # b's 150 is above the scale's 100: an error at its row (5) and column, by scoring.
    write(
        "ratings.csv",
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "a,2026-10,work,,s1,80\n"
        "a,2026-10,work,,s2,80\n"
        "a,2026-10,work,,s3,80\n"
        "b,2026-10,work,,s1,150\n",
    )
    with pytest.raises(ProblemsError) as raised:
        score_period(scheme, load_inputs(inputs_dir), "2026-10")
    errors = [(p.code, p.file, p.row, p.field) for p in raised.value.errors]
    assert errors == [("bad_value", "ratings.csv", 5, "value")]


def test_a_repeat_found_by_the_load_names_both_rows(write: WriteTable, inputs_dir: Path) -> None:
    # a's csat on rows 2 and 4: the error names row 4 and, in its text, row 2.
    write(
        "metric_values.csv",
        "agent_id,period,metric,value\na,2026-10,csat,90\nb,2026-10,csat,80\na,2026-10,csat,70\n",
    )
    with pytest.raises(ProblemsError) as raised:
        load_inputs(inputs_dir)
    (error,) = raised.value.errors
    assert (error.code, error.file, error.row, error.field) == (
        "duplicate_value",
        "metric_values.csv",
        4,
        "metric",
    )
    assert "metric_values.csv row 2" in error.render("en")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a,b\n",
        "a,b\r\n1,2\r\n3,4\r\n",
        "a,b\n1,2\n3,4",
        "a,b\n1,2\n\n\n",
        "a,b\r\n1,2\r\n \r\n\u3000\r\n",  # blank lines and an ideographic space at the end
        "a,b\n1,\u5ba2\u670d\n2,3\n",
        "a,b\r1,2\r3,4\r",  # bare carriage returns: the lines of str.splitlines
        "a,b\n1,2\r3,4\n",
        "a,b\n1,\x0c2\n",  # a form feed: str.splitlines ends a line there
        "a,b\n1,2\u2028x\n",
        "a,b\n\n1,2\n",
    ],
)
def test_lines_are_counted_alike_in_bytes_and_in_text(text: str) -> None:
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    assert _line_count(text) == _line_count(text, text.encode()) == len(lines)


@pytest.mark.parametrize(
    "text", ["a,b\r\n1,2\r\n", "a,b\n1,2", 'a,"x\ny",b\r\n1\r2\r\n\r\n', "", "\n\n", "a\u2028b\n"]
)
def test_the_first_rows_are_read_line_by_line_as_from_a_string_io(text: str) -> None:
    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


def test_a_file_is_decoded_once_and_its_utf8_kept() -> None:
    problems: list[object] = []
    assert decode_as("客服,1\n".encode(), "auto", "f", problems) == ("客服,1\n", "utf-8")  # type: ignore[arg-type]
    assert decode_as("客服".encode("gbk"), "auto", "f", problems) == ("客服", "gb18030")  # type: ignore[arg-type]
    bom = "\ufeff客服".encode()
    assert decode_as(bom, "auto", "f", problems) == ("客服", "utf-8-sig")  # type: ignore[arg-type]
    assert decode_as(bom, "utf-8", "f", problems) == ("客服", "utf-8-sig")  # type: ignore[arg-type]
    assert problems == []


def test_a_column_of_one_text_reads_as_an_encoded_one() -> None:
    # period is 2026-10 on every row; metric is csat on the first and last rows only.
    text = "agent_id,period,metric,value\nA1,2026-10,csat,1\nA2,2026-10,aht,2\nA3,2026-10,csat,3\n"
    read = read_csv_columns(text, tables._CANONICAL, "m.csv", ())
    assert read is not None
    frame, _ = read
    period, metric = frame.columns[1], frame.columns[2]
    assert period.texts == ["2026-10"] and list(period.codes) == [0, 0, 0]
    assert period.rows() == ["2026-10"] * 3 and period.matching("^2026") == ["2026-10"]
    assert metric.texts == ["csat", "aht"] and list(metric.codes) == [0, 1, 0]
