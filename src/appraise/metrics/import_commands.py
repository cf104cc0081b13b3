"""`appraise import DIR`: load a folder of exports into the event store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from appraise.messages import current_lang, message, table
from appraise.metrics.config import CenterConfig
from appraise.metrics.importer import ImportReport, import_folder
from appraise.metrics.mapping import ColumnMapping, preset_info, presets
from appraise.metrics.store import DEFAULT_STORE, open_store
from appraise.problems import ProblemsError

_COLUMNS = table(
    "import.column",
    {
        "table": "table",
        "file": "file",
        "read": "read",
        "inserted": "inserted",
        "updated": "updated",
        "unchanged": "unchanged",
        "superseded": "superseded",
        "skipped": "skipped",
    },
)


def _reason(key: str) -> str:
    """Why rows were left out, from the key the importer counts them under."""
    if key == "title":
        return message("import.skip_title", "title")
    if key == "totals":
        return message("import.skip_totals", "totals")
    if key == "footer":
        return message("import.skip_footer", "footer")
    if key == "invalid (invalid_rows: skip)":
        return message("import.skip_invalid", "invalid (invalid_rows: skip)")
    if key.startswith("skipped: "):
        return message(
            "import.skip_rule", "skipped: {reason}", reason=key.removeprefix("skipped: ")
        )
    return key


def render_report(report: ImportReport, console: Console) -> None:
    """Rows per table, so a user sees at once whether a re-import changed anything.

    The file column appears only when a mapping read a table from a differently named file,
    and ``superseded`` only when a mapping kept the last of several rows per key: an 80-column
    terminal shows the rest without truncation.
    """
    rows = list(report.tables.values())
    show_file = any(Path(c.file).stem != c.table for c in rows)
    show_superseded = any(c.superseded for c in rows)
    show_skipped = any(c.skipped for c in rows)
    names = ["table", *(["file"] if show_file else []), "read", "inserted", "updated"]
    names += ["unchanged", *(["superseded"] if show_superseded else [])]
    names += ["skipped"] if show_skipped else []
    heads = _COLUMNS[current_lang()]
    grid = RichTable(title="appraise import")
    for name in names:
        grid.add_column(heads[name], justify="left" if name in ("table", "file") else "right")
    for c in rows:
        cells = [c.table, *([Path(c.file).name] if show_file else []), str(c.read)]
        cells += [str(c.inserted), str(c.updated), str(c.unchanged)]
        cells += [str(c.superseded)] if show_superseded else []
        cells += [str(sum(c.skipped.values()))] if show_skipped else []
        grid.add_row(*cells)
    console.print(grid)
    # Every row left out has its reason: a title, a totals row, a filter, a bad row.
    for c in rows:
        for reason, n in c.skipped.items():
            said = message(
                "import.rows_not_imported",
                "{table}: {n} row(s) not imported: {reason}",
                table=c.table,
                n=n,
                reason=_reason(reason),
            )
            console.print(str(said), markup=False, emoji=False)


def register(app: typer.Typer) -> None:
    """Add the ``import`` command to the CLI."""

    @app.command("import")
    def import_command(
        folder: Path = typer.Argument(..., help="Folder of canonical files (csv, xlsx, ...)."),
        store: Path = typer.Option(DEFAULT_STORE, "--store", help="Event store (DuckDB file)."),
        mapping: Path | None = typer.Option(
            None, "--mapping", help="Column mapping (YAML); default: DIR/mapping.yaml if any."
        ),
        config: Path | None = typer.Option(
            None, "--config", help="Center configuration; default: DIR/center.yaml if any."
        ),
        engine: str = typer.Option(
            "duckdb",
            "--engine",
            help="duckdb: a store file; spark: --store is a folder of Parquet datasets by month.",
        ),
    ) -> None:
        """Import a folder of exports into the event store, all or nothing."""
        if engine not in ("duckdb", "spark"):
            Console(stderr=True).print(
                str(
                    message(
                        "import.bad_engine",
                        "--engine must be duckdb or spark, not {engine}",
                        engine=repr(engine),
                    )
                ),
                markup=False,
            )
            raise typer.Exit(2)
        # emoji=False: a location "file:id:" must not turn into an emoji.
        out = Console(emoji=False)
        err = Console(stderr=True, emoji=False)
        existed = store.exists()
        try:
            cfg = CenterConfig.load(config) if config else CenterConfig.for_folder(folder)
            if mapping is None and (folder / "mapping.yaml").is_file():
                mapping = folder / "mapping.yaml"
            cmap = ColumnMapping.load(mapping) if mapping else None
            # Spark: the same checks in an in-memory store, then the months it holds written
            # as Parquet datasets (docs/scale.md).
            conn = open_store(None if engine == "spark" else store)
            try:
                report = import_folder(conn, folder, config=cfg, mapping=cmap)
                if engine == "spark":
                    from appraise.metrics.spark import write_dataset

                    write_dataset(conn, store, cfg.timezone)
            finally:
                conn.close()
        except ProblemsError as exc:
            if not existed and engine == "duckdb":
                # A failed first import leaves no empty store behind.
                for leftover in (store, store.with_name(store.name + ".wal")):
                    leftover.unlink(missing_ok=True)
            for problem in exc.problems:
                err.print(problem.render(), markup=False, highlight=False, soft_wrap=True)
            err.print(
                str(
                    message(
                        "import.nothing_imported",
                        "nothing imported: {n} error(s)",
                        n=len(exc.errors),
                    )
                ),
                markup=False,
            )
            raise typer.Exit(1) from exc
        for warning in report.warnings:
            err.print(warning.render(), markup=False, highlight=False, soft_wrap=True)
        render_report(report, out)
        out.print(
            str(message("import.store", "store: {store}", store=str(store))),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    @app.command("formats")
    def formats_command(
        name: str | None = typer.Argument(None, help="A preset to show whole (its YAML)."),
        lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
    ) -> None:
        """List the shipped mapping presets and the columns each expects."""
        out = Console(emoji=False)
        shipped = presets()
        if name is not None:
            if name not in shipped:
                Console(stderr=True, emoji=False).print(
                    str(
                        message(
                            "import.no_preset",
                            "no preset {name}; presets: {presets}",
                            name=repr(name),
                            presets=", ".join(shipped),
                        )
                    ),
                    markup=False,
                )
                raise typer.Exit(1)
            out.print(shipped[name], markup=False, highlight=False)
            return
        for preset in shipped:
            mapping = ColumnMapping.parse(f"preset: {preset}\n", f"preset {preset}")
            title, description = preset_info(preset, lang)
            out.print(f"{preset}: {title}", style="bold", markup=False)
            out.print(f"  {description}", markup=False, highlight=False)
            for tname, tmap in mapping.tables.items():
                cols = ", ".join(dict.fromkeys(str(c) for c in tmap.expected_sources()))
                out.print(f"  -> {tname} ({tmap.file}): {cols}", markup=False, highlight=False)
            for rname, report in mapping.reports.items():
                cols = ", ".join(dict.fromkeys(report.expected_sources()))
                out.print(
                    f"  -> metric_values ({report.file or rname}): {cols}",
                    markup=False,
                    highlight=False,
                )
        out.print(
            "use one with `preset: NAME` in mapping.yaml; `appraise formats NAME` shows it"
            if lang.startswith("en")
            else "在 mapping.yaml 中写 preset: 名称 即可使用；appraise formats 名称 显示其全文",
            markup=False,
        )
