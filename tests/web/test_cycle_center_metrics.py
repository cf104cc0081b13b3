"""A cycle's raw events with a center.yaml: the center's own metric definitions are computed for
the scheme, as `appraise score --data` does (issue 10). The conversations are those of
tests/metrics/test_metrics_define_cli.py, written as the canonical CSVs in local time."""

from __future__ import annotations

import pytest

from appraise.periods import Period
from appraise.problems import ProblemsError
from appraise.schemes.loader import parse_scheme
from appraise.web.cycles.scoring import read_files

CENTER = """\
timezone: Asia/Shanghai
metrics:
  - id: reply_within_200s
    name: 200秒回复率
    name_en: Reply within 200 s
    unit: percent
    description: Share of conversations with a first reply within 200 s, 08:00-24:00.
    from: conversations
    where:
      - {column: has_customer, is: true}
    window: {on: first_customer_at, daily: ["08:00-24:00"]}
    aggregate: share
    test: {duration: {from: first_customer_at, to: first_reply_at}, le: 200}
""".encode()
SCHEME = """\
id: center-metric
name: 中心口径
metrics:
  - {id: reply_within_200s, name: 200秒回复率, unit: percent}
indicators:
  - id: reply
    name: 首响及时
    weight: 100%
    rule: {type: bands, metric: reply_within_200s, bands: [{range: ">= 90", score: 100}, {range: "< 90", score: 50}]}
"""
CONVERSATIONS = b"""conversation_id,agent_id,started_at
c1,a1,2026-10-05 08:00:00
c2,a1,2026-10-05 10:00:00
c3,a1,2026-10-04 07:59:59
c4,a1,2026-10-06 11:00:00
"""
MESSAGES = b"""conversation_id,sent_at,sender,agent_id,seq
c1,2026-10-05 08:00:00,customer,,0
c1,2026-10-05 08:03:00,agent,a1,1
c2,2026-10-05 10:00:00,customer,,0
c2,2026-10-05 10:03:20,agent,a1,1
c3,2026-10-04 07:59:59,customer,,0
c3,2026-10-04 08:00:19,agent,a1,1
c4,2026-10-06 11:00:00,customer,,0
"""


def _files(center: bytes) -> dict[str, bytes]:
    return {
        "center.yaml": center,
        "events/conversations.csv": CONVERSATIONS,
        "events/messages.csv": MESSAGES,
    }


def test_the_centers_metric_is_computed_from_the_cycles_events() -> None:
    scheme = parse_scheme(SCHEME, "s.yaml").scheme
    _, computed = read_files(scheme, Period.parse("2026-10"), _files(CENTER))
    # c3 (07:59:59) is outside 08:00-24:00; c1 180 s and c2 200 s are within 200 s, c4 never
    # answered: 2 of 3.
    assert computed is not None
    assert computed["a1"]["reply_within_200s"] == pytest.approx(200 / 3)


def test_a_bad_definition_in_the_uploaded_center_yaml_is_named_by_its_file_and_line() -> None:
    scheme = parse_scheme(SCHEME, "s.yaml").scheme
    bad = CENTER.replace(b"aggregate: share", b"aggregate: sharee")
    with pytest.raises(ProblemsError) as err:
        read_files(scheme, Period.parse("2026-10"), _files(bad))
    (problem,) = err.value.problems
    assert (problem.file, problem.line) == ("center.yaml", 12)  # the aggregate line


def test_a_metric_the_scheme_defines_is_computed_from_the_cycles_events() -> None:
    # The same definition under the scheme's own metrics:, and no center.yaml: 2 of 3 again.
    entry = CENTER.decode().split("metrics:\n", 1)[1]
    text = SCHEME.replace(
        "metrics:\n  - {id: reply_within_200s, name: 200秒回复率, unit: percent}\n",
        "metrics:\n" + entry,
    )
    scheme = parse_scheme(text, "s.yaml").scheme
    files = {k: v for k, v in _files(CENTER).items() if k != "center.yaml"}
    _, computed = read_files(scheme, Period.parse("2026-10"), files)
    assert computed is not None
    assert computed["a1"]["reply_within_200s"] == pytest.approx(200 / 3)
