import re
from datetime import date

import pytest

from appraise.messages import Message
from appraise.periods import Period


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-10", "month", date(2026, 10, 1), date(2026, 11, 1)),
        ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026-H1", "half", date(2026, 1, 1), date(2026, 7, 1)),
        ("2026-H2", "half", date(2026, 7, 1), date(2027, 1, 1)),
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1)),
        # ISO week 41 of 2026 starts on Monday 5 October 2026.
        ("2026-W41", "week", date(2026, 10, 5), date(2026, 10, 12)),
        ("2026-10-05", "day", date(2026, 10, 5), date(2026, 10, 6)),
    ],
)
def test_parse_each_kind(text: str, kind: str, start: date, end: date) -> None:
    p = Period.parse(text)
    assert (p.kind, p.start, p.end) == (kind, start, end)
    assert str(p) == text


def test_previous_crosses_year_boundary() -> None:
    assert str(Period.parse("2026-01").previous()) == "2025-12"
    assert str(Period.parse("2026-Q1").previous()) == "2025-Q4"
    assert str(Period.parse("2026-W01").previous()) == "2025-W52"
    assert str(Period.parse("2026-H1").previous()) == "2025-H2"
    assert str(Period.containing(date(2026, 6, 30), "half")) == "2026-H1"


def test_contains() -> None:
    q = Period.parse("2026-Q4")
    assert q.contains(Period.parse("2026-11"))
    assert not q.contains(Period.parse("2026-09"))
    assert q.contains(date(2026, 12, 31))


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "2026-H3", "26-10", "October", "2026-02-30"])
def test_bad_periods_say_what_is_accepted(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        Period.parse(bad)
    said = caught.value.args[0]
    assert isinstance(said, Message) and said.code in ("period.bad", "period.not_real")
    assert said.render("en").startswith(f"period {bad!r} is not")
    assert said.render("zh").startswith(f"周期 {bad!r}")
    # The English words of the message do not leak into the Chinese one.
    assert not re.search(r"\b(month|quarter|half|year|is not)\b", said.render("zh").split(":")[0])
