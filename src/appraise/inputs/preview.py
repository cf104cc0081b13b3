"""What a folder of uploads would become, before anything is stored.

For each file: the table or report it feeds, how it was read (header row, encoding, rows left
out and why), which of its columns are mapped to what and which are ignored, and its first rows
as read. The web import shows this so that HR sees a wrong preset or a shifted header before a
month of data goes in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from appraise.inputs.reading import Frame, Layout, cell_text, read_frame
from appraise.messages import message
from appraise.problems import Problem

SAMPLE_BYTES = 1 << 20
PREVIEW_ROWS = 5


@dataclass(slots=True)
class FilePreview:
    file: str
    feeds: str  # "tickets", "report chitu -> metric_values", "agents", or "" when nothing
    header_row: int | None = None
    encoding: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (target, source column)
    ignored: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _sample(path: Path, folder: Path) -> Path:
    """A CSV's first MB (whole lines) is enough to show how it reads."""
    if path.suffix.lower() not in (".csv", ".tsv", ".txt") or path.stat().st_size <= SAMPLE_BYTES:
        return path
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    out = folder / f".preview-{path.name}"
    out.write_bytes(head[: head.rfind(b"\n") + 1] or head)
    return out


def _fill(preview: FilePreview, frame: Frame, wanted: dict[str, str]) -> None:
    preview.header_row = frame.header_row or None
    preview.encoding = frame.encoding
    preview.skipped = dict(frame.skipped)
    preview.headers = list(frame.headers)
    used: set[int] = set()
    for target, source in wanted.items():
        index = frame.index(source)
        if index is not None:
            used.add(index)
            preview.mapped.append((target, frame.headers[index] or source))
        else:
            preview.problems.append(
                Problem(
                    "error",
                    "column_missing",
                    message(
                        "preview.column_missing",
                        "{target} is read from the column {source}, which the file does not have",
                        target=target,
                        source=repr(source),
                    ),
                    preview.file,
                    field=source,
                )
            )
    preview.ignored = [h for i, h in enumerate(frame.headers) if h and i not in used]
    preview.rows = [
        (n, [cell_text(c.value) or "" for c in cells]) for n, cells in frame.rows[:PREVIEW_ROWS]
    ]


def preview_folder(folder: Path, mapping_text: str | None) -> list[FilePreview]:
    """Every file of ``folder`` (and ``folder/events``) as the import would read it."""
    from appraise.inputs.tables import TABLE_NAMES
    from appraise.metrics.mapping import ColumnMapping, TableMapping
    from appraise.metrics.schema import TABLES
    from appraise.problems import ProblemsError

    previews: list[FilePreview] = []
    mapping = ColumnMapping()
    if mapping_text:
        try:
            mapping = ColumnMapping.parse(mapping_text, "mapping.yaml")
        except ProblemsError as exc:
            return [FilePreview("mapping.yaml", "", problems=list(exc.problems))]
    claimed: dict[Path, tuple[str, Layout, dict[str, str]]] = {}
    for name, report in mapping.reports.items():
        for path in sorted(folder.glob(report.file or f"{name}.*")):
            wanted = {"agent_id": str(report.agent)}
            for key, col in (
                ("name", report.name),
                ("team", report.team),
                ("date", report.date),
                ("period", report.period),
            ):
                if col is not None:
                    wanted[key] = str(col)
            wanted |= {mid: str(m.source) for mid, m in report.metrics.items()}
            claimed[path] = (f"{name} → metric_values", report, wanted)
    events = folder / "events"
    for tname, tmap in mapping.tables.items():
        base = events if events.is_dir() else folder
        for path in sorted(base.glob(tmap.file or f"{tname}.*")):
            wanted = {
                c: ", ".join(str(s) for s in spec.sources())
                for c, spec in tmap.columns.items()
                if spec.sources() and len(spec.sources()) == 1
            }
            claimed[path] = (tname, tmap, wanted)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if events.is_dir():
        files += sorted(p for p in events.iterdir() if p.is_file())
    for path in files:
        if path.name.startswith(".") or path.suffix.lower() in (".yaml", ".yml"):
            continue
        label = path.name if path.parent == folder else f"events/{path.name}"
        preview = FilePreview(label, "")
        if path in claimed:
            preview.feeds, layout, wanted = claimed[path]
        else:
            stem = path.stem.casefold()
            table = stem if stem in TABLE_NAMES or stem in TABLES else ""
            preview.feeds = table
            layout = mapping.tables.get(table) or TableMapping()
            wanted = {}
        known: list[str] = list(wanted.values())
        if preview.feeds in TABLES:
            known += TABLES[preview.feeds].column_names
        frame = read_frame(
            _sample(path, folder), layout, preview.problems, label=label, expected=known
        )
        if frame is not None:
            if not wanted and preview.feeds in TABLES:
                # A canonical file: its columns map to themselves; the others are ignored.
                names = TABLES[preview.feeds].column_names
                wanted = {c: c for c in names if frame.index(c) is not None}
            _fill(preview, frame, wanted)
        previews.append(preview)
    return previews
