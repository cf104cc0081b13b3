"""`appraise validate` and `appraise score`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from appraise.decimals import money, plain
from appraise.messages import current_lang, message, table
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.scoring.results import ScoreRun


class Format(StrEnum):
    json = "json"
    table = "table"
    xlsx = "xlsx"


def print_problems(problems: list[Problem], console: Console) -> None:
    for p in problems:
        style = "red" if p.level == "error" else "yellow"
        # emoji=False: "file:id:" is a location, not the :id: emoji.
        console.print(
            p.render(), style=style, highlight=False, markup=False, emoji=False, soft_wrap=True
        )


def _fail(exc: ProblemsError) -> typer.Exit:
    print_problems(exc.problems, Console(stderr=True))
    n = len(exc.errors)
    said = (
        message("cli.one_error", "{n} error", n=n)
        if n == 1
        else message("cli.n_errors", "{n} errors", n=n)
    )
    Console(stderr=True).print(f"[red]{said}[/red]")
    return typer.Exit(1)


def validate(
    schemes: list[Path] = typer.Argument(..., help="Scheme files (YAML) to check."),
) -> None:
    """Check scheme files; print every problem with file:line. Exit 1 on any error."""
    from appraise.schemes.loader import load_scheme

    console = Console()
    failed = False
    for path in schemes:
        try:
            loaded = load_scheme(path)
        except ProblemsError as exc:
            print_problems(exc.problems, console)
            failed = True
            continue
        print_problems(loaded.warnings, console)
        n = len(loaded.warnings)
        warned = (
            message("cli.one_warning", "{n} warning", n=n)
            if n == 1
            else message("cli.n_warnings", "{n} warnings", n=n)
        )
        console.print(
            f"[green]{path}: {message('cli.ok', 'ok')}[/green] ({loaded.scheme.id}, {warned})",
            highlight=False,
        )
    if failed:
        raise typer.Exit(1)


def score(
    scheme: Path = typer.Argument(..., help="The scheme file (YAML)."),
    period: str = typer.Option(..., "--period", "-p", help="2026-10, 2026-Q4, 2026, 2026-W41 ..."),
    inputs: Path | None = typer.Option(
        None, "--inputs", "-i", help="Folder (or .xlsx workbook) of agents, metric_values, ..."
    ),
    data: Path | None = typer.Option(
        None, "--data", "-d", help="Raw events (a folder of canonical files or a .duckdb store)."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (needed for xlsx)."),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping with reports: (default: INPUTS/mapping.yaml)."
    ),
    agreement: Path | None = typer.Option(
        None,
        "--agreement",
        "-a",
        help="The automatic QA checks' agreement with the reviewers (the JSON of appraise qa "
        "agreement --format json): what min_agreement is compared with.",
    ),
) -> None:
    """Score a period: totals, grades, ranks, pay and the explanation of every number."""
    try:
        run = score_files(scheme, period, inputs, data, mapping, agreement)
    except ProblemsError as exc:
        raise _fail(exc) from None
    except ValueError as exc:  # a bad --period
        Console(stderr=True).print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if fmt is Format.json:
        from appraise.scoring.output import to_json

        text = to_json(run)
        if out:
            out.write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    elif fmt is Format.xlsx:
        from appraise.scoring.output import write_xlsx

        if out is None:
            Console(stderr=True).print("[red]--format xlsx needs --out FILE.xlsx[/red]")
            raise typer.Exit(2)
        write_xlsx(run, out)
        Console(stderr=True).print(f"wrote {out}")
    else:
        render_table(run, Console())


def score_files(
    scheme_path: Path,
    period: str,
    inputs_path: Path | None,
    data_path: Path | None,
    mapping: Path | None = None,
    agreement_path: Path | None = None,
) -> ScoreRun:
    """Load everything, compute the metrics the scheme needs, and score; ``agreement_path``
    gives the automatic QA checks' agreement figures (``appraise qa agreement --format json``).
    """
    from appraise.inputs import load_inputs
    from appraise.inputs.records import Inputs
    from appraise.schemes.loader import load_scheme
    from appraise.scoring.engine import score_period
    from appraise.scoring.needs import needed_metrics

    p = Period.parse(period)
    loaded = load_scheme(scheme_path)
    inputs = (
        load_inputs(inputs_path, period=p, mapping=mapping)
        if inputs_path
        else Inputs([], [], [], [], [], [], [])
    )
    if data_path is None and inputs_path is not None and (inputs_path / "events").is_dir():
        data_path = inputs_path / "events"
    computed = None
    if data_path is not None:
        from appraise.metrics.definitions import center_for, together
        from appraise.metrics.engine import compute_metrics
        from appraise.metrics.store import open_data
        from appraise.schemes.loader import scheme_definitions

        # The center's hours, calendar and own metric definitions (center.yaml beside the data)
        # count here as in `appraise metrics`, and the scheme's own definitions over them.
        config, center = center_for(data_path)
        defined = together(center, scheme_definitions(loaded.scheme))
        conn = open_data(data_path, config=config)
        metric_warnings: list[Problem] = []
        try:
            wanted = sorted(needed_metrics(loaded.scheme, (d.id for d in defined)))
            computed = (
                compute_metrics(
                    conn, p, wanted, config=config, definitions=defined, problems=metric_warnings
                )
                if wanted
                else {}
            )
        finally:
            conn.close()
    else:
        metric_warnings = []
    figures = None
    if agreement_path is not None:
        from appraise.qa.agreement import read_agreement

        figures = read_agreement(str(agreement_path), str(p))
    run = score_period(loaded.scheme, inputs, p, computed, figures)
    run.warnings[:0] = [*loaded.warnings, *metric_warnings]
    return run


_COLUMNS = table(
    "score.column",
    {
        "agent": "agent",
        "name": "name",
        "total": "total",
        "grade": "grade",
        "rank": "rank",
        "level": "level",
        "pay": "pay",
        "flags": "flags",
    },
)


def render_table(run: ScoreRun, console: Console) -> None:
    for w in run.warnings:
        console.print(
            f"[yellow]{w.render()}[/yellow]",
            highlight=False,
        )
    table = Table(title=f"{run.scheme_name} · {run.period}")
    heads = _COLUMNS[current_lang()]
    for col in ("agent", "name", "total", "grade", "rank", "level", "pay", "flags"):
        table.add_column(heads[col])
    for r in sorted(run.results, key=lambda r: (r.rank is None, r.rank or 0, r.agent_id)):
        table.add_row(
            r.agent_id,
            r.name,
            "-" if r.total is None else plain(r.total),
            r.grade or "-",
            str(r.rank or "-"),
            r.level or "-",
            "-" if r.pay_total is None else money(r.pay_total),
            ", ".join(r.flags) or ("; ".join(r.notes) if not r.eligible else ""),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(score)


def render_scorecard(run: ScoreRun, agent_id: str, console: Console) -> None:
    """One agent's scorecard: every indicator with its weight, value, points and explanation."""
    from rich.tree import Tree

    from appraise.scoring.text import fmt

    r = next((x for x in run.results if x.agent_id == agent_id), None)
    if r is None:
        said = message("cli.no_agent", "no agent {agent} in the results", agent=agent_id)
        console.print(f"[red]{said}[/red]")
        return
    head = f"{r.name} ({r.agent_id}) · {run.scheme_name} · {run.period}"
    if not r.eligible:
        said = message(
            "cli.not_appraised",
            "{head}: not appraised ({notes})",
            head=head,
            notes="; ".join(r.notes),
        )
        console.print(str(said))
        return
    summary = message(
        "cli.scorecard",
        "total {total}  grade {grade}  rank {rank}",
        total=fmt(r.total),
        grade=r.grade or "-",
        rank=r.rank or "-",
    )
    level = message("cli.scorecard_level", "  level {level}", level=r.level) if r.level else ""
    root = Tree(f"[bold]{head}[/bold]\n{summary}{level}")
    nodes: dict[str | None, Tree] = {None: root}
    for i in [*r.indicators, *r.adjustments]:
        weight = f"[{fmt(i.weight)}]" if i.weight is not None else ""
        label = f"{i.name} {weight} → [cyan]{fmt(i.weighted)}[/cyan]  [dim]{i.explain}[/dim]"
        nodes[i.id] = nodes.get(i.parent, root).add(label)
    for line in r.pay:
        root.add(f"💰 {line.name}: [green]{money(line.amount)}[/green]  [dim]{line.explain}[/dim]")
    for c in r.consequences:
        due = message("cli.due_days", " (within {n} days)", n=c.due_days) if c.due_days else ""
        root.add(f"⚑ {c.name}{due}  [dim]{c.explain}[/dim]")
    console.print(root)
