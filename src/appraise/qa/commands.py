"""`appraise qa ...`: automatic checks, sampling, calibration and figures (docs/qa.md)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from appraise.messages import message, said
from appraise.metrics.config import CenterConfig
from appraise.periods import Period
from appraise.problems import ProblemsError


def metric_values_csv(
    period: str, values: Mapping[str, Mapping[str, float | Decimal | None]]
) -> str:
    """Long ``metric_values`` (agent_id,period,metric,value) that ``appraise score --inputs``
    reads; an unknown value is left out (an empty cell would be skipped anyway)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["agent_id", "period", "metric", "value"])
    for agent, row in values.items():
        for metric, v in row.items():
            if v is not None:
                w.writerow([agent, period, metric, _num(v)])
    return buf.getvalue()


def _num(v: float | Decimal) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral() else str(round(v, 6).normalize())
    return repr(int(v)) if float(v).is_integer() else repr(round(v, 6))


def _fail(exc: ProblemsError) -> typer.Exit:
    for p in exc.problems:
        typer.echo(p.render(), err=True)
    return typer.Exit(1)


def _center(data: Path, config_file: Path | None) -> CenterConfig:
    if config_file is not None:
        return CenterConfig.load(config_file)
    return CenterConfig.for_folder(data if data.is_dir() else data.parent)


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        typer.echo(
            str(message("cli.bad_period", "--period: {problem}", problem=said(exc))), err=True
        )
        raise typer.Exit(2) from None


def _f(v: Decimal | None, digits: int = 2) -> str:
    return "" if v is None else f"{float(v):.{digits}f}"


def register(app: typer.Typer) -> None:
    """Add the ``qa`` command group."""
    qa = typer.Typer(help="Quality assurance (质检): checks, sampling, calibration, figures.")
    app.add_typer(qa, name="qa")

    @qa.command("check")
    def check(
        data: Path = typer.Option(..., "--data", help="Event store (.duckdb) or data folder."),
        period: str = typer.Option(..., "--period"),
        config: Path | None = typer.Option(None, "--config", help="QA config YAML (qa.yaml)."),
        center: Path | None = typer.Option(
            None, "--center", help="center.yaml (time zone, hours)."
        ),
        fmt: str = typer.Option("json", "--format", help="json (findings + metrics) or csv."),
    ) -> None:
        """Automatic checks on every conversation of the period; csv = a metric_values file."""
        from appraise.metrics.store import open_data
        from appraise.qa.checks import agent_metrics, check_all
        from appraise.qa.config import load_qa_config
        from appraise.qa.store import load_transcripts

        if fmt not in ("json", "csv"):
            typer.echo(str(message("qa.cli.format", "--format must be json or csv")), err=True)
            raise typer.Exit(2)
        p = _period(period)
        try:
            cfg = load_qa_config(config)
            cc = _center(data, center)
            conn = open_data(data, config=cc)
            try:
                findings = check_all(load_transcripts(conn, p, cc), cfg, cc)
            finally:
                conn.close()
        except ProblemsError as exc:
            raise _fail(exc) from None
        metrics = agent_metrics(findings)
        if fmt == "csv":
            typer.echo(metric_values_csv(str(p), metrics), nl=False)
            return
        doc = {
            "period": str(p),
            "metrics": metrics,
            "findings": [f.as_dict() for f in findings if not f.passed],
            "checked": len({f.conversation_id for f in findings}),
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))

    @qa.command("sample")
    def sample(
        data: Path = typer.Option(..., "--data"),
        period: str = typer.Option(..., "--period"),
        per_agent: int = typer.Option(15, "--per-agent"),
        seed: str = typer.Option("0", "--seed"),
        reviewers: str = typer.Option("", "--reviewers", help="Comma-separated reviewer ids."),
        exclude: Path | None = typer.Option(
            None, "--exclude", help="A CSV with a conversation_id column: never sample these."
        ),
        center: Path | None = typer.Option(None, "--center"),
    ) -> None:
        """Draw the monitored conversations and (with --reviewers) assign them; CSV out."""
        from appraise.metrics.store import open_data
        from appraise.qa.sampling import assign_reviewers, sample_conversations

        p = _period(period)
        done: set[str] = set()
        if exclude is not None:
            with open(exclude, encoding="utf-8-sig", newline="") as fh:
                done = {r["conversation_id"] for r in csv.DictReader(fh)}
        try:
            cc = _center(data, center)
            conn = open_data(data, config=cc)
            try:
                got = sample_conversations(conn, p, per_agent, seed, exclude=done, center=cc)
            finally:
                conn.close()
            revs = [r.strip() for r in reviewers.split(",") if r.strip()]
            assigned = {
                a.sample.conversation_id: a.reviewer_id
                for a in (assign_reviewers(got, revs) if revs else [])
            }
        except ProblemsError as exc:
            raise _fail(exc) from None
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["conversation_id", "agent_id", "channel", "outcome", "reviewer_id"])
        for s in got:
            w.writerow(
                [
                    s.conversation_id,
                    s.agent_id,
                    s.channel or "",
                    s.outcome,
                    assigned.get(s.conversation_id, ""),
                ]
            )
        typer.echo(buf.getvalue(), nl=False)

    @qa.command("calibrate")
    def calibrate_cmd(
        config: Path = typer.Option(..., "--config", help="QA config naming the rubrics."),
        reviews: Path = typer.Option(..., "--reviews", help="Reviews CSV (docs/qa.md)."),
        fmt: str = typer.Option("table", "--format", help="table or json."),
    ) -> None:
        """Spread of several reviewers' scores of the same conversations."""
        from appraise.qa.calibration import calibrate
        from appraise.qa.io import load_rubrics, read_reviews

        try:
            rep = calibrate(read_reviews(reviews, load_rubrics(config)))
        except ProblemsError as exc:
            raise _fail(exc) from None
        if fmt == "json":
            doc = {
                "items": [
                    {
                        "item": i.item_id,
                        "name": i.name,
                        "ratings": i.ratings,
                        "conversations": i.cells,
                        "mean": float(i.mean),
                        "mean_stdev": float(i.mean_stdev),
                        "max_spread": float(i.max_spread),
                    }
                    for i in rep.items
                ],
                "reviewers": [
                    {
                        "reviewer": r.reviewer_id,
                        "reviews": r.reviews,
                        "mean_score": None if r.mean_score is None else float(r.mean_score),
                        "mean_deviation": None
                        if r.mean_deviation is None
                        else float(r.mean_deviation),
                        "mean_abs_deviation": None
                        if r.mean_abs_deviation is None
                        else float(r.mean_abs_deviation),
                        "score_deviation": None
                        if r.score_deviation is None
                        else float(r.score_deviation),
                    }
                    for r in rep.reviewers
                ],
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        console = Console()
        t = Table(title="校准: 每项分歧 (spread per item)")
        for col in ("item", "name", "ratings", "conversations", "mean", "mean sd", "max range"):
            t.add_column(col)
        for i in rep.items:
            t.add_row(
                i.item_id,
                i.name,
                str(i.ratings),
                str(i.cells),
                _f(i.mean),
                _f(i.mean_stdev),
                _f(i.max_spread),
            )
        console.print(t)
        t = Table(title="校准: 质检员偏差 (deviation from the others)")
        for col in ("reviewer", "reviews", "mean score", "mean dev", "mean |dev|", "total dev"):
            t.add_column(col)
        for r in rep.reviewers:
            t.add_row(
                r.reviewer_id,
                str(r.reviews),
                _f(r.mean_score),
                _f(r.mean_deviation),
                _f(r.mean_abs_deviation),
                _f(r.score_deviation),
            )
        console.print(t)

    @qa.command("figures")
    def figures_cmd(
        config: Path = typer.Option(..., "--config"),
        reviews: Path = typer.Option(..., "--reviews"),
        period: str = typer.Option(..., "--period", help="Written into the csv rows."),
        fmt: str = typer.Option("table", "--format", help="table or csv (metric_values)."),
    ) -> None:
        """Fatal / non-fatal accuracy and QA averages per agent (csv: a metric_values file)."""
        from appraise.qa.figures import qa_figures
        from appraise.qa.io import load_rubrics, read_reviews

        p = _period(period)
        try:
            figs = qa_figures(read_reviews(reviews, load_rubrics(config)))
        except ProblemsError as exc:
            raise _fail(exc) from None
        if fmt == "csv":
            typer.echo(
                metric_values_csv(str(p), {a.agent_id: a.metrics() for a in figs.agents}), nl=False
            )
            return
        console = Console()
        t = Table(title=f"质检指标 {p}")
        for col in (
            "agent",
            "monitored",
            "internal",
            "external",
            "qa_average",
            "fatal acc %",
            "non-fatal acc %",
        ):
            t.add_column(col)
        for a in figs.agents:
            t.add_row(
                a.agent_id,
                str(a.monitored),
                _f(a.internal_average),
                _f(a.external_average),
                _f(a.qa_average),
                _f(a.fatal_accuracy),
                _f(a.nonfatal_accuracy),
            )
        console.print(t)
        t = Table(title="每项 (per item)")
        for col in ("item", "name", "rated", "N/A", "mean", "% of full", "errors"):
            t.add_column(col)
        for i in figs.items:
            t.add_row(
                i.item_id,
                i.name,
                str(i.rated),
                str(i.not_applicable),
                _f(i.mean),
                _f(i.percent),
                str(i.errors),
            )
        console.print(t)
