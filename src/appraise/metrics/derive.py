"""Per-conversation facts, derived once from the messages so that metrics never sort them again.

Sorting 30 million messages by conversation and time is most of the cost of the chat metrics.
It happens here, once per import (or once per connection when the store has no facts yet), in a
single window pass that numbers each message by how many agent messages came before it:

* customer messages with ``k`` agent messages before them form run ``k``, and the agent message
  with ``k`` agent messages before it is the reply to that run, so a GROUP BY on
  ``(conversation, k)`` yields every run with its start and its reply, with no self-join;
* the first response is the reply to the first run that has a customer message: replies grow with
  ``k`` and only the last run can be unanswered, so it is a plain ``min``.

Two tables result. ``reply_facts``: one row per conversation and replying agent (answered runs,
exact business microseconds of reply time, message counts). ``conversation_facts``: one row per
conversation with everything the conversation metrics read (the conversation's channel and
queue and its first customer message and first reply instants too, for definitions that filter
or window on them). Business time uses the center's
calendar (see :mod:`appraise.metrics.calendar`), so the facts record which configuration they were
derived with and are derived again when it, or the data, changes.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from appraise.metrics.calendar import MICROS_PER_MINUTE, MinuteTable, minute_table
from appraise.metrics.config import CenterConfig

FACTS_VERSION = 3
CALENDAR_TABLE = "cal_minutes"
META_TABLE = "conversation_facts_meta"


def _diff_us(a: str, b: str, native: bool) -> str:
    # DuckDB computes date_diff on TIMESTAMPTZ through ICU calendars (~350 ns a row); the
    # instants are integers underneath, so native DuckDB SQL subtracts them. Spark gets the
    # portable form (sqlglot does not translate epoch_us).
    if native:
        return f"(epoch_us({b}) - epoch_us({a}))"
    return f"date_diff('microsecond', {a}, {b})"


def bus_us_expr(
    a: str, b: str, cal_a: str | None, cal_b: str | None, *, native: bool = False
) -> str:
    """Exact business microseconds from ``a`` to ``b``.

    With no calendar it is the plain difference. With one, ``cal_a``/``cal_b`` are aliases of
    ``cal_minutes`` rows joined on the minutes of ``a`` and ``b``; business time before an instant
    is the minute's running total plus, in an open minute, the time since the minute began.
    ``native``: DuckDB-only SQL, same integers (see :func:`_diff_us`).
    """
    if cal_a is None or cal_b is None:
        return _diff_us(a, b, native)

    def before(t: str, cal: str) -> str:
        since = (
            f"(epoch_us({t}) - {cal}.minute_us)"
            if native
            else _diff_us(f"{cal}.minute_start", t, False)
        )
        return f"({cal}.cum_us + CASE WHEN {cal}.is_open THEN {since} ELSE 0 END)"

    return f"({before(b, cal_b)} - {before(a, cal_a)})"


def cal_join(alias: str, t: str, *, native: bool = False) -> str:
    """Join the calendar minute holding instant ``t``; native DuckDB SQL joins on integers."""
    if native:
        us = f"epoch_us({t})"
        minute = (
            f"({us} - (({us} % {MICROS_PER_MINUTE}) + {MICROS_PER_MINUTE}) % {MICROS_PER_MINUTE})"
        )
        return f"LEFT JOIN {CALENDAR_TABLE} AS {alias} ON {alias}.minute_us = {minute}"
    return (
        f"LEFT JOIN {CALENDAR_TABLE} AS {alias} ON {alias}.minute_start = date_trunc('minute', {t})"
    )


def runs_sql() -> str:
    """One row per run: its conversation, first customer message, reply, replying agent, size.

    The window form, for Spark (and as the definition the DuckDB pass is checked against): each
    message is numbered by how many agent messages precede it in its conversation, so run ``k``
    is the customer messages numbered ``k`` plus the agent message numbered ``k``.
    """
    return """
WITH m AS (
    SELECT conversation_id, sent_at, coalesce(seq, 0) AS seq, sender = 'agent' AS is_agent,
        nullif(agent_id, '') AS agent_id
    FROM messages
    WHERE sender IN ('customer', 'agent')
),
k AS (
    SELECT conversation_id, sent_at, is_agent, agent_id,
        coalesce(sum(CASE WHEN is_agent THEN 1 ELSE 0 END) OVER (
            PARTITION BY conversation_id ORDER BY sent_at, seq, is_agent
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS k
    FROM m
)
SELECT conversation_id,
    min(sent_at) FILTER (WHERE NOT is_agent) AS run_start,
    min(sent_at) FILTER (WHERE is_agent) AS reply_at,
    min(agent_id) FILTER (WHERE is_agent) AS reply_agent,
    count(*) AS n
FROM k
GROUP BY conversation_id, k
"""


def reply_facts_sql(with_calendar: bool) -> str:
    """From ``message_runs``: one row per conversation and replying agent.

    A NULL agent stands for an unanswered last run or agent messages without an agent id; the
    metrics credit it to the conversation's owner.
    """
    if with_calendar:
        bus = bus_us_expr("r.run_start", "r.reply_at", "ca", "cb")
        joins = cal_join("ca", "r.run_start") + "\n" + cal_join("cb", "r.reply_at")
    else:
        bus = bus_us_expr("r.run_start", "r.reply_at", None, None)
        joins = ""
    return f"""
SELECT r.conversation_id,
    r.reply_agent AS agent_id,
    count(*) FILTER (WHERE r.run_start IS NOT NULL AND r.reply_at IS NOT NULL) AS runs,
    sum({bus}) FILTER (WHERE r.run_start IS NOT NULL AND r.reply_at IS NOT NULL) AS reply_us
FROM message_runs AS r
{joins}
GROUP BY r.conversation_id, r.reply_agent
"""


def conversation_messages_sql() -> str:
    """From ``message_runs``: one row per conversation with customer or agent messages."""
    return """
SELECT conversation_id,
    sum(n) AS n_messages,
    min(run_start) AS first_customer_at,
    min(reply_at) FILTER (WHERE run_start IS NOT NULL) AS first_reply_at
FROM message_runs
GROUP BY conversation_id
"""


def conversation_facts_sql(
    with_calendar: bool, *, native: bool = False, only: str | None = None
) -> str:
    """One row per conversation: who owns it, who ended with it, and its exact durations.

    Reads ``conversation_messages`` (message counts, first customer message, first reply).
    ``native``: DuckDB-only SQL with the same results (see :func:`_diff_us`). ``only``: a table
    of ``conversation_id`` values; just those conversations.
    """
    n = native
    conversations = (
        "conversations"
        if only is None
        else "(SELECT * FROM conversations "
        f"WHERE conversation_id IN (SELECT conversation_id FROM {only}))"
    )
    if with_calendar:
        first = bus_us_expr("r.first_customer_at", "r.first_reply_at", "c1", "c2", native=n)
        resolution = bus_us_expr("c.started_at", "c.ended_at", "c3", "c4", native=n)
        joins = "\n".join(
            [
                cal_join("c1", "r.first_customer_at", native=n),
                cal_join("c2", "r.first_reply_at", native=n),
                cal_join("c3", "c.started_at", native=n),
                cal_join("c4", "c.ended_at", native=n),
            ]
        )
    else:
        first = bus_us_expr("r.first_customer_at", "r.first_reply_at", None, None, native=n)
        resolution = bus_us_expr("c.started_at", "c.ended_at", None, None, native=n)
        joins = ""
    return f"""
SELECT c.conversation_id,
    nullif(c.agent_id, '') AS owner_id,
    coalesce(nullif(c.transferred_to, ''), nullif(c.agent_id, '')) AS final_id,
    nullif(c.customer_id, '') AS customer_id,
    nullif(c.channel, '') AS channel,
    nullif(c.queue, '') AS queue,
    c.started_at,
    coalesce(c.resolved, false) AS resolved,
    coalesce(c.reopened, false) AS reopened,
    nullif(c.transferred_to, '') IS NOT NULL AS transferred,
    coalesce(r.n_messages, 0) AS n_messages,
    r.first_customer_at IS NOT NULL AS has_customer,
    r.first_customer_at,
    r.first_reply_at,
    CASE WHEN r.first_reply_at IS NOT NULL THEN {first} END AS first_response_us,
    CASE WHEN coalesce(c.resolved, false) AND c.ended_at >= c.started_at
        THEN {resolution} END AS resolution_us
FROM {conversations} AS c
LEFT JOIN conversation_messages AS r ON r.conversation_id = c.conversation_id
{joins}
"""


# Epoch microseconds: TIMESTAMPTZ values do not convert to Python without pytz.
CALENDAR_BOUNDS_SQL = """
SELECT epoch_us(min(lo)), epoch_us(max(hi)) FROM (
    SELECT min(started_at) AS lo, max(coalesce(ended_at, started_at)) AS hi FROM conversations
    UNION ALL
    SELECT min(sent_at) AS lo, max(sent_at) AS hi FROM messages
) AS b
"""


def calendar_minutes(config: CenterConfig, lo_us: int | None, hi_us: int | None) -> MinuteTable:
    """The minute table between the earliest and latest instant (epoch microseconds) looked up."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    lo = epoch + timedelta(microseconds=lo_us or 0)
    hi = epoch + timedelta(microseconds=hi_us or 0)
    return minute_table(config, lo, max(lo, hi))


def calendar_arrow(config: CenterConfig, lo_us: int | None, hi_us: int | None) -> pa.Table:
    """:func:`calendar_minutes` as the table both engines join."""
    return calendar_minutes(config, lo_us, hi_us).to_arrow()


# --- the ordered pass (DuckDB) -----------------------------------------------------------------

# Customer and agent messages as the pass reads them. With no ORDER BY the rows come in storage
# order, which the importer makes (conversation_id, sent_at, seq, customer before agent); the
# pass checks every adjacent pair and asks DuckDB to sort only when the check fails.
# The senders whose messages the pass reads.
PASS_SENDERS = ("customer", "agent")
_PASS_SQL = f"""
SELECT conversation_id, epoch_us(sent_at) AS t, coalesce(seq, 0) AS seq,
    sender = 'agent' AS is_agent, nullif(agent_id, '') AS agent_id
FROM messages
WHERE sender IN {PASS_SENDERS!r} AND conversation_id IS NOT NULL AND sent_at IS NOT NULL
"""
_PASS_ORDER = " ORDER BY conversation_id, t, seq, is_agent"
# Rows handed to numpy at a time: big enough that per-block overhead vanishes, small enough that
# a month of messages never sits in memory at once.
PASS_BLOCK_ROWS = 2_000_000
_NONE = np.iinfo(np.int64).max
_TS = pa.timestamp("us", tz="UTC")

REPLY_PARTS_SCHEMA = pa.schema(
    [
        ("conversation_id", pa.string()),
        ("agent_id", pa.string()),
        ("runs", pa.int64()),
        ("reply_us", pa.int64()),
    ]
)
CONVERSATION_MESSAGES_SCHEMA = pa.schema(
    [
        ("conversation_id", pa.string()),
        ("n_messages", pa.int64()),
        ("first_customer_at", _TS),
        ("first_reply_at", _TS),
    ]
)


class _OutOfOrder(Exception):
    """The messages are not in storage order; the pass is run again on sorted rows."""


class DuplicateKeys(Exception):
    """Two messages of one sender in :data:`PASS_SENDERS` share their key (conversation,
    sent_at, sender, seq): found by ``check_keys``, which the importer asks for instead of
    counting those keys itself."""


@dataclass(frozen=True, slots=True)
class _Clock:
    """Business microseconds before an instant, B(t), from the minute table: the same integer
    arithmetic as :func:`bus_us_expr`, so both forms give the same bits."""

    minutes: MinuteTable | None

    def before(self, t: np.ndarray) -> np.ndarray:
        if self.minutes is None:
            return t
        minute = t // MICROS_PER_MINUTE
        i = minute - self.minutes.first_minute
        inside = np.where(self.minutes.is_open[i], t - minute * MICROS_PER_MINUTE, 0)
        return np.asarray(self.minutes.cum_us[i] + inside, dtype=np.int64)


def _array(column: pa.ChunkedArray) -> pa.Array:
    # combine_chunks copies even a single chunk
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


# pyarrow's conversions between Arrow and Python or numpy objects (pa.array, pa.scalar,
# to_numpy, a Python value in a compute call) import pandas on their first use, to check whether
# they were handed a pandas object: some 0.25 CPU s in every import, a module the pass never
# uses (the plain DuckDB load the import is measured against never loads it). The pass moves
# its columns through their buffers instead: fixed-width values, and booleans.
_NUMPY_TYPES = {
    pa.int64(): np.int64,
    pa.int32(): np.int32,
    pa.int16(): np.int16,
    pa.int8(): np.int8,
}


def _to_numpy(column: pa.Array | pa.ChunkedArray, null: int | None = None) -> np.ndarray:
    """The values of an integer or boolean array; a null is ``null`` (None: there is none)."""
    array = _array(column) if isinstance(column, pa.ChunkedArray) else column
    n, offset = len(array), array.offset
    validity, data = array.buffers()[:2]
    if n == 0:
        values: np.ndarray = np.zeros(0, dtype=_NUMPY_TYPES.get(array.type, np.bool_))
    elif pa.types.is_boolean(array.type):
        bits = np.frombuffer(data, dtype=np.uint8)
        values = np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(np.bool_)
    else:
        dtype = np.dtype(_NUMPY_TYPES[array.type])
        values = np.frombuffer(data, dtype=dtype, count=n, offset=offset * dtype.itemsize)
    if array.null_count:
        if null is None:
            raise AssertionError("unexpected nulls")  # the pass's SQL leaves none
        bits = np.frombuffer(validity, dtype=np.uint8)
        valid = np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(np.bool_)
        values = np.where(valid, values, null)
    return values


def _from_numpy(
    values: np.ndarray, type_: pa.DataType | None = None, mask: np.ndarray | None = None
) -> pa.Array:
    """``pa.array(values, type_, mask=mask)`` of 64-bit integers (``type_``: int64, or one
    stored as them), through their buffer."""
    type_ = pa.int64() if type_ is None else type_
    data = np.ascontiguousarray(values, dtype=np.int64)
    validity, nulls = None, 0
    if mask is not None and (nulls := int(np.count_nonzero(mask))):
        validity = pa.py_buffer(np.packbits(~mask, bitorder="little"))
    return pa.Array.from_buffers(type_, len(data), [validity, pa.py_buffer(data)], null_count=nulls)


def _strings(column: pa.ChunkedArray) -> pa.Array:
    array = _array(column)
    return array.cast(pa.string()) if array.type != pa.string() else array


def _block(
    table: pa.Table, previous_id: str | None, clock: _Clock, check_keys: bool = False
) -> tuple[pa.Table, pa.Table]:
    """Reply parts and per-conversation message facts of whole conversations in stream order.

    Raises :class:`_OutOfOrder` when a conversation is not contiguous or its messages are not
    ordered by (sent_at, seq, customer before agent). ``check_keys``: raises
    :class:`DuplicateKeys` when two neighbours share their key; in this order two rows with one
    key are always neighbours, as the key is the order's columns.
    """
    n = table.num_rows
    conv = _strings(table.column("conversation_id"))
    t = _to_numpy(table.column("t"))
    seq = _to_numpy(table.column("seq"))
    is_agent = _to_numpy(table.column("is_agent"))
    agents = _array(table.column("agent_id")).dictionary_encode()
    code = np.where(is_agent, _to_numpy(agents.indices, null=-1), -1).astype(np.int64)

    first = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = _to_numpy(pc.not_equal(conv.slice(1), conv.slice(0, n - 1)))
    starts = np.flatnonzero(first)
    ids = conv.take(_from_numpy(starts))
    # Order: conversations strictly ascending (so each is contiguous), and inside each one
    # (sent_at, seq, is_agent) never decreasing.
    if previous_id is not None and not ids[0].as_py() > previous_id:
        raise _OutOfOrder
    if len(ids) > 1 and pc.any(pc.less_equal(ids.slice(1), ids.slice(0, len(ids) - 1))).as_py():
        raise _OutOfOrder
    same = ~first[1:]
    t0, t1, s0, s1, a0, a1 = t[:-1], t[1:], seq[:-1], seq[1:], is_agent[:-1], is_agent[1:]
    back = (t1 < t0) | ((t1 == t0) & ((s1 < s0) | ((s1 == s0) & a0 & ~a1)))
    if np.any(same & back):
        raise _OutOfOrder
    if check_keys and np.any(same & (t1 == t0) & (s1 == s0) & (a1 == a0)):
        raise DuplicateKeys

    # The previous message of the same conversation: an agent's, or a customer's.
    after_agent = np.zeros(n, dtype=bool)
    after_agent[1:] = same & a0
    after_customer = np.zeros(n, dtype=bool)
    after_customer[1:] = same & ~a0
    reply = is_agent & after_customer
    run_start = ~is_agent & ~after_customer
    previous_code = np.full(n, -2, dtype=np.int64)
    previous_code[1:] = code[:-1]
    # Rows that decide which (conversation, agent) rows exist: an agent message that does not
    # follow the same agent's message, and a conversation's last message when it is a
    # customer's (its unanswered run belongs to nobody, i.e. to the owner).
    last = np.zeros(n, dtype=bool)
    last[starts[1:] - 1] = True
    last[-1] = True
    trailing = last & ~is_agent
    kept = np.flatnonzero((is_agent & (~after_agent | (code != previous_code))) | trailing)

    # Each reply answers the run begun by the latest run start before it.
    # (A reply follows a customer message of its conversation, so that run start is in it.)
    replies = np.flatnonzero(reply)
    run_starts = np.flatnonzero(run_start)
    run_at = run_starts[np.searchsorted(run_starts, replies, side="right") - 1]
    gap = np.zeros(n, dtype=np.int64)
    gap[replies] = clock.before(t[replies]) - clock.before(t[run_at])

    # One row per (conversation, agent): kept rows sorted by that key (stable, so stream order
    # within a key), then summed per key.
    conv_index = np.cumsum(first) - 1
    key = conv_index[kept] * (len(agents.dictionary) + 1) + code[kept] + 1
    order = np.argsort(key, kind="stable")
    rows = kept[order]
    key = key[order]
    key_change = np.ones(len(rows), dtype=bool)
    key_change[1:] = key[1:] != key[:-1]
    segment = np.flatnonzero(key_change)
    runs = np.add.reduceat(reply[rows].astype(np.int64), segment) if len(rows) else rows
    reply_us = np.add.reduceat(gap[rows], segment) if len(rows) else rows
    seg_code = code[rows[segment]]
    parts = pa.table(
        {
            "conversation_id": ids.take(_from_numpy(conv_index[rows[segment]])),
            "agent_id": agents.dictionary.cast(pa.string()).take(
                _from_numpy(seg_code, mask=seg_code < 0)
            ),
            "runs": _from_numpy(runs),
            "reply_us": _from_numpy(reply_us, mask=runs == 0),
        },
        schema=REPLY_PARTS_SCHEMA,
    )

    n_messages = np.diff(np.append(starts, n))
    first_customer = np.minimum.reduceat(np.where(is_agent, _NONE, t), starts)
    first_reply = np.minimum.reduceat(np.where(reply, t, _NONE), starts)
    messages = pa.table(
        {
            "conversation_id": ids,
            "n_messages": _from_numpy(n_messages),
            "first_customer_at": _from_numpy(first_customer, _TS, first_customer == _NONE),
            "first_reply_at": _from_numpy(first_reply, _TS, first_reply == _NONE),
        },
        schema=CONVERSATION_MESSAGES_SCHEMA,
    )
    return parts, messages


class _Spool:
    """Tables of one schema written block by block to an Arrow stream file, read back as one
    stream: the pass's output grows with the month (some 100 bytes a conversation), and held in
    Python it was the part of an import's peak memory outside DuckDB's budget that grew."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._sink = pa.OSFile(str(path), "wb")
        self._writer: pa.ipc.RecordBatchStreamWriter | None = pa.ipc.new_stream(self._sink, schema)

    def write(self, table: pa.Table) -> None:
        assert self._writer is not None, "spool closed"
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        """Finish the stream and the file (again: nothing)."""
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None

    def reader(self) -> pa.RecordBatchReader:
        """The tables written, in order, one block at a time (call :meth:`close` first)."""
        return pa.ipc.open_stream(pa.OSFile(str(self.path)))


def _spooled_pass(
    conn: Any,
    clock: _Clock,
    folder: Path,
    *,
    block_rows: int,
    sort: bool,
    only: str | None,
    check_keys: bool,
) -> tuple[_Spool, _Spool]:
    """:func:`ordered_pass` into two closed spools in ``folder``: reply parts, message facts."""
    # The relation API refuses to start while an execute() result is open; finish it unread.
    conn.complete()
    where = f" AND conversation_id IN (SELECT conversation_id FROM {only})" if only else ""
    if only and not sort:
        # A semi-join would lose the storage order. When the ids between the least and the
        # greatest touched one are all touched (a new month's or day's conversations, stored
        # whole after the others), those rows are read in storage order, the row groups
        # outside skipped by their zone maps; else the touched conversations are sorted.
        ((lo, hi),) = conn.execute(
            f"SELECT min(conversation_id), max(conversation_id) FROM {only}"
        ).fetchall()
        span = f" AND conversation_id BETWEEN {_quote(lo or '')} AND {_quote(hi or '')}"
        others = (
            f"SELECT 1 FROM messages WHERE conversation_id IS NOT NULL{span} "
            f"AND conversation_id NOT IN (SELECT conversation_id FROM {only} "
            "WHERE conversation_id IS NOT NULL)"
        )
        ((untouched,),) = conn.execute(f"SELECT EXISTS ({others})").fetchall()
        conn.complete()
        if lo is None:
            where = " AND false"
        elif untouched:
            sort = True
        else:
            where = span
    sql = _PASS_SQL.rstrip() + where + (_PASS_ORDER if sort else "")
    reader = conn.sql(sql).to_arrow_reader(block_rows)
    parts = _Spool(folder / "reply_parts.arrows", REPLY_PARTS_SCHEMA)
    messages = _Spool(folder / "conversation_messages.arrows", CONVERSATION_MESSAGES_SCHEMA)
    previous_id: str | None = None

    def flush(table: pa.Table) -> None:
        nonlocal previous_id
        if table.num_rows == 0:
            return
        p, m = _block(table, previous_id, clock, check_keys)
        parts.write(p)
        messages.write(m)
        previous_id = m.column("conversation_id")[-1].as_py()

    carry: pa.Table | None = None
    try:
        for batch in reader:
            if batch.num_rows == 0:
                continue
            table = pa.Table.from_batches([batch])
            conv = _strings(table.column("conversation_id"))
            if carry is not None:
                head = _run_length(conv, carry.column("conversation_id")[0], from_end=False)
                if head == table.num_rows:
                    carry = pa.concat_tables([carry, table])
                    continue
                flush(pa.concat_tables([carry, table.slice(0, head)]).combine_chunks())
                table, conv = table.slice(head), conv.slice(head)
            cut = table.num_rows - _run_length(conv, conv[-1], from_end=True)
            flush(table.slice(0, cut))
            carry = table.slice(cut)
        if carry is not None:
            flush(carry.combine_chunks())
    except _OutOfOrder:
        if sort:
            raise AssertionError("sorted messages failed the order check") from None
        reader.close()
        parts.close()
        messages.close()
        # The same file names, truncated: the unsorted pass's output is thrown away.
        return _spooled_pass(
            conn,
            clock,
            folder,
            block_rows=block_rows,
            sort=True,
            only=only,
            check_keys=check_keys,
        )
    finally:
        parts.close()
        messages.close()
    return parts, messages


@contextmanager
def _pass_streams(
    conn: Any,
    clock: _Clock,
    *,
    block_rows: int = PASS_BLOCK_ROWS,
    sort: bool = False,
    only: str | None = None,
    check_keys: bool = False,
) -> Iterator[tuple[pa.RecordBatchReader, pa.RecordBatchReader]]:
    """The pass's reply parts and message facts as streams, spooled through a temporary
    folder: however large the month, Python holds one block of them at a time."""
    with tempfile.TemporaryDirectory(prefix="appraise-facts-") as tmp:
        parts, messages = _spooled_pass(
            conn,
            clock,
            Path(tmp),
            block_rows=block_rows,
            sort=sort,
            only=only,
            check_keys=check_keys,
        )
        with parts.reader() as p, messages.reader() as m:
            yield p, m


def ordered_pass(
    conn: Any,
    clock: _Clock,
    *,
    block_rows: int = PASS_BLOCK_ROWS,
    sort: bool = False,
    only: str | None = None,
    check_keys: bool = False,
) -> tuple[pa.Table, pa.Table]:
    """Reply facts and conversation message facts from one pass over the ordered messages.

    Each batch DuckDB hands over is processed in place, less the conversation it ends in, which
    is carried into the next batch (so a conversation is never split). When the order check
    fails the pass starts again on rows DuckDB sorts (``sort=True`` does so from the start).
    ``only``: a table of ``conversation_id`` values; just those conversations' messages.
    ``check_keys``: see :func:`_block`. The whole result in memory; :func:`derive_facts`
    streams it instead.
    """
    with _pass_streams(
        conn, clock, block_rows=block_rows, sort=sort, only=only, check_keys=check_keys
    ) as (parts, messages):
        return parts.read_all(), messages.read_all()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _run_length(conv: pa.Array, value: pa.Scalar, *, from_end: bool) -> int:
    """How many rows at the start (or end) of ``conv`` equal ``value``.

    Looks at a growing window only: a conversation is a few dozen rows, a batch millions.
    """
    n = len(conv)
    window = 256
    while True:
        w = min(window, n)
        part = conv.slice(n - w, w) if from_end else conv.slice(0, w)
        equal = _to_numpy(pc.equal(part, value))
        if from_end:
            equal = equal[::-1]
        differs = np.flatnonzero(~equal)
        if len(differs):
            return int(differs[0])
        if w == n:
            return n
        window *= 8


def fingerprint(config: CenterConfig, counts: tuple[int, int]) -> str:
    """What the facts depend on: derivation version, time zone, calendar and the row counts."""
    return json.dumps(
        {
            "version": FACTS_VERSION,
            "timezone": config.timezone,
            "calendar": None
            if config.calendar is None
            else config.calendar.model_dump(mode="json"),
            "conversations": counts[0],
            "messages": counts[1],
        },
        sort_keys=True,
    )


def _duck_counts(conn: Any) -> tuple[int, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages)"
    ).fetchone()
    return int(row[0]), int(row[1])


def _duck_exists(conn: Any, name: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
        [name],
    ).fetchone()
    return bool(row[0])


def facts_current(conn: Any, config: CenterConfig) -> bool:
    """Whether the connection already holds facts derived from this data and configuration."""
    if not (
        _duck_exists(conn, "conversation_facts")
        and _duck_exists(conn, "reply_facts")
        and _duck_exists(conn, META_TABLE)
    ):
        return False
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'fingerprint'").fetchone()
    return row is not None and row[0] == fingerprint(config, _duck_counts(conn))


def derive_facts(
    conn: Any,
    config: CenterConfig | None = None,
    *,
    temporary: bool | None = None,
    only: str | None = None,
    check_keys: bool = False,
) -> None:
    """Build ``reply_facts`` and ``conversation_facts`` on a DuckDB connection.

    The importer calls this after a load so the store keeps the facts (``temporary=False``);
    the engine calls it when they are missing or stale. ``temporary=None`` keeps them in the
    store when the connection can write to it, else in the connection's temporary schema.

    ``only``: a table of ``conversation_id`` values whose conversations or messages changed,
    when the stored facts were current before the change (the importer appending a day). The
    facts of just those conversations are derived again and replace theirs; the others are
    kept, so appending a day costs time in proportion to the day.

    ``check_keys``: raise :class:`DuplicateKeys` (before anything is written) when two
    customer or agent messages share their key.
    """
    config = config or CenterConfig()
    if temporary is None:
        temporary = _read_only(conn)
    kind = "TEMP TABLE" if temporary else "TABLE"
    with_calendar = config.calendar is not None
    counts = _duck_counts(conn)
    minutes = None
    if with_calendar:
        ((lo, hi),) = conn.execute(CALENDAR_BOUNDS_SQL).fetchall()
        minutes = calendar_minutes(config, lo, hi)
        cal = minutes.to_arrow()  # noqa: F841 - read by DuckDB's replacement scan
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {CALENDAR_TABLE} AS "
            "SELECT *, epoch_us(minute_start) AS minute_us FROM cal"
        )
    # Native: the durations are integer subtractions, not ICU's date_diff (half this
    # statement's time on a month of conversations), with the same integers.
    facts_sql = conversation_facts_sql(with_calendar, native=True, only=only)
    # The touched conversations are read in storage order too: a new month's (or day's), none
    # of whose conversations the store held, went in whole and sorted after the stored rows.
    # A day's messages of a conversation begun the day before land after the month's rows
    # instead: the order check finds it (in the first block of the day's rows) and the pass
    # sorts just the touched conversations (sorting a new month's took half its facts' time).
    columns = _fact_columns(conn, facts_sql) if only is None and not temporary else None
    with _pass_streams(conn, _Clock(minutes), only=only, check_keys=check_keys) as (
        parts,
        messages,
    ):
        if only is None:
            _drop_facts(conn, temporary)
        # Each stream is read once, by the one statement that names it.
        conn.register("_appraise_reply_parts", parts)
        conn.register("conversation_messages", messages)
        try:
            _write_facts(conn, kind, facts_sql, only, columns)
        finally:
            conn.unregister("_appraise_reply_parts")
            conn.unregister("conversation_messages")
    if only is None:
        conn.execute(f"CREATE {kind} {META_TABLE} (key VARCHAR, value VARCHAR)")
    else:
        conn.execute(f"DELETE FROM {META_TABLE} WHERE key = 'fingerprint'")
    conn.execute(
        f"INSERT INTO {META_TABLE} VALUES ('fingerprint', ?)", [fingerprint(config, counts)]
    )
    if with_calendar:
        conn.execute(f"DROP TABLE IF EXISTS {CALENDAR_TABLE}")


# Columns of the stored facts that hold (nearly) one value a row: a conversation's id, and its
# customer's (most customers write once or twice a month). DuckDB's default string compression
# builds a dictionary of each segment first, which such a column does not shrink; ZSTD stores
# them smaller and writes them in about half the time (at 100 agents the two fact tables' writes
# took 0.55 CPU s, 0.2 s of it analysing these three columns). Only stored facts: temporary
# ones stay in memory.
_ZSTD_COLUMNS = {
    "reply_facts": ("conversation_id",),
    "conversation_facts": ("conversation_id", "customer_id"),
}


def _fact_queries(facts_sql: str) -> dict[str, str]:
    return {
        "reply_facts": "SELECT * FROM _appraise_reply_parts",
        "conversation_facts": facts_sql,
    }


def _fact_columns(conn: Any, facts_sql: str) -> dict[str, list[tuple[str, str]]]:
    """Each fact table's columns and types, as its query gives them: bound on empty streams
    (before the real ones are registered: a stream is read once)."""
    conn.complete()  # registering refuses to start while an execute() result is open
    # Empty readers: Schema.empty_table() would load pandas (see _to_numpy).
    for name, schema in (
        ("_appraise_reply_parts", REPLY_PARTS_SCHEMA),
        ("conversation_messages", CONVERSATION_MESSAGES_SCHEMA),
    ):
        conn.register(name, pa.RecordBatchReader.from_batches(schema, []))
    try:
        return {
            name: [(str(r[0]), str(r[1])) for r in conn.execute(f"DESCRIBE {sql}").fetchall()]
            for name, sql in _fact_queries(facts_sql).items()
        }
    finally:
        conn.unregister("_appraise_reply_parts")
        conn.unregister("conversation_messages")


def _write_facts(
    conn: Any,
    kind: str,
    facts_sql: str,
    only: str | None,
    columns: dict[str, list[tuple[str, str]]] | None,
) -> None:
    if only is None:
        for name, sql in _fact_queries(facts_sql).items():
            if columns is None:
                conn.execute(f"CREATE {kind} {name} AS {sql}")
                continue
            zstd = _ZSTD_COLUMNS[name]
            ddl = ", ".join(
                f'"{c}" {t}' + (" USING COMPRESSION zstd" if c in zstd else "")
                for c, t in columns[name]
            )
            conn.execute(f"CREATE {kind} {name} ({ddl})")
            conn.execute(f"INSERT INTO {name} {sql}")
        return
    for name in ("reply_facts", "conversation_facts"):
        conn.execute(
            f"DELETE FROM {name} WHERE conversation_id IN (SELECT conversation_id FROM {only})"
        )
    conn.execute("INSERT INTO reply_facts SELECT * FROM _appraise_reply_parts")
    conn.execute(f"INSERT INTO conversation_facts {facts_sql}")


def _drop_facts(conn: Any, temporary: bool) -> None:
    """Drop earlier facts; a read-only store keeps its own, shadowed by the temporary ones."""
    for name in ("conversation_facts", "reply_facts", META_TABLE):
        rows = conn.execute(
            "SELECT database_name, schema_name FROM duckdb_tables() "
            "WHERE table_name = ? AND (temporary OR NOT ?)",
            [name, temporary],
        ).fetchall()
        for database, schema in rows:
            conn.execute(f'DROP TABLE "{database}"."{schema}"."{name}"')


def _read_only(conn: Any) -> bool:
    row = conn.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row and row[0])


def ensure_facts(conn: Any, config: CenterConfig) -> None:
    """Derive the facts unless the connection already has current ones."""
    if not facts_current(conn, config):
        derive_facts(conn, config)
