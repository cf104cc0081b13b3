"""The synthetic center: deterministic, canonical, and realistic enough to mean something."""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from appraise.cli import app
from appraise.metrics.generate import (
    AGENTS_FILE,
    MANIFEST,
    generate_center,
    manifest_matches,
)
from appraise.metrics.schema import TABLES

START = date(2026, 10, 1)
# Local midnight of 2026-10-01 in Asia/Shanghai (UTC+8) is 2026-09-30 16:00 UTC.
START_UTC = datetime(2026, 9, 30, 16, tzinfo=UTC)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 agents x 7 days as Parquet, the demo's size."""
    out = tmp_path_factory.mktemp("small")
    generate_center(out, agents=12, days=7, seed=1)
    return out


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 agents x 7 days: enough agents to see them differ."""
    out = tmp_path_factory.mktemp("wide")
    generate_center(out, agents=40, days=7, seed=7)
    return out


def _read(folder: Path, name: str) -> pa.Table:
    return pq.read_table(folder / f"{name}.parquet")


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    for fmt in ("parquet", "csv"):
        a, b = tmp_path / f"a_{fmt}", tmp_path / f"b_{fmt}"
        generate_center(a, agents=5, days=3, seed=42, fmt=fmt)  # type: ignore[arg-type]
        generate_center(b, agents=5, days=3, seed=42, fmt=fmt)  # type: ignore[arg-type]
        assert _digest(a) == _digest(b)


def test_another_seed_writes_other_events(tmp_path: Path) -> None:
    generate_center(tmp_path / "a", agents=5, days=3, seed=1, fmt="csv")
    generate_center(tmp_path / "b", agents=5, days=3, seed=2, fmt="csv")
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a["messages.csv"] != b["messages.csv"]
    assert a["surveys.csv"] != b["surveys.csv"]


def test_every_table_has_exactly_the_canonical_columns(small: Path, tmp_path: Path) -> None:
    for name, table in TABLES.items():
        assert pq.read_schema(small / f"{name}.parquet").names == table.column_names
    generate_center(tmp_path, agents=3, days=2, seed=5, fmt="csv")
    for name, table in TABLES.items():
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == table.column_names


def test_parquet_columns_have_the_canonical_types(small: Path) -> None:
    expected = {
        "string": pa.string(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "bool": pa.bool_(),
        "int": pa.int64(),
        "float": pa.float64(),
        "money": pa.decimal128(18, 2),
        "date": pa.date32(),
    }
    for name, table in TABLES.items():
        schema = pq.read_schema(small / f"{name}.parquet")
        for column in table.columns:
            assert schema.field(column.name).type == expected[column.type], (name, column.name)


def test_row_counts_follow_the_volumes_of_the_design(small: Path) -> None:
    rows = {name: _read(small, name).num_rows for name in TABLES}
    # About 100 conversations per agent per day: 12 x 7 x 100 = 8,400, less the agent on leave and
    # the half-period new hire (10.5 agents' worth: 7,350), give or take the Poisson noise.
    assert 6_000 <= rows["conversations"] <= 9_500
    # About 10 messages per conversation: 1 + 1.9 exchanges of 1.6 customer and 1.35 agent
    # messages, plus bot, system and "thanks" messages.
    assert 8 * rows["conversations"] <= rows["messages"] <= 12 * rows["conversations"]
    # Surveys about 20% of conversations; orders 19% pre-sales (one team of 12 is pre-sales).
    assert 0.15 <= rows["surveys"] / rows["conversations"] <= 0.27
    assert 0.12 <= rows["orders"] / rows["conversations"] <= 0.30
    # One sales target per agent for the one month the week falls in.
    assert rows["targets"] == 12
    # Five scheduled days a week for 11 agents (the new hire only from day 4) plus night shifts
    # of the day before: at most 12 x 7.
    assert 40 <= rows["attendance"] <= 12 * 7 + 12


def test_messages_are_stored_in_conversation_and_time_order(small: Path) -> None:
    m = _read(small, "messages")
    conv = m.column("conversation_id").to_numpy(zero_copy_only=False)
    seq = m.column("seq").to_numpy()
    sent = m.column("sent_at").cast(pa.int64()).to_numpy()
    same = conv[1:] == conv[:-1]
    assert (conv[1:] >= conv[:-1]).all()
    assert (seq[1:][same] == seq[:-1][same] + 1).all()
    assert (sent[1:][same] >= sent[:-1][same]).all()
    assert (seq[1:][~same] == 1).all()


def test_conversations_have_the_shapes_the_metrics_must_handle(small: Path) -> None:
    m = _read(small, "messages").to_pandas()
    c = _read(small, "conversations").to_pandas()
    senders = m.groupby("conversation_id")["sender"].agg(set)
    # Every conversation starts with the customer (or a system message, then the customer).
    assert all("customer" in s for s in senders)
    assert (m["sender"] == "bot").any() and (m["sender"] == "system").any()
    # Some get no agent reply at all, some of those were never assigned.
    no_reply = senders[senders.map(lambda s: "agent" not in s)].index
    assert len(no_reply) > 0
    assert c[c["conversation_id"].isin(no_reply)]["agent_id"].isna().any()
    # Several customer messages before one reply happen.
    first_agent = m[m["sender"] == "agent"].groupby("conversation_id")["seq"].min()
    assert (first_agent > 3).any()
    # Transfers: the receiving agent writes in the conversation.
    moved = c[c["transferred_to"].notna()]
    assert len(moved) > 0
    writers = m[m["sender"] == "agent"].groupby("conversation_id")["agent_id"].agg(set)
    assert any(
        row.transferred_to in writers.get(row.conversation_id, set()) for row in moved.itertuples()
    )
    # Night shifts: some conversations start before the first day (the previous period) and some
    # cross local midnight.
    assert (c["started_at"] < START_UTC).any()
    eight_hours = pd.Timedelta(hours=8)
    started_day = (c["started_at"] + eight_hours).dt.date
    ended_day = (c["ended_at"] + eight_hours).dt.date
    assert (started_day != ended_day).any()


def test_business_hours_carry_most_of_the_traffic(wide: Path) -> None:
    started = _read(wide, "conversations").column("started_at")
    local_hour = pc.hour(
        pc.add(started.cast(pa.timestamp("us")), pa.scalar(8 * 3600 * 10**6, pa.duration("us")))
    )
    hours = local_hour.to_numpy(zero_copy_only=False)
    # Day shifts cover 09:00-22:00 and are 90% of the agents; the night shift is 10% at 0.6 volume.
    assert ((hours >= 9) & (hours < 22)).mean() > 0.85


def test_the_other_tables_carry_their_edge_cases(small: Path) -> None:
    orders = _read(small, "orders").to_pandas()
    assert orders["paid"].any() and (~orders["paid"]).any() and orders["refunded"].any()
    assert set(_read(small, "reviews").column("rating").to_pylist()) == {"good", "medium", "bad"}
    calls = _read(small, "calls").to_pandas()
    assert calls["abandoned"].any()
    assert calls.loc[calls["abandoned"], "answered_at"].isna().all()
    tickets = _read(small, "tickets").to_pandas()
    assert tickets["sla_due_at"].notna().all()
    assert (tickets["resolved_at"] > tickets["sla_due_at"]).any()
    assert {"投诉", "回访"} <= set(tickets["category"])
    attendance = _read(small, "attendance").to_pandas()
    assert attendance["absent"].any() and (attendance["late_minutes"] > 0).any()
    targets = _read(small, "targets").to_pandas()
    assert set(targets["period"]) == {"2026-10"} and set(targets["metric"]) == {"sales"}


def test_the_roster_has_chinese_names_teams_and_supervisors_who_are_not_agents(small: Path) -> None:
    with (small / AGENTS_FILE).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["agent_id", "name", "team", "position", "supervisor_id", "hired_on"]
    ids = {r["agent_id"] for r in rows}
    assert len(ids) == 12
    assert all("\u4e00" <= r["name"][0] <= "\u9fff" for r in rows)
    assert not ids & {r["supervisor_id"] for r in rows}
    # The mid-period hire starts on day 7 // 2 = 3, i.e. 2026-10-04.
    assert "2026-10-04" in {r["hired_on"] for r in rows}
    events = set(_read(small, "conversations").column("agent_id").drop_null().to_pylist())
    assert events <= ids
    # The agent on long leave has no conversations: an agent with no data.
    assert len(ids - events) >= 1


def test_agents_differ_in_csat_response_time_and_absences(wide: Path) -> None:
    surveys = _read(wide, "surveys").to_pandas().dropna(subset=["csat"])
    csat = surveys.assign(good=surveys["csat"] >= 4).groupby("agent_id")["good"].mean() * 100
    assert csat.max() - csat.min() > 15
    m = _read(wide, "messages").to_pandas()
    m = m[m["sender"].isin(["customer", "agent"])]
    prev = m.groupby("conversation_id")["sender"].shift()
    gap = m["sent_at"].diff().dt.total_seconds()
    replies = m.assign(gap=gap)[(m["sender"] == "agent") & (prev == "customer")]
    per_agent = replies.groupby("agent_id")["gap"].median()
    assert per_agent.max() > 2 * per_agent.min()
    absences = _read(wide, "attendance").to_pandas().groupby("agent_id")["absent"].sum()
    assert absences.nunique() > 1


def test_manifest_says_what_the_folder_holds(small: Path) -> None:
    assert (small / MANIFEST).is_file()
    assert manifest_matches(small, agents=12, days=7, seed=1, start=START, fmt="parquet")
    assert not manifest_matches(small, agents=12, days=7, seed=2, start=START, fmt="parquet")
    assert not manifest_matches(small, agents=12, days=7, seed=1, start=START, fmt="csv")


def test_nonsense_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as caught:
        generate_center(tmp_path, agents=0, days=3, seed=1)
    assert caught.value.args[0].code == "generate.sizes"
    assert "at least one agent" in caught.value.args[0].render("en")
    with pytest.raises(ValueError, match="团队数"):
        generate_center(tmp_path, agents=3, days=3, seed=1, teams=4)


def test_generate_command_writes_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "center"
    result = CliRunner().invoke(
        app,
        [
            "generate",
            "--agents",
            "3",
            "--days",
            "2",
            "--seed",
            "9",
            "--out",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 agents x 2 days" in result.output
    assert all((out / f"{name}.csv").is_file() for name in TABLES)
    bad = CliRunner().invoke(app, ["generate", "--out", str(out), "--format", "xml"])
    assert bad.exit_code != 0
