"""Load a scheme file: YAML -> pydantic model -> validation rules, every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from appraise.messages import message
from appraise.problems import Problem, ProblemsError, pydantic_text, unreadable
from appraise.schemes.model import Scheme
from appraise.schemes.names import Resolver, catalog_metrics, resolve_names
from appraise.schemes.validate import FIXED_NAMES, Checked, check
from appraise.schemes.yamlload import LineMap, load_yaml, yaml_problem

if TYPE_CHECKING:
    from appraise.metrics.definitions import MetricDefinition


@dataclass
class LoadedScheme:
    scheme: Scheme
    file: str
    warnings: list[Problem] = field(default_factory=list)


def known_metrics() -> frozenset[str]:
    """Metric ids of the built-in library: catalog and presets (appraise.metrics.catalog)."""
    from appraise.metrics.catalog import LIBRARY

    return frozenset(LIBRARY)


def _has(container: Any, part: int | str) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _loc_path(raw: Any, loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    """Turn a pydantic error location into a path of the YAML document.

    Pydantic puts the tag of a discriminated union (``bands``) and model names into the
    location; they are not keys of the document, so they are skipped.
    """
    path: list[str | int] = []
    cur = raw
    for part in loc:
        if _has(cur, part):
            cur = cur[part]
            path.append(part)
    return tuple(path)


def _code(err: Any) -> str:
    """The problem code of a pydantic error: ``bad_id`` for an id the pattern refuses (it has
    its own sentence), ``invalid`` for every other structural problem."""
    return "bad_id" if err["type"] == "string_pattern_mismatch" else "invalid"


def _message(err: Any) -> str:
    loc = ".".join(str(x) for x in err["loc"] if not str(x).endswith("Rule"))
    if err["type"] == "string_pattern_mismatch":
        # The pattern itself (with its \\u escapes) means nothing to a manager.
        if tuple(err["loc"]) == ("id",):
            return message(
                "scheme.bad_scheme_id",
                "{loc}: {value!r} is not a valid id: use lower-case letters, Chinese, digits, "
                "- and _; no spaces or punctuation",
                loc=loc,
                value=err["input"],
            )
        return message(
            "scheme.bad_id",
            "{loc}: {value!r} is not a valid id: use letters (Chinese too), digits and _, "
            "not starting with a digit; no spaces or punctuation",
            loc=loc,
            value=err["input"],
        )
    if err["type"] == "extra_forbidden":
        return message(
            "scheme.unknown_field",
            "unknown field {name!r} (check the spelling; see docs/scheme-format.md)",
            name=err["loc"][-1],
        )
    if err["type"] == "missing":
        return message(
            "scheme.missing_field", "missing field {name!r} at {loc}", name=err["loc"][-1], loc=loc
        )
    if err["type"] == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return message(
            "scheme.unknown_kind",
            "{loc}: {discriminator} {tag!r} is not one of {expected}",
            loc=loc,
            discriminator=str(ctx.get("discriminator", "")).strip("'"),
            tag=ctx.get("tag", err.get("input")),
            expected=ctx.get("expected_tags", ""),
        )
    return message("scheme.invalid", "{loc}: {problem}", loc=loc, problem=pydantic_text(err))


def parse_scheme(text: str, file: str, base: Path | None = None) -> LoadedScheme:
    """Parse scheme text; raise :class:`ProblemsError` with every problem if it has errors.

    ``base``: the folder ``include_metrics:`` files are relative to (the scheme file's); None
    for a scheme stored in the app, which has no folder."""
    try:
        raw, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ProblemsError([yaml_problem(exc, file)]) from None
    if not isinstance(raw, dict):
        if raw is None:
            said = message(
                "scheme.empty",
                "the scheme is empty: write at least id:, name: and indicators: "
                "(docs/scheme-format.md has a first scheme)",
            )
        elif isinstance(raw, list):
            said = message(
                "scheme.a_list",
                "a scheme is a YAML mapping of fields (id:, name:, indicators:, ...), not a list",
            )
        else:
            said = message(
                "scheme.a_value",
                "a scheme is a YAML mapping of fields (id:, name:, indicators:, ...), "
                "not a single value",
            )
        raise ProblemsError([Problem("error", "not_a_scheme", said, file, 1)])
    raw = _with_metric_definitions(raw, lines, file, base)
    try:
        scheme = Scheme.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(
                "error", _code(err), _message(err), file, lines.line(_loc_path(raw, err["loc"]))
            )
            for err in exc.errors()
        ]
        raise ProblemsError(sorted(problems, key=lambda p: p.line or 0)) from None
    catalog = catalog_metrics()
    scheme = resolve_names(scheme, Resolver(scheme, catalog, FIXED_NAMES))
    problems = check(Checked(scheme, lines, file, frozenset(catalog), catalog))
    if any(p.level == "error" for p in problems):
        raise ProblemsError(problems)
    return LoadedScheme(scheme, file, problems)


def load_scheme(path: Path | str) -> LoadedScheme:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), str(p))]) from None
    return parse_scheme(text, str(p), p.parent)


def _is_definition(entry: Any) -> bool:
    """A ``metrics:`` entry written in the metric language (it says which rows it reads)."""
    return isinstance(entry, dict) and "from" in entry


def _declared(d: Any) -> dict[str, Any]:
    """The declaration a definition makes: its id, name and unit, and the definition itself."""
    return {
        "id": d.id,
        "name": d.name_zh,
        "unit": d.unit,
        "description": d.description,
        "definition": d.model_dump(mode="json", by_alias=True, exclude_defaults=True),
    }


def _with_metric_definitions(
    raw: dict[str, Any], lines: LineMap, file: str, base: Path | None
) -> dict[str, Any]:
    """``raw`` with the metrics the scheme defines (under ``metrics:`` with ``from:``, and in
    the files of ``include_metrics:``) checked by the metric language and declared with their
    definition; every problem of the scheme and of each file at once."""
    from appraise.metrics.definitions import (
        library_definitions,
        load_definitions,
        located_definitions,
    )

    entries = raw.get("metrics", [])
    includes = raw.get("include_metrics")
    if not isinstance(entries, list) or not isinstance(includes, list | None):
        return raw  # the model says what is wrong with their shape
    if not includes and not any(_is_definition(e) for e in entries):
        return raw
    known = dict(library_definitions())
    problems: list[Problem] = []
    declared: dict[int, dict[str, Any]] = {}
    try:
        found = located_definitions(
            ((i, e) for i, e in enumerate(entries) if _is_definition(e)),
            file,
            lines,
            ("metrics",),
            library=known,
        )
        declared = {x.index: _declared(x.definition) for x in found}
        known.update({x.definition.id: x.definition for x in found})
    except ProblemsError as exc:
        problems.extend(exc.problems)
    included: list[dict[str, Any]] = []
    for i, name in enumerate(includes or []):
        where = lines.line(("include_metrics", i))
        if base is None:
            problems.append(
                Problem(
                    "error",
                    "include_without_folder",
                    message(
                        "scheme.include_without_folder",
                        "include_metrics: {name!r} cannot be read for a scheme stored in the "
                        "app; write the definitions under metrics: instead",
                        name=name,
                    ),
                    file,
                    where,
                )
            )
            continue
        try:
            for d in load_definitions(base / str(name), library=known):
                included.append(_declared(d))
                known[d.id] = d
        except ProblemsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProblemsError(problems)
    metrics = [declared.get(i, e) for i, e in enumerate(entries)] + included
    return {**raw, "metrics": metrics}


def scheme_definitions(scheme: Scheme) -> list[MetricDefinition]:
    """The metric definitions a scheme carries (``metrics:`` entries with ``from:`` and the
    included files), for the engine to compute beside the library's."""
    from appraise.metrics.definitions import MetricDefinition

    return [
        MetricDefinition.model_validate(m.definition)
        for m in scheme.metrics
        if m.definition is not None
    ]


__all__ = ["LineMap", "LoadedScheme", "load_scheme", "parse_scheme", "scheme_definitions"]
