"""What the pages draw from a cycle's results, kept between requests (docs/architecture.md).

The team dashboard's charts, leaderboard and flags, and the team averages on a scorecard, are the
same for everyone who sees the same results: they are built once and kept in Django's cache
(``CACHES``, a local-memory cache in each server process) under a key that names

- what was read: the cycle and the scope (``hr`` for every team, else the team ids),
- the version of what was read, taken from the database on every request: the number and the
  highest id of the results in that scope (a computation, a recompute, a correction or an appeal's
  rescore adds rows), the highest audit-log id of the cycle (a calibration, a publication and
  every other change to a cycle's results is audited with the cycle's id, also those that change
  a row in place), the highest id of the cycle's kept team means (``TeamHeat``, written
  again when an agent moves to another team, which is audited without a cycle), and the highest
  audit-log id of a change to an agent or a team (a rename, also audited without a cycle),
- the language, since labels inside the charts are translated.

So a change is never served stale, in any process, and there is nothing to invalidate: a new
version is a new key, and the old entries age out of the cache. The version costs two indexed
aggregate queries, the rebuilt value one read of every result in scope.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, QuerySet, Subquery
from django.utils.translation import get_language

from appraise.web.audit.models import AuditLog
from appraise.web.evaluations.models import Result, TeamHeat
from appraise.web.memo import remember

T = TypeVar("T")

# Long enough for a month-end's morning; a version change makes a new key well before.
TIMEOUT_SECONDS = 3600

# The audited changes of the people and teams whose names the kept values show.
ORG_ACTIONS = ("agent.create", "agent.update", "team.create", "team.set_supervisors")


def results_version(cycle_id: int, results: QuerySet[Result]) -> str:
    """Changes whenever anything a page reads from these results may have changed."""
    audited = AuditLog.objects.filter(cycle_id=cycle_id).order_by("-id").values("id")[:1]
    # The kept team means are written again (new ids) when an agent moves to another team,
    # which changes no result and is audited without the cycle's id.
    heats = TeamHeat.objects.filter(cycle_id=cycle_id).order_by("-id").values("id")[:1]
    # The people and teams the pages name: a rename is audited without a cycle, and the names
    # are read when the value is built (these entries are few: the action's index finds them).
    named = AuditLog.objects.filter(action__in=ORG_ACTIONS).order_by("-id").values("id")[:1]
    # One query: the audit log's and the team means' parts are subqueries beside the aggregates.
    seen = (
        results.order_by()
        .values("cycle_id")
        .annotate(
            n=Count("id"),
            last=Max("id"),
            audited=Subquery(audited),
            heats=Subquery(heats),
            named=Subquery(named),
        )
        .values_list("n", "last", "audited", "heats", "named")
    )
    n, last, logged, kept, names = next(iter(seen), (0, None, None, None, None))
    if n == 0:
        logged = AuditLog.objects.filter(cycle_id=cycle_id).aggregate(last=Max("id"))["last"]
    return f"{n}.{last}.{logged}.{kept}.{names}"


# How far back :func:`changes_version` counts the audit log's latest entries (see there).
RECENT_ENTRIES = 1000


def changes_version() -> str:
    """Changes whenever anything at all was changed (every change is audited), in one query.

    The highest audit-log id alone would miss a transaction that took its id before another one
    that committed first (a reader could see the later id without the earlier change, and keep
    what it read under that id): the number of entries among the last ``RECENT_ENTRIES`` ids
    grows when such a change commits. One still open while more than that many others commit is
    seen only when the entry times out (``cached``'s ``timeout``).
    """
    # Every kept page and to-do count asks this on every request: one plain statement, as the
    # ORM spent more time building this aggregate (~1.5 ms) than the database answering it.
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(id), COUNT(id) FROM {table} "  # the table name is ours
            f"WHERE id > (SELECT id FROM {table} ORDER BY id DESC LIMIT 1) - %s",
            [RECENT_ENTRIES],
        )
        last, n = cursor.fetchone()
    return f"{last}.{n}"


def current_version() -> str:
    """:func:`changes_version`, read once a request (the menu's to-do count and the kept pages,
    ``appraise.web.pagecache``, both ask)."""
    return remember("changes_version", changes_version)


def cached(
    what: str,
    parts: Sequence[object],
    build: Callable[[], T],
    timeout: int = TIMEOUT_SECONDS,
) -> T:
    """``build()``, or the value kept under ``what`` and ``parts`` (with the language)."""
    digest = hashlib.sha1(repr((*parts, get_language())).encode(), usedforsecurity=False)
    key = f"appraise:{what}:{digest.hexdigest()}"
    found: Any = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    cache.set(key, value, timeout)
    return value


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a value is built from every result in scope.

    Nothing such a build makes is a cycle: it makes lists and dicts by the hundred thousand (a
    10,000-agent cycle's 110,000 heat cells), and every few thousand of them the collector ran
    through them and through everything else the process holds, a quarter of the dashboard's
    cache miss. It runs again at its next allocation after the build. The switch is the
    process's: a thread that finds it off (another build) leaves it to the one that turned it
    off, which turns it on again.
    """
    was_on = gc.isenabled()
    if was_on:
        gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
