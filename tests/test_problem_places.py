"""Where a problem is, as a reader reads it: ``file:row 3:field`` is the program's form (the API,
stored warnings); a page in Chinese says ``file:第 3 行:field``."""

from __future__ import annotations

import pytest

from appraise.messages import reading
from appraise.problems import Problem, place_of


@pytest.mark.parametrize(
    ("where", "zh"),
    [
        ("agents.csv:row 3:team", "agents.csv:第 3 行:team"),
        ("agents.csv:row 12", "agents.csv:第 12 行"),
        ("row 7", "第 7 行"),
        # A file whose name starts with "row " keeps its name; only the row is said.
        ("row 3.csv:row 4:name", "row 3.csv:第 4 行:name"),
        ("kpis.yaml:12", "kpis.yaml:12"),  # a line of a YAML file: a number in both
        ("", ""),
    ],
)
def test_a_stored_where_is_said_in_the_readers_language(where: str, zh: str) -> None:
    assert place_of(where, "zh") == zh
    assert place_of(where, "en") == where


def test_a_problems_place_is_its_stored_where_said_the_same_way() -> None:
    p = Problem("error", "missing_value", "name is empty", file="名单.csv", row=4, field="name")
    with reading("zh"):
        assert p.place == place_of(p.where) == "名单.csv:第 4 行:name"
    with reading("en"):
        assert p.place == p.where == "名单.csv:row 4:name"
