"""Which metrics are better when lower: durations, and rates and counts of bad things.

Written once, here, from a metric's unit and id: the scheme validator warns when a rule gives
more points for more of such a metric (a `target` without ``better: lower`` on response time).
A duration (unit ``seconds``) is better short. Otherwise the id says it: a word of the id (split
at ``_``) that names something bad (``abandonment_rate``, ``refund_rate``, ``reopen_rate``,
``complaint_rate``, ``bad_review_rate``, ``transfer_rate``, ``late_count``, ``absences``,
``message_leave_rate``, a scheme's own ``churn_rate``). Everything else is taken to be better
higher, or is not judged (a count of conversations, an average order value).
"""

from __future__ import annotations

LOWER_UNITS = frozenset({"seconds", "秒"})
BAD_WORDS = frozenset(
    {
        "abandonment",
        "absence",
        "absences",
        "bad",
        "churn",
        "complaint",
        "complaints",
        "late",
        "leave",
        "refund",
        "refunds",
        "reopen",
        "transfer",
    }
)


def lower_is_better(metric_id: str, unit: str | None) -> bool:
    """Whether less of the metric is better (see the module's text for the rule)."""
    if unit is not None and unit.strip().lower() in LOWER_UNITS:
        return True
    return not BAD_WORDS.isdisjoint(metric_id.lower().split("_"))
