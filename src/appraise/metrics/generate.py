"""A realistic synthetic customer-service center, for the demo, tests and benchmarks.

`generate_center` writes one file per canonical table (:data:`appraise.metrics.schema.TABLES`)
plus ``agents.csv`` (the roster `appraise score` reads) and ``generate.json`` (what was asked for
and how many rows came out, so a benchmark can reuse a folder instead of writing it again).

Design, so that the numbers mean something:

* Every agent has traits drawn once: ``speed`` (a multiplier on every response gap), ``skill``
  (CSAT, resolution, reopen, transfer, conversion, refunds, bad reviews, QA) and ``diligence``
  (absences, lateness, leaving early, volume). The metrics therefore differ between agents in
  ways that hang together, as they do in a real center.
* Agents work shifts (early 09-18, late 13-22, night 22-07 local time) five days a week with two
  rest days; traffic inside a shift follows an hourly profile with peaks late morning, afternoon
  and evening, and responses are slower at peak hours. Night shifts cross midnight, and the night
  shift of the day before ``start`` is generated too, so some conversations start in the previous
  period and end inside this one (a metric counts them by start time).
* A conversation is a run of exchanges: one or more customer messages, then one or more agent
  messages. Some start with a system message, most get a bot auto-reply right after the first
  customer message (bots and system messages must not count as a response), some end with a
  customer "thanks" nobody answers, a few are transferred (a system message, then another agent
  answers), a few never get an agent reply at all (and some of those never got an agent).
* Timestamps are whole seconds, **UTC-aware**: Parquet columns are ``timestamp[us, UTC]`` and CSV
  cells are ISO 8601 with ``+00:00``. The hourly profile is in Asia/Shanghai local time. Messages
  of one conversation may share a second; ``seq`` gives their order.

Everything is vectorised with numpy per day of data (about 100,000 conversations and a million
messages at the default benchmark size), and each day is written as it is made, so memory stays
flat whatever the number of days. The random stream of each day is seeded from ``(seed, day,
table)``, so a seed always gives byte-identical files.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from appraise.messages import message
from appraise.metrics.schema import TABLES

Format = Literal["parquet", "csv"]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

TIMEZONE = "Asia/Shanghai"
# Hidden, so `appraise import` does not warn about it.
MANIFEST = ".generate.json"
AGENTS_FILE = "agents.csv"
# Bumped whenever the same seed would give different data, so a stale benchmark folder is redone.
GENERATOR_VERSION = 2

# Mean conversations per agent per calendar day over the whole roster (the 100/day).
CONVERSATIONS_PER_AGENT_DAY = 100.0
CALLS_PER_WORKED_DAY = 10.0
TICKETS_PER_WORKED_DAY = 4.0
SCHEDULED_HOURS = 8.0

# Relative traffic by local hour 0..23: quiet nights, peaks at 10-11, 14-16 and 20-21.
# fmt: off
HOURLY_TRAFFIC = np.array([
    0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.6, 2.0, 1.9,
    1.4, 1.6, 1.9, 1.9, 1.8, 1.5, 1.3, 1.6, 2.0, 1.9, 1.2, 0.6,
])
# fmt: on
# Shifts: (first local hour, hours long, share of agents, volume factor).
SHIFTS: tuple[tuple[int, int, float, float], ...] = (
    (9, 9, 0.45, 1.0),  # 早班 09:00-18:00
    (13, 9, 0.45, 1.0),  # 晚班 13:00-22:00
    (22, 9, 0.10, 0.6),  # 夜班 22:00-07:00, quieter
)

SENDERS = ["customer", "agent", "bot", "system"]
CUSTOMER, AGENT, BOT, SYSTEM = 0, 1, 2, 3
CUSTOMER_TEXT = [
    "你好，在吗？",
    "我的订单什么时候发货？",
    "这个有优惠券吗？",
    "收到的东西有破损",
    "怎么申请退款？",
    "快递到哪里了？",
    "可以开发票吗？",
    "尺码偏大还是偏小？",
    "能便宜一点吗？",
    "颜色和图片不一样",
    "还没收到货",
    "好的，谢谢",
    "嗯嗯",
    "那我先拍下了",
]
AGENT_TEXT = [
    "亲，您好，很高兴为您服务～",
    "请稍等，我帮您查询一下",
    "已经为您催促仓库尽快发货",
    "这边为您申请了退款，请留意",
    "亲，目前下单可以领取满减券哦",
    "快递显示明天可以送达",
    "发票会在确认收货后开具",
    "建议您按平时尺码选择",
    "非常抱歉给您带来不便",
    "还有其他可以帮您的吗？",
]
BOT_TEXT = ["您好，我是智能助手，请问有什么可以帮您？", "人工客服正在接入，请稍候"]
SYSTEM_START_TEXT = ["客户进入会话"]
SYSTEM_TRANSFER_TEXT = ["会话已转接"]
SYSTEM_END_TEXT = ["会话已结束"]
TEXTS = (
    CUSTOMER_TEXT
    + AGENT_TEXT
    + BOT_TEXT
    + SYSTEM_START_TEXT
    + SYSTEM_TRANSFER_TEXT
    + SYSTEM_END_TEXT
)
_TEXT_SIZES = [
    len(CUSTOMER_TEXT),
    len(AGENT_TEXT),
    len(BOT_TEXT),
    len(SYSTEM_START_TEXT),
    len(SYSTEM_TRANSFER_TEXT),
    len(SYSTEM_END_TEXT),
]
_TEXT_OFFSETS = np.concatenate([[0], np.cumsum(_TEXT_SIZES)[:-1]]).astype(np.int64)
# Text kinds of message blocks (index into _TEXT_SIZES) and the sender each one has.
T_CUSTOMER, T_AGENT, T_BOT, T_START, T_TRANSFER, T_END = range(6)
_KIND_SENDER = np.array([CUSTOMER, AGENT, BOT, SYSTEM, SYSTEM, SYSTEM], dtype=np.int64)

CHANNELS = ["chat", "wechat"]
QUEUES = ["售前", "售后"]
CALL_QUEUES = ["热线", "售后热线"]
# The catalog counts 投诉 tickets as complaints and 回访 tickets as callbacks.
TICKET_CATEGORIES = ["物流", "退换货", "质量问题", "发票", "账户", "回访", "投诉"]
TICKET_CATEGORY_SHARE = np.array([0.25, 0.25, 0.14, 0.1, 0.08, 0.12, 0.06])
PRIORITIES = ["low", "normal", "high", "urgent"]
SLA_HOURS = np.array([72.0, 24.0, 8.0, 2.0])
RATINGS = ["good", "medium", "bad"]
HUNG_UP_BY = ["customer", "agent"]
QA_SOURCES = ["internal", "external"]
QA_REVIEWERS = ["QA01", "QA02", "QA03", "QA04", "QA05", "QA06", "EXT01", "EXT02"]
POSITIONS = ["客服专员", "高级客服", "资深客服"]
SALES_TARGET_METRIC = "sales"

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
    "蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲晶婷雪琳倩颖"
    "慧佳欣怡宁浩宇轩子涵梓晨思文博"
)


@dataclass(frozen=True, slots=True)
class GenerateReport:
    """What `generate_center` wrote and what it took."""

    out: Path
    format: Format
    agents: int
    days: int
    seed: int
    start: date
    rows: dict[str, int]
    files: dict[str, Path]
    seconds: float
    peak_mb: float

    def summary(self) -> str:
        total = sum(self.rows.values())
        parts = ", ".join(f"{name} {n:,}" for name, n in self.rows.items())
        return (
            f"generated {self.agents} agents x {self.days} days (seed {self.seed}) into "
            f"{self.out} as {self.format}: {total:,} rows ({parts}) in {self.seconds:.1f} s, "
            f"peak {self.peak_mb:,.0f} MB"
        )


@dataclass(frozen=True, slots=True)
class _Agents:
    """The roster and the hidden traits that drive every agent's numbers."""

    ids: list[str]
    names: list[str]
    team: I64
    teams: list[str]
    queue: I64  # 0 pre-sales, 1 after-sales (by team)
    position: I64
    supervisor: list[str]
    hired_day: I64  # day index relative to start; may be negative
    shift: I64
    rest_weekday: I64  # first of two consecutive rest weekdays (0 = Monday)
    on_leave: B
    speed: F64  # multiplier on response gaps: 1 is typical, 2 is twice as slow
    skill: F64  # standard normal
    diligence: F64  # standard normal
    volume: F64  # multiplier on traffic, mean about 1

    @property
    def n(self) -> int:
        return len(self.ids)


@dataclass(slots=True)
class _Counters:
    """Running ids, so that ids are unique across days and independent of chunking choices."""

    conversation: int = 0
    call: int = 0
    ticket: int = 0
    survey: int = 0
    order: int = 0
    review: int = 0
    qa: int = 0


@dataclass(slots=True)
class _Sink:
    """Streams tables to one file each, in the order the days are generated."""

    out: Path
    fmt: Format
    writers: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        return self.out / f"{name}.{self.fmt}"

    def write(self, name: str, table: pa.Table) -> None:
        expected = TABLES[name].column_names
        if table.column_names != expected:
            raise AssertionError(f"{name}: columns {table.column_names} != {expected}")
        if self.fmt == "csv":
            table = _for_csv(table)
        writer = self.writers.get(name)
        if writer is None:
            if self.fmt == "parquet":
                # store_schema=False: readers see plain strings, not Arrow dictionaries.
                writer = pq.ParquetWriter(
                    self.path(name), table.schema, store_schema=False, compression="snappy"
                )
            else:
                writer = pacsv.CSVWriter(
                    self.path(name),
                    table.schema,
                    write_options=pacsv.WriteOptions(quoting_style="needed"),
                )
            self.writers[name] = writer
        if table.num_rows:
            writer.write_table(table)
        self.rows[name] = self.rows.get(name, 0) + table.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


TICKET_TAGS = ("urgent", "complaint", "reopened")


def generate_center(
    out: Path,
    *,
    agents: int,
    days: int,
    seed: int,
    start: date = date(2026, 10, 1),
    fmt: Format = "parquet",
    teams: int | None = None,
) -> GenerateReport:
    """Write a synthetic center of ``agents`` agents over ``days`` days from ``start`` to ``out``.

    The same arguments always give byte-identical files. Raises ``ValueError`` for sizes that
    make no sense.
    """
    if agents < 1 or days < 1:
        raise ValueError(
            message(
                "generate.sizes",
                "need at least one agent and one day (got {agents} agents, {days} days)",
                agents=agents,
                days=days,
            )
        )
    if fmt not in ("parquet", "csv"):
        raise ValueError(
            message("generate.format", "format must be parquet or csv, not {fmt}", fmt=repr(fmt))
        )
    if teams is not None and not 1 <= teams <= agents:
        raise ValueError(
            message(
                "generate.teams",
                "teams must be between 1 and the number of agents, not {teams}",
                teams=teams,
            )
        )
    began = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    roster = _make_agents(agents, days, seed, teams)
    _write_agents(out / AGENTS_FILE, roster, start)
    sink = _Sink(out, fmt)
    counters = _Counters()
    try:
        # Day -1 carries only the night shift that runs into the first day.
        for day in range(-1, days):
            _generate_day(sink, roster, counters, seed, start, day, days)
        sink.write("targets", _targets(roster, start, days, seed))
    finally:
        sink.close()
    rows = {name: sink.rows.get(name, 0) for name in TABLES}
    files = {name: sink.path(name) for name in TABLES}
    seconds = time.perf_counter() - began
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "agents": agents,
        "days": days,
        "seed": seed,
        "start": start.isoformat(),
        "format": fmt,
        "teams": teams,
        "timezone": TIMEZONE,
        "timestamps": "UTC",
        "rows": rows,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return GenerateReport(out, fmt, agents, days, seed, start, rows, files, seconds, peak_mb)


def manifest_matches(
    out: Path, *, agents: int, days: int, seed: int, start: date, fmt: Format
) -> bool:
    """Whether ``out`` already holds exactly this data set (so a benchmark can reuse it)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = {
        "generator_version": GENERATOR_VERSION,
        "agents": agents,
        "days": days,
        "seed": seed,
        "start": start.isoformat(),
        "format": fmt,
    }
    if any(manifest.get(k) != v for k, v in wanted.items()):
        return False
    return all((out / f"{name}.{fmt}").is_file() for name in TABLES)


# --- the roster -------------------------------------------------------------------------------


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *(s + 2**20 for s in stream)])


def _make_agents(n: int, days: int, seed: int, teams: int | None) -> _Agents:
    rng = _rng(seed, 0)
    n_teams = teams if teams is not None else max(1, round(n / 12))
    width = max(4, len(str(n)))
    ids = [f"A{i + 1:0{width}d}" for i in range(n)]
    names = _chinese_names(rng, n)
    # Equal teams of consecutive agents; the first half of the teams sell, the rest do after-sales.
    team = (np.arange(n, dtype=np.int64) * n_teams) // n
    pre_sales_teams = (n_teams + 1) // 2
    queue = (team >= pre_sales_teams).astype(np.int64)
    teams_names = [
        f"{QUEUES[0]}{t + 1}组"
        if t < pre_sales_teams
        else f"{QUEUES[1]}{t + 1 - pre_sales_teams}组"
        for t in range(n_teams)
    ]
    supervisors = [f"S{t + 1:03d}" for t in range(n_teams)]
    # Traits: speed correlates a little with skill (good agents are also quicker).
    skill = rng.standard_normal(n)
    speed = np.exp(0.45 * (0.8 * rng.standard_normal(n) - 0.35 * skill))
    diligence = rng.standard_normal(n)
    volume = np.exp(0.15 * diligence - 0.15 * np.log(speed) + 0.1 * rng.standard_normal(n))
    volume /= volume.mean()
    shift = np.searchsorted(np.cumsum([s[2] for s in SHIFTS]), rng.random(n) * 0.9999, side="right")
    rest = rng.integers(0, 7, n)
    tenure = np.exp(rng.normal(np.log(500), 0.8, n)).astype(np.int64)
    hired_day = -np.maximum(tenure, 3)
    recent = rng.random(n) < 0.06
    hired_day[recent] = -rng.integers(3, 60, int(recent.sum()))
    on_leave = np.zeros(n, dtype=bool)
    if n >= 10:
        # Edge cases a real roster has: one hire in the middle of the period, one long leave.
        hired_day[n - 2] = days // 2
        on_leave[n - 1] = True
    seniority = np.clip(-hired_day / 365.0, 0, None) + 0.5 * skill
    position = np.digitize(seniority, [1.5, 3.5]).astype(np.int64)
    return _Agents(
        ids=ids,
        names=names,
        team=team,
        teams=teams_names,
        queue=queue,
        position=position,
        supervisor=[supervisors[t] for t in team],
        hired_day=hired_day,
        shift=shift.astype(np.int64),
        rest_weekday=rest.astype(np.int64),
        on_leave=on_leave,
        speed=speed,
        skill=skill,
        diligence=diligence,
        volume=volume,
    )


def _chinese_names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
        length = 1 if rng.random() < 0.35 else 2
        given = "".join(_GIVEN[int(i)] for i in rng.integers(0, len(_GIVEN), length))
        name = surname + given
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _write_agents(path: Path, roster: _Agents, start: date) -> None:
    table = pa.table(
        {
            "agent_id": roster.ids,
            "name": roster.names,
            "team": [roster.teams[t] for t in roster.team],
            "position": [POSITIONS[p] for p in roster.position],
            "supervisor_id": roster.supervisor,
            "hired_on": pa.array(
                [start + timedelta(days=int(d)) for d in roster.hired_day], pa.date32()
            ),
        }
    )
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


# --- one day ----------------------------------------------------------------------------------


def _local_midnight_utc(start: date, day: int) -> int:
    """Epoch seconds (UTC) of local midnight on ``start + day``."""
    local = datetime.combine(start + timedelta(days=day), datetime.min.time(), ZoneInfo(TIMEZONE))
    return int(local.timestamp())


def _working(roster: _Agents, start: date, day: int, rng: np.random.Generator) -> tuple[B, B]:
    """(scheduled, present) masks for ``day``: two rest days a week, absences by diligence."""
    weekday = (start + timedelta(days=day)).weekday()
    rest = (weekday == roster.rest_weekday) | (weekday == (roster.rest_weekday + 1) % 7)
    scheduled = ~rest & (roster.hired_day <= day)
    p_absent = np.clip(0.02 * np.exp(-0.7 * roster.diligence), 0.002, 0.2)
    absent = (rng.random(roster.n) < p_absent) | roster.on_leave
    present = scheduled & ~absent
    if day < 0:
        present &= roster.shift == 2
        scheduled &= roster.shift == 2
    return np.asarray(scheduled, dtype=np.bool_), np.asarray(present, dtype=np.bool_)


def _arrivals(
    rng: np.random.Generator, roster: _Agents, present: B, per_day: float, midnight: int
) -> tuple[I64, I64]:
    """Events of present agents: (agent index, epoch second), sorted by time then agent."""
    shift_factor = np.array([s[3] for s in SHIFTS])[roster.shift]
    lam = np.where(present, per_day * roster.volume * shift_factor, 0.0)
    counts = rng.poisson(lam)
    agent = np.repeat(np.arange(roster.n, dtype=np.int64), counts)
    offset = np.empty(len(agent), dtype=np.int64)
    for s, (first, hours, _, _) in enumerate(SHIFTS):
        mine = roster.shift[agent] == s
        k = int(mine.sum())
        hour_of_shift = np.arange(first, first + hours)
        cum = np.cumsum(HOURLY_TRAFFIC[hour_of_shift % 24])
        pick = np.searchsorted(cum, rng.random(k) * cum[-1], side="right")
        offset[mine] = hour_of_shift[pick] * 3600 + rng.integers(0, 3600, k)
    at = midnight + offset
    order = np.lexsort((agent, at))
    return agent[order], at[order]


def _busy(at: I64) -> F64:
    """Responses slow down at peak hours: 0.7 at the quietest hour, 1.3 at the busiest."""
    hour = ((at + 8 * 3600) // 3600) % 24
    load = HOURLY_TRAFFIC[hour] / HOURLY_TRAFFIC.max()
    return np.asarray(0.7 + 0.6 * load, dtype=np.float64)


def _lognormal(rng: np.random.Generator, median: F64 | float, sigma: float, n: int) -> F64:
    return np.asarray(median * np.exp(sigma * rng.standard_normal(n)), dtype=np.float64)


def _generate_day(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    seed: int,
    start: date,
    day: int,
    days: int,
) -> None:
    midnight = _local_midnight_utc(start, day)
    scheduled, present = _working(roster, start, day, _rng(seed, day, 1))
    _attendance(sink, roster, scheduled, present, start, day, _rng(seed, day, 2))
    # Expected conversations per worked day, so that the roster averages 100 per calendar day.
    worked_share = (5 / 7) * 0.975
    mean_shift = float(np.mean(np.array([s[3] for s in SHIFTS])[roster.shift]))
    per_day = CONVERSATIONS_PER_AGENT_DAY / worked_share / mean_shift
    _conversations(sink, roster, counters, present, per_day, midnight, _rng(seed, day, 3))
    _calls(sink, roster, counters, present, midnight, _rng(seed, day, 4))
    _tickets(sink, roster, counters, present, midnight, _rng(seed, day, 5))


def _attendance(
    sink: _Sink,
    roster: _Agents,
    scheduled: B,
    present: B,
    start: date,
    day: int,
    rng: np.random.Generator,
) -> None:
    idx = np.flatnonzero(scheduled)
    n = len(idx)
    dil = roster.diligence[idx]
    here = present[idx]
    late = here & (rng.random(n) < np.clip(0.08 * np.exp(-0.8 * dil), 0.005, 0.5))
    late_minutes = np.where(late, np.maximum(1, np.rint(_lognormal(rng, 8.0, 0.8, n))), 0.0)
    left_early = here & (rng.random(n) < np.clip(0.02 * np.exp(-0.6 * dil), 0.002, 0.2))
    early_minutes = np.where(left_early, rng.integers(30, 121, n), 0)
    overtime = np.where(here & (rng.random(n) < 0.1), rng.integers(1, 5, n) * 15, 0)
    worked = np.where(here, SCHEDULED_HOURS - (late_minutes + early_minutes - overtime) / 60.0, 0.0)
    epoch_day = (start + timedelta(days=day) - date(1970, 1, 1)).days
    sink.write(
        "attendance",
        pa.table(
            {
                "agent_id": _agent_col(roster, idx),
                "date": pa.array(np.full(n, epoch_day, dtype=np.int32), pa.date32()),
                "scheduled_hours": pa.array(np.full(n, SCHEDULED_HOURS)),
                "worked_hours": pa.array(np.round(worked, 2)),
                "late_minutes": pa.array(late_minutes.astype(np.float64)),
                "left_early": pa.array(left_early),
                "absent": pa.array(~here),
            }
        ),
    )


def _conversations(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    present: B,
    per_day: float,
    midnight: int,
    rng: np.random.Generator,
) -> None:
    owner, t0 = _arrivals(rng, roster, present, per_day, midnight)
    n = len(owner)
    number = counters.conversation + np.arange(n, dtype=np.int64)
    counters.conversation += n
    skill = roster.skill[owner]

    # Shape of each conversation.
    exchanges = np.minimum(1 + rng.poisson(1.9, n), 20)
    no_reply = rng.random(n) < 0.03
    exchanges[no_reply] = 1 + (rng.random(int(no_reply.sum())) < 0.3)
    unassigned = no_reply & (rng.random(n) < 0.35)
    p_transfer = np.clip(0.03 * np.exp(-0.3 * skill), 0.005, 0.15)
    transferred = ~no_reply & (rng.random(n) < p_transfer) & (present.sum() > 1)
    present_idx = np.flatnonzero(present)
    transferee = np.full(n, -1, dtype=np.int64)
    if transferred.any():
        pick = present_idx[rng.integers(0, len(present_idx), int(transferred.sum()))]
        clash = pick == owner[transferred]
        pick[clash] = present_idx[
            (np.searchsorted(present_idx, pick[clash]) + 1) % len(present_idx)
        ]
        transferee[transferred] = pick
    transfer_at = np.where(transferred, (rng.random(n) * exchanges).astype(np.int64), -1)
    has_start = rng.random(n) < 0.4
    has_bot = rng.random(n) < 0.6
    has_thanks = ~no_reply & (rng.random(n) < 0.25)
    has_end = rng.random(n) < 0.5

    # Exchanges: customer run j, then agent run j.
    ex_conv = np.repeat(np.arange(n, dtype=np.int64), exchanges)
    ex_j = _position(exchanges)
    cust_run = 1 + rng.poisson(0.6, len(ex_conv))
    agent_run = np.where(no_reply[ex_conv], 0, 1 + rng.poisson(0.35, len(ex_conv)))
    after_transfer = transferred[ex_conv] & (ex_j >= transfer_at[ex_conv])
    run_agent = np.where(after_transfer, transferee[ex_conv], owner[ex_conv])
    first_ex = ex_j == 0

    # Blocks (conversation, order key, text kind, count, agent), sorted into message order.
    conv_all = np.arange(n, dtype=np.int64)
    one = np.ones(n, dtype=np.int64)
    ex_one = np.ones(len(ex_conv), dtype=np.int64)
    nobody = np.full(n, -1, dtype=np.int64)
    blocks: list[tuple[B, I64, int, I64, I64]] = [
        # (which rows, order key, text kind, message count, agent) over conversations ...
        (has_start, 0 * one, T_START, one, nobody),
        (has_bot, 2 * one, T_BOT, one, nobody),
        (transferred, 11 + 4 * transfer_at, T_TRANSFER, one, nobody),
        (has_thanks, 10 + 4 * exchanges, T_CUSTOMER, one, nobody),
        (has_end, 13 + 4 * exchanges, T_END, one, nobody),
    ]
    ex_blocks: list[tuple[B, I64, int, I64, I64]] = [
        # ... and over exchanges: the first customer message, the rest of its run, later runs.
        (first_ex, ex_one, T_CUSTOMER, ex_one, -ex_one),
        (first_ex, 3 * ex_one, T_CUSTOMER, cust_run - 1, -ex_one),
        (~first_ex, 10 + 4 * ex_j, T_CUSTOMER, cust_run, -ex_one),
        (ex_j >= 0, 12 + 4 * ex_j, T_AGENT, agent_run, run_agent),
    ]
    parts = [(conv_all[w], k[w], t, c[w], a[w]) for w, k, t, c, a in blocks] + [
        (ex_conv[w], k[w], t, c[w], a[w]) for w, k, t, c, a in ex_blocks
    ]
    b_conv = np.concatenate([p[0] for p in parts])
    b_key = np.concatenate([p[1] for p in parts])
    b_kind = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int64) for p in parts])
    b_count = np.concatenate([p[3] for p in parts])
    b_agent = np.concatenate([p[4] for p in parts])
    order = np.argsort(b_conv * 128 + b_key, kind="stable")
    keep = order[b_count[order] > 0]
    b_conv, b_kind, b_count, b_agent = b_conv[keep], b_kind[keep], b_count[keep], b_agent[keep]

    # Messages.
    m_conv = np.repeat(b_conv, b_count)
    m_kind = np.repeat(b_kind, b_count)
    m_agent = np.repeat(b_agent, b_count)
    m_sender = _KIND_SENDER[m_kind]
    per_conv = np.bincount(m_conv, minlength=n)
    seq = _position(per_conv)
    first = seq == 0
    prev = np.roll(m_kind, 1)
    prev[first] = -1
    is_agent = m_sender == AGENT
    agent_before = _segment_cumsum(is_agent.astype(np.int64), per_conv)
    first_agent = is_agent & (agent_before == 1)
    m = len(m_conv)
    speed = roster.speed[np.maximum(m_agent, 0)] * _busy(t0)[m_conv]
    gap = np.zeros(m)
    cust = m_sender == CUSTOMER
    sel = cust & np.isin(prev, [T_CUSTOMER])
    gap[sel] = _lognormal(rng, 8.0, 0.8, int(sel.sum()))
    sel = cust & np.isin(prev, [T_BOT, T_START, T_TRANSFER])
    gap[sel] = rng.integers(0, 4, int(sel.sum()))
    sel = cust & (prev == T_AGENT)
    gap[sel] = _lognormal(rng, 45.0, 1.0, int(sel.sum()))
    sel = first_agent & (prev != T_TRANSFER)
    gap[sel] = _lognormal(rng, 28.0 * speed[sel], 0.85, int(sel.sum()))
    sel = is_agent & ~first_agent & (prev != T_AGENT)
    gap[sel] = _lognormal(rng, 35.0 * speed[sel], 0.8, int(sel.sum()))
    sel = is_agent & (prev == T_TRANSFER)
    gap[sel] = _lognormal(rng, 40.0 * speed[sel], 0.8, int(sel.sum()))
    sel = is_agent & (prev == T_AGENT)
    gap[sel] = _lognormal(rng, 10.0, 0.6, int(sel.sum()))
    sel = m_kind == T_BOT
    gap[sel] = rng.integers(0, 2, int(sel.sum()))
    sel = m_kind == T_TRANSFER
    gap[sel] = _lognormal(rng, 15.0, 0.7, int(sel.sum()))
    sel = m_kind == T_END
    gap[sel] = _lognormal(rng, 60.0, 0.8, int(sel.sum()))
    whole = np.rint(gap).astype(np.int64)
    whole[is_agent | (m_kind == T_TRANSFER)] = np.maximum(
        whole[is_agent | (m_kind == T_TRANSFER)], 1
    )
    whole[first] = 0
    sent = t0[m_conv] + _segment_cumsum(whole, per_conv)
    text = _TEXT_OFFSETS[m_kind] + (rng.random(m) * np.array(_TEXT_SIZES)[m_kind]).astype(np.int64)

    last = np.cumsum(per_conv) - 1
    ended = sent[last] + np.where(
        has_end, 0, np.rint(_lognormal(rng, 90.0, 0.8, n)).astype(np.int64)
    )
    replied = ~no_reply
    p_resolve = np.clip(0.86 + 0.05 * skill, 0.5, 0.99)
    resolved = replied & (rng.random(n) < p_resolve)
    reopened = resolved & (rng.random(n) < np.clip(0.06 * np.exp(-0.4 * skill), 0.005, 0.3))
    pool = max(1000, int(per_day * roster.n * 30 * 0.6))
    customer = rng.integers(0, pool, n)
    channel = (rng.random(n) < 0.15).astype(np.int64)
    conv_id = _ids("C", number, 9)
    owner_or_none = np.where(unassigned, -1, owner)
    final_agent = np.where(transferred, transferee, owner)
    sink.write(
        "conversations",
        pa.table(
            {
                "conversation_id": conv_id,
                "channel": _dict(channel, CHANNELS),
                "customer_id": _ids("U", customer, 8),
                "agent_id": _agent_col(roster, owner_or_none),
                "queue": _dict(roster.queue[owner], QUEUES),
                "started_at": _ts(t0),
                "ended_at": _ts(ended),
                "resolved": pa.array(resolved),
                "reopened": pa.array(reopened),
                "transferred_to": _agent_col(roster, transferee),
            }
        ),
    )
    sink.write(
        "messages",
        pa.table(
            {
                "conversation_id": pa.DictionaryArray.from_arrays(
                    pa.array(m_conv.astype(np.int32)), conv_id
                ),
                "sent_at": _ts(sent),
                "sender": _dict(m_sender, SENDERS),
                "agent_id": _agent_col(roster, np.where(is_agent, m_agent, -1)),
                "text": _dict(text, TEXTS),
                "seq": pa.array(seq + 1),
                # Chats have no sentence ends (only a call's ASR transcript does): the column
                # is there, empty, so every file holds its table's columns.
                "ended_at": pa.nulls(len(sent), pa.timestamp("us", tz="UTC")),
            }
        ),
    )

    # Facts that drive surveys and orders: how quickly and how well the customer was served.
    first_reply = np.full(n, -1, dtype=np.int64)
    first_reply[m_conv[first_agent]] = sent[first_agent]
    waited = np.where(first_reply >= 0, first_reply - t0, 3600)
    _surveys(sink, roster, counters, rng, conv_id, final_agent, replied, resolved, waited, ended)
    _orders(sink, roster, counters, rng, conv_id, customer, final_agent, replied, t0, ended)
    _qa(sink, roster, counters, rng, conv_id, owner, replied, ended)


def _surveys(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    rng: np.random.Generator,
    conv_id: pa.Array,
    agent: I64,
    replied: B,
    resolved: B,
    waited: I64,
    ended: I64,
) -> None:
    n = len(agent)
    skill = roster.skill[agent]
    p_survey = np.clip(0.2 * np.exp(0.2 * skill), 0.02, 0.6)
    took = np.flatnonzero(replied & (rng.random(n) < p_survey))
    k = len(took)
    latent = (
        4.35
        + 0.3 * skill[took]
        + 0.3 * resolved[took]
        - 0.12 * np.log1p(waited[took] / 60.0)
        + 0.75 * rng.standard_normal(k)
    )
    csat = np.clip(np.rint(latent), 1, 5).astype(np.int64)
    nps = np.clip(np.rint(2.4 * csat - 1.5 + 1.3 * rng.standard_normal(k)), 0, 10).astype(np.int64)
    number = counters.survey + np.arange(k, dtype=np.int64)
    counters.survey += k
    submitted = ended[took] + np.rint(_lognormal(rng, 300.0, 1.0, k)).astype(np.int64)
    sink.write(
        "surveys",
        pa.table(
            {
                "survey_id": _ids("Q", number, 9),
                "conversation_id": conv_id.take(pa.array(took)),
                "agent_id": _agent_col(roster, agent[took]),
                "submitted_at": _ts(submitted),
                "csat": pa.array(csat, mask=rng.random(k) < 0.02),
                "nps": pa.array(nps, mask=rng.random(k) < 0.05),
            }
        ),
    )


def _orders(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    rng: np.random.Generator,
    conv_id: pa.Array,
    customer: I64,
    agent: I64,
    replied: B,
    t0: I64,
    ended: I64,
) -> None:
    n = len(agent)
    skill = roster.skill[agent]
    base = np.where(roster.queue[agent] == 0, 0.19, 0.07)
    p_order = np.clip(base * np.exp(0.3 * skill), 0.005, 0.6)
    bought = np.flatnonzero(replied & (rng.random(n) < p_order))
    k = len(bought)
    number = counters.order + np.arange(k, dtype=np.int64)
    counters.order += k
    during = rng.random(k) < 0.7
    created = np.where(
        during,
        t0[bought] + (rng.random(k) * (ended[bought] - t0[bought] + 1)).astype(np.int64),
        ended[bought] + rng.integers(60, 36 * 3600, k),
    )
    cents = np.maximum(100, np.rint(_lognormal(rng, 12900.0, 0.8, k))).astype(np.int64)
    paid = rng.random(k) < np.clip(0.86 + 0.04 * skill[bought], 0.5, 0.99)
    refunded = paid & (rng.random(k) < np.clip(0.05 * np.exp(-0.4 * skill[bought]), 0.005, 0.3))
    order_id = _ids("D", number, 9)
    sink.write(
        "orders",
        pa.table(
            {
                "order_id": order_id,
                "conversation_id": conv_id.take(pa.array(bought)),
                "customer_id": _ids("U", customer[bought], 8),
                "agent_id": _agent_col(roster, agent[bought]),
                "created_at": _ts(created),
                "amount": _money(cents),
                "paid": pa.array(paid),
                "refunded": pa.array(refunded),
            }
        ),
    )
    # Buyer reviews of paid orders, days later; refunds and weak agents draw bad ones.
    reviewed = np.flatnonzero(paid & (rng.random(k) < 0.35))
    r = len(reviewed)
    s = skill[bought][reviewed]
    p_bad = np.clip(0.04 * np.exp(-0.5 * s) + 0.35 * refunded[reviewed], 0.005, 0.9)
    p_medium = np.clip(0.07 * np.exp(-0.3 * s), 0.01, 0.3)
    u = rng.random(r)
    rating = np.where(u < p_bad, 2, np.where(u < p_bad + p_medium, 1, 0)).astype(np.int64)
    mentions = rng.random(r) < np.where(rating > 0, 0.4, 0.12)
    number = counters.review + np.arange(r, dtype=np.int64)
    counters.review += r
    sink.write(
        "reviews",
        pa.table(
            {
                "review_id": _ids("R", number, 9),
                "order_id": order_id.take(pa.array(reviewed)),
                "agent_id": _agent_col(roster, agent[bought][reviewed]),
                "created_at": _ts(created[reviewed] + rng.integers(86400, 10 * 86400, r)),
                "rating": _dict(rating, RATINGS),
                "mentions_agent": pa.array(mentions),
            }
        ),
    )


def _qa(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    rng: np.random.Generator,
    conv_id: pa.Array,
    agent: I64,
    replied: B,
    ended: I64,
) -> None:
    n = len(agent)
    picked = np.flatnonzero(replied & (rng.random(n) < 0.01))
    k = len(picked)
    skill = roster.skill[agent[picked]]
    fatal = (rng.random(k) < np.clip(0.04 * np.exp(-0.6 * skill), 0.002, 0.4)).astype(np.int64)
    opportunities = np.where(rng.random(k) < 0.8, 10, 12)
    nonfatal = rng.binomial(opportunities, np.clip(0.05 * np.exp(-0.4 * skill), 0.005, 0.5))
    score = np.clip(np.round(86 + 5 * skill + 5 * rng.standard_normal(k) - 30 * fatal, 1), 0, 100)
    external = rng.random(k) < 0.2
    reviewer = np.where(external, rng.integers(6, 8, k), rng.integers(0, 6, k))
    number = counters.qa + np.arange(k, dtype=np.int64)
    counters.qa += k
    sink.write(
        "qa_reviews",
        pa.table(
            {
                "review_id": _ids("QA", number, 8),
                "conversation_id": conv_id.take(pa.array(picked)),
                "agent_id": _agent_col(roster, agent[picked]),
                "reviewer_id": _dict(reviewer, QA_REVIEWERS),
                "reviewed_at": _ts(ended[picked] + rng.integers(3600, 72 * 3600, k)),
                "source": _dict(external.astype(np.int64), QA_SOURCES),
                "score": pa.array(score),
                "fatal_errors": pa.array(fatal),
                "nonfatal_errors": pa.array(nonfatal.astype(np.int64)),
                "opportunities": pa.array(opportunities.astype(np.int64)),
            }
        ),
    )


def _calls(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    present: B,
    midnight: int,
    rng: np.random.Generator,
) -> None:
    agent, offered = _arrivals(rng, roster, present, CALLS_PER_WORKED_DAY, midnight)
    k = len(agent)
    number = counters.call + np.arange(k, dtype=np.int64)
    counters.call += k
    speed = roster.speed[agent]
    dil = roster.diligence[agent]
    abandoned = rng.random(k) < 0.07
    # Most abandons happen in the queue (no agent); the rest while ringing at an agent.
    in_queue = abandoned & (rng.random(k) < 0.7)
    wait = np.rint(_lognormal(rng, 12.0 * np.sqrt(speed), 0.9, k)).astype(np.int64)
    answered = ~abandoned
    talk = np.rint(_lognormal(rng, 240.0 * np.sqrt(speed), 0.7, k)).astype(np.int64)
    answered_at = offered + wait
    ended = np.where(answered, answered_at + talk, offered + wait)
    hold = np.where(answered & (rng.random(k) < 0.4), np.rint(_lognormal(rng, 30.0, 0.8, k)), 0.0)
    wrap = np.where(answered, np.rint(_lognormal(rng, 25.0 * speed, 0.6, k)), 0.0)
    agent_hangs = rng.random(k) < np.clip(0.15 * np.exp(-0.5 * dil), 0.02, 0.6)
    sink.write(
        "calls",
        pa.table(
            {
                "call_id": _ids("K", number, 9),
                "agent_id": _agent_col(roster, np.where(in_queue, -1, agent)),
                "queue": _dict(roster.queue[agent], CALL_QUEUES),
                "offered_at": _ts(offered),
                "answered_at": _ts(answered_at, mask=abandoned),
                "ended_at": _ts(ended),
                "abandoned": pa.array(abandoned),
                "hold_seconds": pa.array(hold),
                "wrap_seconds": pa.array(wrap),
                "hung_up_by": _dict(agent_hangs.astype(np.int64), HUNG_UP_BY, mask=abandoned),
            }
        ),
    )


def _tickets(
    sink: _Sink,
    roster: _Agents,
    counters: _Counters,
    present: B,
    midnight: int,
    rng: np.random.Generator,
) -> None:
    agent, created = _arrivals(rng, roster, present, TICKETS_PER_WORKED_DAY, midnight)
    k = len(agent)
    number = counters.ticket + np.arange(k, dtype=np.int64)
    counters.ticket += k
    speed = roster.speed[agent]
    dil = roster.diligence[agent]
    priority = np.searchsorted([0.2, 0.75, 0.95], rng.random(k), side="right").astype(np.int64)
    sla = np.rint(SLA_HOURS[priority] * 3600).astype(np.int64)
    first_response = created + np.rint(_lognormal(rng, 0.05 * sla * speed, 0.9, k)).astype(np.int64)
    # Diligent agents resolve well inside the SLA; others overrun it more often.
    resolve_median: F64 = np.asarray(0.45 * sla * np.exp(-0.25 * dil), dtype=np.float64)
    to_resolve = np.rint(_lognormal(rng, resolve_median, 0.7, k)).astype(np.int64)
    category = np.searchsorted(
        np.cumsum(TICKET_CATEGORY_SHARE), rng.random(k) * 0.9999, side="right"
    ).astype(np.int64)
    # Complaints follow weak agents; callbacks are what careless agents leave undone.
    weak = roster.skill[agent] < -0.5
    complaint = TICKET_CATEGORIES.index("投诉")
    category[weak & (rng.random(k) < 0.05)] = complaint
    callback = category == TICKET_CATEGORIES.index("回访")
    p_open = np.where(callback, np.clip(0.1 * np.exp(-0.6 * dil), 0.01, 0.5), 0.05)
    open_still = rng.random(k) < p_open
    resolved_at = np.maximum(first_response, created + to_resolve)
    reopened = ~open_still & (rng.random(k) < 0.05)
    sink.write(
        "tickets",
        pa.table(
            {
                "ticket_id": _ids("T", number, 9),
                "agent_id": _agent_col(roster, agent),
                "created_at": _ts(created),
                "first_response_at": _ts(first_response),
                "resolved_at": _ts(resolved_at, mask=open_still),
                "reopened": pa.array(reopened),
                "category": _dict(category, TICKET_CATEGORIES),
                "priority": _dict(priority, PRIORITIES),
                "sla_due_at": _ts(created + sla),
                # Tags as a help desk writes them, from what the ticket is (no random draws, so
                # the other columns stay as they were): urgent, complaint, reopened.
                "tags": pa.array(
                    [
                        ",".join(t for t, on in zip(TICKET_TAGS, flags, strict=True) if on) or None
                        for flags in zip(
                            priority == len(PRIORITIES) - 1,
                            category == complaint,
                            reopened,
                            strict=True,
                        )
                    ],
                    pa.string(),
                ),
            }
        ),
    )


def _targets(roster: _Agents, start: date, days: int, seed: int) -> pa.Table:
    """A monthly sales target per agent for every month the data touches, near what they sell."""
    rng = _rng(seed, 9)
    months = sorted(
        {((start + timedelta(days=d)).year, (start + timedelta(days=d)).month) for d in range(days)}
    )
    expected_daily = np.where(roster.queue == 0, 0.19, 0.07) * CONVERSATIONS_PER_AGENT_DAY * 129.0
    rows_agent: list[int] = []
    rows_period: list[str] = []
    rows_target: list[float] = []
    for year, month in months:
        stretch = rng.uniform(0.9, 1.3, roster.n)
        target = np.round(expected_daily * 30 * stretch / 1000) * 1000
        for i in range(roster.n):
            rows_agent.append(i)
            rows_period.append(f"{year:04d}-{month:02d}")
            rows_target.append(float(target[i]))
    return pa.table(
        {
            "agent_id": _agent_col(roster, np.array(rows_agent, dtype=np.int64)),
            "period": pa.array(rows_period, pa.string()),
            "metric": pa.array([SALES_TARGET_METRIC] * len(rows_agent), pa.string()),
            "target": pa.array(rows_target, pa.float64()),
        }
    )


# --- columns ----------------------------------------------------------------------------------


def _position(counts: I64) -> I64:
    """0, 1, ... within each segment of the given lengths."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(starts, counts)


def _segment_cumsum(values: I64, counts: I64) -> I64:
    """Running sum of ``values`` restarting at each segment."""
    cs = np.cumsum(values)
    ends = np.cumsum(counts)
    before = np.concatenate([[0], cs[ends[:-1] - 1]]) if len(counts) else np.zeros(0, np.int64)
    return np.asarray(cs - np.repeat(before, counts), dtype=np.int64)


def _ids(prefix: str, numbers: I64, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers + 1, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _dict(indices: I64, values: list[str], mask: B | None = None) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int32), mask=mask), pa.array(values, pa.string())
    )


def _agent_col(roster: _Agents, idx: I64) -> pa.Array:
    """Agent ids from indices; a negative index is no agent (null)."""
    return _dict(np.maximum(idx, 0), roster.ids, mask=idx < 0)


def _ts(seconds: I64, mask: B | None = None) -> pa.Array:
    return pa.array(seconds * 1_000_000, pa.timestamp("us", tz="UTC"), mask=mask)


def _money(cents: I64) -> pa.Array:
    """Decimal(18, 2) straight from integer cents (the unscaled value), exact."""
    raw = np.zeros((len(cents), 2), dtype=np.int64)
    raw[:, 0] = cents
    raw[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [None, pa.py_buffer(raw)])


def _for_csv(table: pa.Table) -> pa.Table:
    """CSV cells: dictionaries as plain text, timestamps as ISO 8601 UTC whole seconds."""
    columns = []
    for col in table.columns:
        if pa.types.is_dictionary(col.type):
            col = col.cast(pa.string())
        elif pa.types.is_timestamp(col.type):
            col = pc.strftime(
                col.cast(pa.timestamp("s", tz="UTC")), format="%Y-%m-%dT%H:%M:%S+00:00"
            )
        columns.append(col)
    return pa.table(columns, names=table.column_names)


def iter_table_files(out: Path, fmt: Format) -> Iterator[tuple[str, Path]]:
    """(table name, file) for every canonical table in a generated folder."""
    for name in TABLES:
        yield name, out / f"{name}.{fmt}"
