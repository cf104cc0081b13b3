"""`appraise metrics`: every agent's KPIs for a period, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import typer

from appraise.metrics.catalog import METRICS
from appraise.metrics.config import CenterConfig
from appraise.metrics.engine import MetricValues, compute_metrics
from appraise.periods import Period
from appraise.problems import ProblemsError


def render_json(period: Period, values: MetricValues) -> str:
    return json.dumps(
        {"period": str(period), "metrics": values}, ensure_ascii=False, indent=2, allow_nan=False
    )


def render_csv(values: MetricValues, metric_ids: list[str]) -> str:
    """One row per agent, one column per metric; an unknown value is an empty cell."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["agent_id", *metric_ids])
    for agent, row in values.items():
        writer.writerow([agent, *("" if row[m] is None else repr(row[m]) for m in metric_ids)])
    return buf.getvalue()


def _error(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add the ``metrics`` command to the CLI."""

    @app.command("metrics")
    def metrics(
        data: Path = typer.Option(
            ..., "--data", help="An event store (.duckdb) or a folder of canonical files."
        ),
        period: str = typer.Option(..., "--period", help="2026-10, 2026-Q4, 2026-W41, ..."),
        fmt: str = typer.Option("json", "--format", help="json or csv."),
        metric: list[str] | None = typer.Option(
            None, "--metric", help="Only this metric (repeatable). Default: the whole catalog."
        ),
        config_file: Path | None = typer.Option(
            None, "--config", help="Center configuration YAML (default: center.yaml in --data)."
        ),
    ) -> None:
        """Compute agent × metric values for a period (definitions: docs/metrics.md)."""
        if fmt not in ("json", "csv"):
            raise _error(f"--format must be json or csv, not {fmt!r}")
        try:
            p = Period.parse(period)
        except ValueError as exc:
            raise _error(f"--period: {exc}") from None
        try:
            if config_file is not None:
                config = CenterConfig.load(config_file)
            elif data.is_dir():
                config = CenterConfig.for_folder(data)
            else:
                config = CenterConfig.for_folder(data.parent)
            # Imported here so that `appraise --help` does not load the importer.
            from appraise.metrics.store import open_data

            conn = open_data(data, config=config)
            try:
                values = compute_metrics(conn, p, metric or None, config=config)
            finally:
                conn.close()
        except ProblemsError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1) from None
        if fmt == "json":
            typer.echo(render_json(p, values))
        else:
            ids = list(dict.fromkeys(metric)) if metric else list(METRICS)
            typer.echo(render_csv(values, ids), nl=False)
