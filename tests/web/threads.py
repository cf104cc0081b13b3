"""Writers at the same moment: real threads, each with its own database connection, released
together by a barrier (issue 16.2). On SQLite the test database is a file in WAL mode with the
production OPTIONS (settings.py: IMMEDIATE transactions and a busy timeout); on PostgreSQL
(``DATABASE_URL``) the same tests run against the server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

from appraise.web.errors import AppError

T = TypeVar("T")


def at_once(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``work(0..n-1)`` in n threads that start together; what each returned or raised."""
    barrier = threading.Barrier(n)
    outcome: list[T | BaseException] = [RuntimeError("did not run")] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome[i] = work(i)
        except BaseException as exc:
            outcome[i] = exc
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcome


def database_errors(outcome: list[object]) -> list[BaseException]:
    """What would have been a 500: anything raised that is not an application refusal."""
    return [x for x in outcome if isinstance(x, BaseException) and not isinstance(x, AppError)]
