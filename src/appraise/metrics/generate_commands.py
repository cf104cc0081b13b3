"""`appraise generate`: write a synthetic center for demos, tests and benchmarks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from appraise.messages import message
from appraise.metrics.generate import Format, generate_center


def register(app: typer.Typer) -> None:
    """Add the ``generate`` command to the CLI."""

    @app.command("generate")
    def generate(
        out: Path = typer.Option(..., "--out", help="Folder to write the tables into."),
        agents: int = typer.Option(12, "--agents", min=1, help="Number of agents."),
        days: int = typer.Option(7, "--days", min=1, help="Number of days of data."),
        seed: int = typer.Option(1, "--seed", help="Same seed, same files (byte for byte)."),
        fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
        start: str = typer.Option("2026-10-01", "--start", help="First day, YYYY-MM-DD."),
        teams: int | None = typer.Option(None, "--teams", min=1, help="Default: ~12 per team."),
    ) -> None:
        """Write a realistic synthetic customer-service center (one file per table)."""
        if fmt not in ("parquet", "csv"):
            raise typer.BadParameter(
                str(message("generate.parquet_or_csv", "must be parquet or csv")),
                param_hint="--format",
            )
        try:
            first = date.fromisoformat(start)
        except ValueError as exc:
            raise typer.BadParameter(
                str(
                    message("generate.start", "{start} is not a date YYYY-MM-DD", start=repr(start))
                ),
                param_hint="--start",
            ) from exc
        chosen: Format = "csv" if fmt == "csv" else "parquet"
        try:
            report = generate_center(
                out, agents=agents, days=days, seed=seed, start=first, fmt=chosen, teams=teams
            )
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        typer.echo(report.summary())
