"""A plain pandas implementation of four chat metrics, the yardstick for the DuckDB engine.

It computes what docs/metrics.md defines (and the engine's SQL computes), the way a competent
analyst would write it in pandas: read the columns, sort the messages, number the runs, group.

* ``first_response_time_mean``: per owner (``conversations.agent_id``), the mean over the owner's
  conversations started in the period of (first agent message answering a customer message −
  first customer message), in seconds. Bot and system messages are ignored.
* ``reply_time_mean``: every run of customer messages followed by an agent message, measured from
  the first customer message of the run to that agent message; credited to the replying agent
  (the owner when the message names none); conversations started in the period.
* ``csat``: surveys submitted in the period with a CSAT of 1-5; share with 4 or 5, in percent.
* ``conversion_rate``: distinct customers the owner chatted with (conversations started in the
  period) who have an order from that agent created in the period, ÷ those customers, in percent.

Timestamps are compared as UTC instants; the period is local midnight to local midnight in the
center's time zone. Without a calendar every second counts (the engine's default).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from appraise.periods import Period

METRICS = ("first_response_time_mean", "reply_time_mean", "csat", "conversion_rate")
Values = dict[str, dict[str, float | None]]

_COLUMNS = {
    "conversations": ["conversation_id", "customer_id", "agent_id", "started_at"],
    "messages": ["conversation_id", "sent_at", "sender", "agent_id", "seq"],
    "surveys": ["agent_id", "submitted_at", "csat"],
    "orders": ["customer_id", "agent_id", "created_at"],
}


def period_bounds_us(period: Period, timezone: str = "Asia/Shanghai") -> tuple[int, int]:
    """The period as epoch microseconds: local midnight of its first day to that after it."""
    tz = ZoneInfo(timezone)

    def at(d: object) -> int:
        local = datetime.combine(d, time(0), tzinfo=tz)  # type: ignore[arg-type]
        return int(local.astimezone(UTC).timestamp()) * 1_000_000

    return at(period.start), at(period.end)


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """The four tables' needed columns from a folder of canonical Parquet (or CSV) files."""
    frames = {}
    for name, columns in _COLUMNS.items():
        parquet = folder / f"{name}.parquet"
        if parquet.is_file():
            frames[name] = pd.read_parquet(parquet, columns=columns)
        else:
            frames[name] = pd.read_csv(folder / f"{name}.csv", usecols=columns)
    return frames


def pandas_metrics(folder: Path, period: Period, timezone: str = "Asia/Shanghai") -> Values:
    """agent_id -> the four metrics, computed with pandas from the files in ``folder``."""
    return compute(read_folder(folder), *period_bounds_us(period, timezone))


def _us(s: pd.Series) -> pd.Series:
    """Epoch microseconds of a timestamp column (text is parsed as ISO 8601)."""
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, utc=True, format="ISO8601")
    elif s.dt.tz is None:
        s = s.dt.tz_localize("UTC")
    return s.dt.tz_convert("UTC").astype("datetime64[us, UTC]").astype("int64")


def _id(s: pd.Series) -> pd.Series:
    """Ids as text, empty text as missing (as the engine's ``nullif(x, '')``)."""
    s = s.astype("string")
    return s.mask(s == "")


def _mean_seconds(groups: pd.core.groupby.SeriesGroupBy) -> pd.Series:
    """Exact microsecond sums divided once, as the engine does."""
    totals = groups.agg(["sum", "count"])
    return totals["sum"].astype(np.float64) / totals["count"] / 1e6


def compute(frames: dict[str, pd.DataFrame], start_us: int, end_us: int) -> Values:
    """The four metrics from DataFrames with the canonical columns, for ``[start_us, end_us)``."""
    conv = frames["conversations"]
    conv = pd.DataFrame(
        {
            "conversation_id": conv["conversation_id"].astype("string"),
            "owner": _id(conv["agent_id"]),
            "customer": _id(conv["customer_id"]),
            "started": _us(conv["started_at"]),
        }
    )
    conv = conv[(conv["started"] >= start_us) & (conv["started"] < end_us)]

    # Messages: customers and agents only, numbered by how many agent messages precede them.
    msg = frames["messages"]
    msg = msg[msg["sender"].isin(["customer", "agent"])]
    codes, uniques = pd.factorize(msg["conversation_id"])
    # Agents as small integer codes (-1: none): 30 million Python strings would not fit.
    agent_codes, agent_names = pd.factorize(_id(msg["agent_id"]))
    m = pd.DataFrame(
        {
            "conv": codes,
            "t": _us(msg["sent_at"]).to_numpy(),
            "seq": msg["seq"].fillna(0).to_numpy(dtype=np.int64),
            "is_agent": (msg["sender"] == "agent").to_numpy(),
            "agent": agent_codes,
        }
    )
    m = m.sort_values(["conv", "t", "seq", "is_agent"], kind="stable")
    agent_flag = m["is_agent"].astype(np.int64)
    m["k"] = agent_flag.groupby(m["conv"]).cumsum() - agent_flag
    # Run k: customer messages after k agent messages; its reply: the agent message after them.
    runs = m.loc[~m["is_agent"]].groupby(["conv", "k"], sort=False)["t"].min()
    runs = runs.rename("run_start").reset_index()
    replies = m.loc[m["is_agent"], ["conv", "k", "t", "agent"]]
    answered = runs.merge(replies, on=["conv", "k"], how="inner")
    answered["gap"] = answered["t"] - answered["run_start"]

    first_customer = runs.groupby("conv")["run_start"].min()
    first_reply = answered.groupby("conv")["t"].min()
    first_response = (first_reply - first_customer.reindex(first_reply.index)).rename("fr")

    conv["conv"] = pd.Index(uniques).get_indexer(conv["conversation_id"])
    owned = conv[conv["owner"].notna()]
    fr = owned.merge(first_response, left_on="conv", right_index=True, how="inner")
    fr_mean = _mean_seconds(fr.groupby("owner")["fr"])

    # Credited to the replying agent, or to the owner when the message names no agent.
    rep = answered.merge(conv[["conv", "owner"]], on="conv", how="inner")
    named = rep[rep["agent"] >= 0]
    by_agent = named.groupby("agent")["gap"].agg(["sum", "count"])
    by_agent.index = pd.Index(np.asarray(agent_names, dtype=object)[by_agent.index.to_numpy()])
    unnamed = rep[(rep["agent"] < 0) & rep["owner"].notna()]
    by_owner = unnamed.groupby("owner")["gap"].agg(["sum", "count"])
    totals = pd.concat([by_agent, by_owner]).groupby(level=0).sum()
    reply_mean = totals["sum"].astype(np.float64) / totals["count"] / 1e6

    # CSAT: surveys submitted in the period, 4-5 of 5.
    sv = frames["surveys"]
    sv = pd.DataFrame(
        {"agent": _id(sv["agent_id"]), "t": _us(sv["submitted_at"]), "csat": sv["csat"]}
    )
    sv = sv[(sv["t"] >= start_us) & (sv["t"] < end_us) & sv["agent"].notna()]
    sv = sv[sv["csat"].between(1, 5)]
    csat = sv.assign(good=sv["csat"] >= 4).groupby("agent")["good"].mean() * 100

    # Conversion: the owner's distinct customers, and those who ordered from the owner.
    chatted = owned[owned["customer"].notna()][["owner", "customer"]].drop_duplicates()
    od = frames["orders"]
    od = pd.DataFrame(
        {
            "owner": _id(od["agent_id"]),
            "customer": _id(od["customer_id"]),
            "t": _us(od["created_at"]),
        }
    )
    od = od[(od["t"] >= start_us) & (od["t"] < end_us)].dropna(subset=["owner", "customer"])
    bought = od[["owner", "customer"]].drop_duplicates().assign(bought=True)
    chatted = chatted.merge(bought, on=["owner", "customer"], how="left")
    conversion = chatted["bought"].notna().groupby(chatted["owner"]).mean() * 100

    result: Values = {}
    for metric, series in (
        ("first_response_time_mean", fr_mean),
        ("reply_time_mean", reply_mean),
        ("csat", csat),
        ("conversion_rate", conversion),
    ):
        for agent, value in series.items():
            result.setdefault(str(agent), dict.fromkeys(METRICS))[metric] = float(value)
    return dict(sorted(result.items()))
