"""The catalog's DuckDB budget: memory_limit, the spill folder and threads reach DuckDB, from the
arguments, the environment or the defaults, and the values do not depend on it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import appraise.metrics.store as store_module
from appraise.cli import app
from appraise.metrics.config import CenterConfig
from appraise.metrics.engine import compute_metrics
from appraise.metrics.generate import generate_center
from appraise.metrics.importer import import_folder
from appraise.metrics.store import (
    CATALOG_MEMORY_LIMIT,
    MEMORY_LIMIT_ENV,
    TEMP_DIRECTORY_ENV,
    THREADS_ENV,
    Budget,
    open_data,
    open_store,
)
from appraise.periods import Period
from appraise.problems import ProblemsError


def _settings(conn: duckdb.DuckDBPyConnection) -> tuple[str, int, str]:
    ((limit, threads, folder),) = conn.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory')"
    ).fetchall()
    return str(limit), int(threads), str(folder)


def _week_store(tmp_path: Path) -> Path:
    """A store file of a generated week of 20 agents (2026-10)."""
    generate_center(tmp_path / "center", agents=20, days=7, seed=5)
    path = tmp_path / "events.duckdb"
    conn = open_store(path)
    import_folder(conn, tmp_path / "center", config=CenterConfig())
    conn.close()
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    open_store(path).close()
    return path


def test_a_store_file_opens_under_the_catalog_budget_by_default(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (MEMORY_LIMIT_ENV, TEMP_DIRECTORY_ENV, THREADS_ENV):
        monkeypatch.delenv(name, raising=False)
    limit, _, folder = _settings(open_data(store))
    # DuckDB writes 2GiB back as "2.0 GiB".
    assert CATALOG_MEMORY_LIMIT == "2GiB" and limit == "2.0 GiB"
    # A spill folder of the process's own inside the system's temporary folder.
    assert Path(folder).parent == Path(tempfile.gettempdir())
    assert Path(folder).name.startswith(f"appraise-duckdb-{os.getpid()}-")


def test_the_budget_given_reaches_duckdb(store: Path, tmp_path: Path) -> None:
    conn = open_data(store, budget=Budget("300MiB", tmp_path / "spill", 1))
    limit, threads, folder = _settings(conn)
    assert (limit, threads) == ("300.0 MiB", 1)
    assert Path(folder).parent == tmp_path / "spill"


def test_the_environment_sets_the_budget_and_arguments_win(tmp_path: Path) -> None:
    env = {MEMORY_LIMIT_ENV: "1500MB", TEMP_DIRECTORY_ENV: str(tmp_path), THREADS_ENV: "3"}
    assert Budget.from_env(env) == Budget("1500MB", tmp_path, 3)
    assert Budget.from_env(env, memory_limit="4 GiB", threads=1) == Budget("4GiB", tmp_path, 1)
    assert Budget.from_env({}) == Budget(CATALOG_MEMORY_LIMIT, None, None)


def test_a_budget_duckdb_would_refuse_is_a_problem() -> None:
    with pytest.raises(ProblemsError) as caught:
        Budget.from_env({MEMORY_LIMIT_ENV: "lots", THREADS_ENV: "0"})
    assert [p.code for p in caught.value.errors] == ["memory_limit", "threads"]
    with pytest.raises(ProblemsError) as words:
        Budget.from_env({THREADS_ENV: "two"})
    assert [p.code for p in words.value.errors] == ["threads"]


def test_the_catalog_values_do_not_depend_on_the_budget(tmp_path: Path) -> None:
    """The whole catalog on a generated week, opened as before (no budget, every core) and under
    a small budget on one thread: the same value for every agent and metric."""
    path = _week_store(tmp_path)
    period = Period.parse("2026-10")
    plain = open_store(path, read_only=True)
    before = compute_metrics(plain, period, config=CenterConfig())
    plain.close()
    tight = open_data(path, budget=Budget("64MiB", tmp_path / "spill", 1))
    after = compute_metrics(tight, period, config=CenterConfig())
    tight.close()
    assert len(before) == 20 and any(v is not None for a in before.values() for v in a.values())
    assert after == before


def test_appraise_metrics_passes_its_options_to_duckdb(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int, str]] = []
    real = store_module.open_data

    def recording(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        conn = real(*args, **kwargs)
        seen.append(_settings(conn))
        return conn

    monkeypatch.setattr(store_module, "open_data", recording)
    spill = tmp_path / "spill"
    result = CliRunner().invoke(
        app,
        ["metrics", "--data", str(store), "--period", "2026-10", "--metric", "reply_rate",
         "--memory-limit", "512MiB", "--threads", "1", "--temp-dir", str(spill)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"period": "2026-10", "metrics": {}}
    ((limit, threads, folder),) = seen
    assert (limit, threads, Path(folder).parent) == ("512.0 MiB", 1, spill)
    bad = CliRunner().invoke(
        app, ["metrics", "--data", str(store), "--period", "2026-10", "--memory-limit", "lots"]
    )
    assert bad.exit_code != 0
    assert "2GiB" in bad.output


def test_a_budget_too_small_for_the_period_says_so(tmp_path: Path) -> None:
    """8 MiB is less than DuckDB needs to compute the catalog of a generated week (it cannot
    spill everything): the command says which limit and which option, no traceback, no values."""
    path = _week_store(tmp_path)
    result = CliRunner().invoke(
        app,
        ["--lang", "en", "metrics", "--data", str(path), "--period", "2026-10",
         "--memory-limit", "8MiB", "--threads", "1"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "memory limit of 8MiB" in result.stderr and "--memory-limit" in result.stderr
    assert result.stdout == ""


def test_the_import_works_under_its_budget_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APPRAISE_IMPORT_MEMORY_LIMIT is DuckDB's memory_limit while the files are checked and
    written (1 GiB without it), and the connection's own limit is back afterwards; a
    connection whose own limit is lower keeps it."""
    import appraise.metrics.importer as importer

    generate_center(tmp_path / "center", agents=2, days=1, seed=3)
    during: list[str] = []
    real = importer._import

    def recording(conn: duckdb.DuckDBPyConnection, *args: Any) -> Any:
        during.append(_settings(conn)[0])
        return real(conn, *args)

    monkeypatch.setattr(importer, "_import", recording)
    monkeypatch.delenv(importer.IMPORT_MEMORY_LIMIT_ENV, raising=False)
    for name, env, own, expected in (
        ("default", None, "4GiB", "1.0 GiB"),  # IMPORT_MEMORY_LIMIT, 2**30 bytes
        ("set", "300MiB", "4GiB", "300.0 MiB"),
        ("spaced", " 1500 MB ", "4GiB", "1.3 GiB"),  # 1.5e9 B = 1.397 GiB, shown truncated
        ("lower", "300MiB", "200MiB", "200.0 MiB"),
    ):
        if env is not None:
            monkeypatch.setenv(importer.IMPORT_MEMORY_LIMIT_ENV, env)
        conn = open_store(tmp_path / f"{name}.duckdb")
        conn.execute(f"SET memory_limit = '{own}'")
        before = _settings(conn)[0]
        import_folder(conn, tmp_path / "center", config=CenterConfig())
        assert during[-1] == expected
        assert _settings(conn)[0] == before
        conn.close()


@pytest.mark.parametrize("value", ["lots", "0", "2 XB", "-1GiB"])
def test_a_bad_import_budget_is_a_clear_error_in_chinese_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from appraise.metrics.importer import IMPORT_MEMORY_LIMIT_ENV

    generate_center(tmp_path / "center", agents=2, days=1, seed=3)
    monkeypatch.setenv(IMPORT_MEMORY_LIMIT_ENV, value)
    store = tmp_path / "store.duckdb"
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(store), tmp_path / "center", config=CenterConfig())
    assert [(p.code, p.file) for p in caught.value.errors] == [
        ("memory_limit", IMPORT_MEMORY_LIMIT_ENV)
    ]
    runner = CliRunner()
    chinese = runner.invoke(app, ["import", str(tmp_path / "center"), "--store", str(store)])
    assert chinese.exit_code == 1
    assert "内存上限应是一个大小" in chinese.output and IMPORT_MEMORY_LIMIT_ENV in chinese.output
    assert repr(value) in chinese.output and "Traceback" not in chinese.output
    english = runner.invoke(
        app, ["--lang", "en", "import", str(tmp_path / "center"), "--store", str(store)]
    )
    assert "the memory limit must be a size such as 2GiB" in english.output


def test_quantile_parts_follow_the_rows_and_the_budget() -> None:
    """ceil(rows x aggregates x 40 bytes / (limit / 2)): 9 million first responses with a median
    and a 90th percentile need 720,000,000 bytes; half of 256 MiB is 134,217,728, so 6 parts
    (5.36 rounded up); under 2 GiB (half: 1,073,741,824) one part. No known limit: one part."""
    from appraise.metrics.engine import HOLISTIC_BYTES_PER_VALUE, holistic_parts

    assert HOLISTIC_BYTES_PER_VALUE == 40
    assert holistic_parts(9_000_000, 2, 256 * 2**20) == 6
    assert holistic_parts(9_000_000, 2, 2 * 2**30) == 1
    assert holistic_parts(0, 2, 256 * 2**20) == 1
    assert holistic_parts(9_000_000, 2, None) == 1


def test_a_source_whose_quantiles_would_not_fit_runs_by_parts_of_agents_with_the_same_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The conversations' source holds the first response time's median and 90th percentile:
    run in 4 parts of agents (each agent in one), every agent's values are those of the whole
    query. The parts are asked for with the rows the source aggregates, counted here as its
    WHERE reads them: the month's conversations (Shanghai time) that have an owner."""
    import appraise.metrics.engine as engine

    path = _week_store(tmp_path)
    period = Period.parse("2026-10")
    whole = open_data(path)
    before = compute_metrics(whole, period, config=CenterConfig())
    whole.close()
    asked: list[tuple[int, int]] = []
    real = engine.holistic_parts

    def four(rows: int, holistic: int, limit: int | None) -> int:
        asked.append((rows, holistic))
        assert real(rows, holistic, limit) == 1  # a week of 20 agents fits in 2 GiB
        return 4

    monkeypatch.setattr(engine, "holistic_parts", four)
    parted = open_data(path)
    after = compute_metrics(parted, period, config=CenterConfig())
    ((owned,),) = parted.execute(
        "SELECT count(*) FROM conversation_facts WHERE owner_id IS NOT NULL "
        "AND started_at >= TIMESTAMPTZ '2026-09-30 16:00:00+00' "
        "AND started_at < TIMESTAMPTZ '2026-10-31 16:00:00+00'"
    ).fetchall()
    parted.close()
    assert asked == [(owned, 2)] and owned > 1000
    assert len(after) == 20 and after == before
