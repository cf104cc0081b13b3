"""The event store: the one module that opens DuckDB connections.

Every other module (import, metric engine, benchmark) gets its connection from here, so the
canonical tables, their types and the session settings are the same everywhere. The session time
zone is UTC: TIMESTAMPTZ values are instants, and UTC makes their text form and any cast to a
naive TIMESTAMP mean UTC without surprises. (Fetching TIMESTAMPTZ as Python objects needs pytz,
which is not installed: fetch through Arrow, or cast to TIMESTAMP or VARCHAR in SQL.)
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from appraise.messages import message
from appraise.metrics.config import CenterConfig
from appraise.metrics.schema import DUCKDB_TYPES, TABLES, Table
from appraise.problems import Problem, ProblemsError

DEFAULT_STORE = Path("appraise.duckdb")

# DuckDB's memory budget when metrics are computed on a store file (`appraise metrics`, the QA
# and scoring commands, the web app): past it, sorts, joins and aggregates spill to
# ``temp_directory`` instead of growing. Without it DuckDB takes up to 80 % of the machine; the
# whole catalog on a 10,000-agent month peaked at 3.9 GB (docs/scale.md, "When to move"). The
# importer has its own (1 GiB, appraise.metrics.importer.IMPORT_MEMORY_LIMIT).
CATALOG_MEMORY_LIMIT = "2GiB"
# Environment variables that set the budget where no option does (the web app, the task worker).
MEMORY_LIMIT_ENV = "APPRAISE_DUCKDB_MEMORY_LIMIT"
TEMP_DIRECTORY_ENV = "APPRAISE_DUCKDB_TEMP_DIRECTORY"
THREADS_ENV = "APPRAISE_DUCKDB_THREADS"
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*([KMGT]i?B|B)?\s*$", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def size_bytes(value: str) -> int | None:
    """Bytes of a size as DuckDB takes and writes them (``1GiB``, ``1500 MB``, ``18.8 GiB``, a
    bare number of bytes); None for anything else."""
    match = _MEMORY.match(value)
    if match is None:
        return None
    unit = (match.group(2) or "B").upper()
    number = value.strip()[: len(value.strip()) - (len(unit) if match.group(2) else 0)]
    return int(float(number) * _UNITS[unit])


@dataclass(frozen=True, slots=True)
class Budget:
    """What a metric computation may take from the machine: DuckDB's ``memory_limit``, the folder
    it spills to, and its threads.

    ``temp_directory`` is a parent folder: a process spills into a new folder of its own inside
    it (DuckDB makes it when it first spills and removes it on close), so processes that read the
    same store never share spill files. ``None``: the system's temporary folder. (The connections
    of one process to one store file share DuckDB's instance, and so its settings: the last
    budget applied is theirs.)
    ``threads`` ``None`` is DuckDB's default, one per core.
    """

    memory_limit: str = CATALOG_MEMORY_LIMIT
    temp_directory: Path | None = None
    threads: int | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        memory_limit: str | None = None,
        temp_directory: Path | None = None,
        threads: int | None = None,
    ) -> Budget:
        """The budget the arguments give, then the ``APPRAISE_DUCKDB_*`` variables, then the
        defaults; checked (a :class:`ProblemsError` for a value DuckDB would refuse)."""
        env = os.environ if environ is None else environ
        limit = memory_limit or env.get(MEMORY_LIMIT_ENV) or CATALOG_MEMORY_LIMIT
        folder = temp_directory or (
            Path(env[TEMP_DIRECTORY_ENV]) if env.get(TEMP_DIRECTORY_ENV) else None
        )
        count: int | str | None = threads if threads is not None else env.get(THREADS_ENV)
        problems = []
        if not _MEMORY.match(limit):
            problems.append(
                Problem(
                    "error",
                    "memory_limit",
                    message(
                        "store.memory_limit",
                        "the memory limit must be a size such as 2GiB or 1500MB, not {value}",
                        value=repr(limit),
                    ),
                    MEMORY_LIMIT_ENV,
                )
            )
        number: int | None = None
        if count is not None and count != "":
            try:
                number = int(count)
            except ValueError:
                number = 0
            if number < 1:
                problems.append(
                    Problem(
                        "error",
                        "threads",
                        message(
                            "store.threads",
                            "threads must be a whole number of at least 1, not {value}",
                            value=repr(count),
                        ),
                        THREADS_ENV,
                    )
                )
        if problems:
            raise ProblemsError(problems)
        return cls(limit.replace(" ", ""), folder, number)

    def apply(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Set the budget on a connection."""
        parent = self.temp_directory or Path(tempfile.gettempdir())
        spill = parent / f"appraise-duckdb-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        conn.execute(f"SET memory_limit = '{self.memory_limit}'")
        conn.execute("SET temp_directory = '" + str(spill).replace("'", "''") + "'")
        if self.threads is not None:
            conn.execute(f"SET threads = {int(self.threads)}")


def table_ddl(table: Table) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for one canonical table, columns in schema order."""
    cols = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in table.columns)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols})'


# Which canonical columns the imported files gave (a mapped or derived column counts, even when
# empty): a metric that reads a column no file gave is not computable, not 0 % or 100 %.
PROVIDED_TABLE = "_provided"
PROVIDED_DDL = (
    f"CREATE TABLE IF NOT EXISTS {PROVIDED_TABLE} "
    "(tbl VARCHAR, col VARCHAR, provided BOOLEAN, PRIMARY KEY (tbl, col))"
)


def create_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical table that does not exist yet; existing data is left alone.

    A store made before a column was added to the schema (tickets' ``tags``) gets it, empty."""
    for table in TABLES.values():
        conn.execute(table_ddl(table))
    have = set(
        conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        ).fetchall()
    )
    for table in TABLES.values():
        for c in table.columns:
            if (table.name, c.name) not in have:
                conn.execute(
                    f'ALTER TABLE "{table.name}" ADD COLUMN "{c.name}" {DUCKDB_TYPES[c.type]}'
                )
    conn.execute(PROVIDED_DDL)


def open_store(
    path: Path | str | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (or create) an event store; ``None`` is an in-memory store.

    A writable store gets any missing canonical tables. A read-only store must already exist.
    """
    database = ":memory:" if path is None else str(path)
    if path is not None and read_only and not Path(path).is_file():
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "store_missing",
                    message("store.missing", "the event store does not exist"),
                    str(path),
                )
            ]
        )
    try:
        conn = duckdb.connect(database, read_only=read_only and path is not None)
    except duckdb.Error as exc:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "store_unreadable",
                    message(
                        "store.unreadable", "cannot open the event store: {error}", error=str(exc)
                    ),
                    database,
                )
            ]
        ) from exc
    conn.execute("SET TimeZone = 'UTC'")
    if not read_only or path is None:
        create_tables(conn)
    return conn


def open_data(
    path: Path | str, *, config: CenterConfig | None = None, budget: Budget | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the events at ``path``: a store file, or a folder of canonical files.

    A folder is imported into an in-memory store (with ``mapping.yaml`` from the folder if it has
    one, and ``config`` or the folder's ``center.yaml``), so ``appraise metrics --data DIR`` works
    on raw exports without a separate import step. A store file is opened read-only, under
    ``budget`` (default: :meth:`Budget.from_env`); an in-memory store keeps DuckDB's default
    budget, as its data cannot go anywhere else.
    """
    # Imported here: the importer needs nothing from this module, but this module's callers
    # should not pay for loading the importer when they only open a store file.
    from appraise.metrics.importer import import_folder
    from appraise.metrics.mapping import ColumnMapping

    p = Path(path)
    if p.is_dir():
        cfg = config if config is not None else CenterConfig.for_folder(p)
        mapping_file = p / "mapping.yaml"
        mapping = ColumnMapping.load(mapping_file) if mapping_file.is_file() else None
        conn = open_store(None)
        try:
            import_folder(conn, p, config=cfg, mapping=mapping)
        except BaseException:
            conn.close()
            raise
        return conn
    if p.is_file():
        chosen = budget if budget is not None else Budget.from_env()
        conn = open_store(p, read_only=True)
        chosen.apply(conn)
        return conn
    raise ProblemsError(
        [
            Problem(
                "error",
                "data_missing",
                message("store.no_data", "no such event store file or data folder"),
                str(p),
            )
        ]
    )
