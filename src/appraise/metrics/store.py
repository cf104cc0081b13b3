"""The event store: the one module that opens DuckDB connections.

Every other module (import, metric engine, benchmark) gets its connection from here, so the
canonical tables, their types and the session settings are the same everywhere. The session time
zone is UTC: TIMESTAMPTZ values are instants, and UTC makes their text form and any cast to a
naive TIMESTAMP mean UTC without surprises. (Fetching TIMESTAMPTZ as Python objects needs pytz,
which is not installed: fetch through Arrow, or cast to TIMESTAMP or VARCHAR in SQL.)
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from appraise.messages import message
from appraise.metrics.config import CenterConfig
from appraise.metrics.schema import DUCKDB_TYPES, TABLES, Table
from appraise.problems import Problem, ProblemsError

DEFAULT_STORE = Path("appraise.duckdb")


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


def open_data(path: Path | str, *, config: CenterConfig | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the events at ``path``: a store file, or a folder of canonical files.

    A folder is imported into an in-memory store (with ``mapping.yaml`` from the folder if it has
    one, and ``config`` or the folder's ``center.yaml``), so ``appraise metrics --data DIR`` works
    on raw exports without a separate import step. A store file is opened read-only.
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
        return open_store(p, read_only=True)
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
