"""`appraise metrics`: every agent's KPIs for a period, as JSON or CSV; `list`, `explain`, `rows`.

``appraise metrics --data D --period P`` computes the catalog (or ``--metric`` ids, built-in or
defined with ``--define FILE`` or in ``center.yaml``'s ``metrics:``); ``--by day`` gives the
daily (weekly, monthly) variant. ``appraise metrics explain ID`` prints a definition in words and
its SQL; ``appraise metrics rows ID --agent A`` lists the rows behind one agent's value.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import typer

from appraise.messages import message, said
from appraise.metrics.engine import MetricValues
from appraise.periods import PERIOD_KINDS, Period
from appraise.problems import ProblemsError

if TYPE_CHECKING:
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.definitions import MetricDefinition


def render_json(period: Period, values: MetricValues) -> str:
    return json.dumps(
        {"period": str(period), "metrics": values}, ensure_ascii=False, indent=2, allow_nan=False
    )


def render_json_by(period: Period, by: str, values: dict[str, MetricValues]) -> str:
    return json.dumps(
        {"period": str(period), "by": by, "periods": values},
        ensure_ascii=False,
        indent=2,
        allow_nan=False,
    )


def render_csv(values: MetricValues, metric_ids: list[str], period: str | None = None) -> str:
    """One row per agent, one column per metric; an unknown value is an empty cell."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    head = ["period"] if period is not None else []
    writer.writerow([*head, "agent_id", *metric_ids])
    lead = [period] if period is not None else []
    for agent, row in values.items():
        cells = ("" if row[m] is None else repr(row[m]) for m in metric_ids)
        writer.writerow([*lead, agent, *cells])
    return buf.getvalue()


def _error(said: str) -> typer.Exit:
    typer.echo(str(said), err=True)
    return typer.Exit(2)


def _bad_period(exc: ValueError) -> str:
    return message("cli.bad_period", "--period: {problem}", problem=said(exc))


def _one_of(option: str, allowed: str, value: str) -> str:
    a, b = allowed.split(" or ")
    return message(
        "cli.either",
        "{option} must be {a} or {b}, not {value}",
        option=option,
        a=a,
        b=b,
        value=repr(value),
    )


def _problems(exc: ProblemsError) -> typer.Exit:
    for problem in exc.problems:
        typer.echo(problem.render(), err=True)
    return typer.Exit(1)


def _config(config_file: Path | None, data: Path | None) -> tuple[CenterConfig, Path | None]:
    """The center's configuration and the file it came from (None: the defaults)."""
    from appraise.metrics.config import CenterConfig

    if config_file is not None:
        return CenterConfig.load(config_file), config_file
    if data is None:
        return CenterConfig(), None
    folder = data if data.is_dir() else data.parent
    path = folder / "center.yaml"
    return CenterConfig.for_folder(folder), (path if path.is_file() else None)


def _definitions(config_path: Path | None, define: list[Path] | None) -> list[MetricDefinition]:
    """Definitions of ``center.yaml``'s ``metrics:`` and of each ``--define`` file, checked
    against the library and each other; every problem of every file at once."""
    from appraise.metrics.definitions import library_definitions, load_center_definitions
    from appraise.metrics.definitions import load_definitions as load

    known = dict(library_definitions())
    out: list[MetricDefinition] = []
    problems: list[Any] = []
    files: list[tuple[Path, bool]] = [(config_path, True)] if config_path is not None else []
    files += [(p, False) for p in define or []]
    for path, center in files:
        try:
            found = load_center_definitions(path, known) if center else load(path, library=known)
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        out.extend(found)
        known.update({d.id: d for d in found})
    if problems:
        raise ProblemsError(problems)
    return out


def _lang(lang: str) -> Literal["zh", "en"]:
    if lang not in ("zh", "en"):
        raise _error(_one_of("--lang", "zh or en", lang))
    return cast(Literal["zh", "en"], lang)


def register(app: typer.Typer) -> None:
    """Add the ``metrics`` command (with ``explain`` and ``rows``) to the CLI."""
    metrics_app = typer.Typer(
        invoke_without_command=True,
        help="Compute agent × metric values for a period (definitions: docs/metrics.md).",
    )
    app.add_typer(metrics_app, name="metrics")

    @metrics_app.callback()
    def metrics(
        ctx: typer.Context,
        data: Path | None = typer.Option(
            None, "--data", help="An event store (.duckdb) or a folder of canonical files."
        ),
        period: str | None = typer.Option(None, "--period", help="2026-10, 2026-Q4, 2026-W41…"),
        fmt: str = typer.Option("json", "--format", help="json or csv."),
        metric: list[str] | None = typer.Option(
            None, "--metric", help="Only this metric (repeatable). Default: the whole catalog."
        ),
        config_file: Path | None = typer.Option(
            None, "--config", help="Center configuration YAML (default: center.yaml in --data)."
        ),
        define: list[Path] | None = typer.Option(
            None, "--define", help="A YAML file of metric definitions (repeatable)."
        ),
        by: str | None = typer.Option(
            None, "--by", help="day, week or month: the metrics of each sub-period."
        ),
        engine: str = typer.Option(
            "duckdb", "--engine", help="duckdb, or spark (--data: a folder of Parquet datasets)."
        ),
        master: str = typer.Option(
            "local[*]", "--master", help="With --engine spark: the Spark master URL."
        ),
        memory_limit: str | None = typer.Option(
            None,
            "--memory-limit",
            help="DuckDB's memory budget on a store file, e.g. 4GiB (default 2GiB, or "
            "APPRAISE_DUCKDB_MEMORY_LIMIT); past it DuckDB spills to --temp-dir.",
        ),
        temp_dir: Path | None = typer.Option(
            None,
            "--temp-dir",
            help="Where DuckDB spills (default: the system's temporary folder, or "
            "APPRAISE_DUCKDB_TEMP_DIRECTORY).",
        ),
        threads: int | None = typer.Option(
            None,
            "--threads",
            help="DuckDB's threads (default: one per core, or APPRAISE_DUCKDB_THREADS).",
        ),
    ) -> None:
        """Compute agent × metric values for a period (definitions: docs/metrics.md)."""
        if ctx.invoked_subcommand is not None:
            return
        if data is None or period is None:
            raise _error(
                message(
                    "cli.data_and_period",
                    "--data and --period are needed (or a command: explain, rows)",
                )
            )
        if fmt not in ("json", "csv"):
            raise _error(_one_of("--format", "json or csv", fmt))
        if engine not in ("duckdb", "spark"):
            raise _error(_one_of("--engine", "duckdb or spark", engine))
        if engine == "spark" and by is not None:
            raise _error(message("cli.by_spark", "--by is not available with --engine spark"))
        if by is not None and by not in PERIOD_KINDS:
            raise _error(
                message(
                    "cli.by",
                    "--by must be one of {kinds}, not {value}",
                    kinds=", ".join(PERIOD_KINDS),
                    value=repr(by),
                )
            )
        try:
            p = Period.parse(period)
        except ValueError as exc:
            raise _error(_bad_period(exc)) from None
        import duckdb

        from appraise.metrics.compile import resolve
        from appraise.metrics.engine import compute_metrics, compute_metrics_by
        from appraise.metrics.store import Budget, open_data

        try:
            budget = Budget.from_env(
                memory_limit=memory_limit, temp_directory=temp_dir, threads=threads
            )
            config, config_path = _config(config_file, data)
            defs = _definitions(config_path, define)
            ids = list(dict.fromkeys(metric)) if metric else None
            shown = [d.id for d in resolve(ids, defs)]
            if engine == "spark":
                from appraise.metrics.spark import compute_metrics_spark, spark_session

                spark = spark_session(master)
                try:
                    values = compute_metrics_spark(
                        spark, str(data), p, ids, config=config, definitions=defs
                    )
                finally:
                    spark.stop()
                if fmt == "json":
                    typer.echo(render_json(p, values))
                else:
                    typer.echo(render_csv(values, shown), nl=False)
                return
            conn = open_data(data, config=config, budget=budget)
            try:
                if by is None:
                    values = compute_metrics(conn, p, ids, config=config, definitions=defs)
                else:
                    split = compute_metrics_by(conn, p, by, ids, config=config, definitions=defs)
            finally:
                conn.close()
        except ProblemsError as exc:
            raise _problems(exc) from None
        except duckdb.OutOfMemoryException as exc:
            # Past the budget DuckDB spills what it can; what it cannot hold fails here.
            raise _error(
                message(
                    "cli.out_of_memory",
                    "DuckDB needed more than its memory limit of {limit} for this period: "
                    "raise --memory-limit (or APPRAISE_DUCKDB_MEMORY_LIMIT), or fewer --threads "
                    "({error})",
                    limit=budget.memory_limit,
                    error=str(exc).splitlines()[0],
                )
            ) from None
        if by is None:
            if fmt == "json":
                typer.echo(render_json(p, values))
            else:
                typer.echo(render_csv(values, shown), nl=False)
        elif fmt == "json":
            typer.echo(render_json_by(p, by, split))
        else:
            # One header, then each sub-period's rows.
            parts = [render_csv(v, shown, sub) for sub, v in split.items()]
            body = "".join(part.split("\n", 1)[1] for part in parts)
            typer.echo(parts[0].split("\n", 1)[0] + "\n" + body, nl=False)

    @metrics_app.command("list")
    def list_(
        lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
        define: list[Path] | None = typer.Option(None, "--define", help="Definitions file."),
        config_file: Path | None = typer.Option(None, "--config", help="Center configuration."),
    ) -> None:
        """Every metric that can be computed: id, name, unit (CSV)."""
        language = _lang(lang)
        from appraise.metrics.definitions import list_definitions

        try:
            _, config_path = _config(config_file, None)
            defs = _definitions(config_path, define)
        except ProblemsError as exc:
            raise _problems(exc) from None
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["id", "名称" if language == "zh" else "name", "unit"])
        for x in list_definitions(defs):
            writer.writerow([x["id"], x["name"] if language == "zh" else x["name_en"], x["unit"]])
        typer.echo(buf.getvalue(), nl=False)

    @metrics_app.command("explain")
    def explain(
        metric_id: str = typer.Argument(..., help="The metric's id."),
        lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
        define: list[Path] | None = typer.Option(None, "--define", help="Definitions file."),
        config_file: Path | None = typer.Option(None, "--config", help="Center configuration."),
        period: str | None = typer.Option(
            None, "--period", help="Fill the period into the SQL (default: placeholders)."
        ),
    ) -> None:
        """Print a metric's definition in words and the SQL that computes it."""
        language = _lang(lang)
        from appraise.metrics.compile import compile_metrics, resolve
        from appraise.metrics.engine import period_values
        from appraise.metrics.explain import describe
        from appraise.metrics.spark import to_spark_sql

        try:
            config, config_path = _config(config_file, None)
            defs = _definitions(config_path, define)
            (d,) = resolve([metric_id], defs)
            compiled = compile_metrics([d], config, _known(defs))
            values = (
                period_values(Period.parse(period), config)
                if period
                else {k: "{" + k + "}" for k in _PLACEHOLDERS}
            )
        except ProblemsError as exc:
            raise _problems(exc) from None
        except ValueError as exc:
            raise _error(_bad_period(exc)) from None
        for line in describe(d, language):
            typer.echo(line)
        (m,) = compiled.metrics
        sql_word = "SQL（DuckDB）" if language == "zh" else "SQL (DuckDB)"
        typer.echo(f"\n-- {sql_word}")
        for s in compiled.sources:
            typer.echo(f"-- {s.name}\n{s.sql.format(**values)};")
        expr = "指标表达式" if language == "zh" else "metric expression"
        typer.echo(f"-- {expr}\nSELECT {m.expr} AS {m.id};")
        typer.echo("\n-- SQL (Spark)")
        for s in compiled.sources:
            typer.echo(f"-- {s.name}\n{to_spark_sql(s.sql.format(**_spark_safe(values)))};")

    @metrics_app.command("rows")
    def rows(
        metric_id: str = typer.Argument(..., help="The metric's id."),
        agent: str = typer.Option(..., "--agent", help="The agent whose value to explain."),
        data: Path = typer.Option(..., "--data", help="An event store or a folder of files."),
        period: str = typer.Option(..., "--period", help="2026-10, 2026-Q4, 2026-W41…"),
        define: list[Path] | None = typer.Option(None, "--define", help="Definitions file."),
        config_file: Path | None = typer.Option(None, "--config", help="Center configuration."),
        lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
    ) -> None:
        """The rows behind one agent's value: each row read, whether it counted, and why not."""
        language = _lang(lang)
        try:
            p = Period.parse(period)
        except ValueError as exc:
            raise _error(_bad_period(exc)) from None
        from appraise.metrics.compile import resolve
        from appraise.metrics.engine import drilldown_rows
        from appraise.metrics.store import open_data

        try:
            config, config_path = _config(config_file, data)
            defs = _definitions(config_path, define)
            (d,) = resolve([metric_id], defs)
            conn = open_data(data, config=config)
            try:
                parts = drilldown_rows(
                    conn, p, d, agent, config=config, lang=language, known=_known(defs)
                )
            finally:
                conn.close()
        except ProblemsError as exc:
            raise _problems(exc) from None
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        head = {
            "zh": ["部分", "行", "时间", "取值", "计入", "未计入原因", "通过检验"],
            "en": ["part", "row", "at", "value", "counted", "left_out", "passed"],
        }
        writer.writerow(head[language])
        yes, no = ("是", "否") if language == "zh" else ("yes", "no")
        for label, found in parts:
            for r in found:
                passed = "" if r.passed is None else (yes if r.passed else no)
                value = r.value if isinstance(r.value, str) else _number(r.value)
                counted = no if r.left_out else yes
                writer.writerow([label, r.key, r.at, value, counted, r.left_out or "", passed])
        typer.echo(buf.getvalue(), nl=False)


_PLACEHOLDERS = (
    "start",
    "end",
    "prev_start",
    "prev_end",
    "start_date",
    "end_date",
    "prev_start_date",
    "prev_end_date",
    "period",
    "prev_period",
)


def _number(v: float | None) -> str:
    return "" if v is None else repr(v)


def _spark_safe(values: dict[str, str]) -> dict[str, str]:
    """Placeholders as parsable SQL for the Spark transpilation when no period is given."""
    if not values.get("start", "").startswith("{"):
        return values
    return {k: f"__{k}__" for k in values}


def _known(defs: list[MetricDefinition]) -> dict[str, MetricDefinition]:
    from appraise.metrics.definitions import library_definitions

    return library_definitions() | {d.id: d for d in defs}
