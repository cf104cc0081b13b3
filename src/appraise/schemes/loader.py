"""Load a scheme file: YAML -> pydantic model -> validation rules, every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import Scheme
from appraise.schemes.names import Resolver, catalog_metrics, resolve_names
from appraise.schemes.validate import FIXED_NAMES, Checked, check
from appraise.schemes.yamlload import LineMap, load_yaml, yaml_problem


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
    msg = str(err["msg"])
    if err["type"] == "string_pattern_mismatch":
        # The pattern itself (with its \\u escapes) means nothing to a manager.
        if tuple(err["loc"]) == ("id",):
            rule = "lower-case letters, Chinese, digits, - and _"
        else:
            rule = "letters (Chinese too), digits and _, not starting with a digit"
        return f"{loc}: {err['input']!r} is not a valid id: use {rule}; no spaces or punctuation"
    if err["type"] == "extra_forbidden":
        return f"unknown field {err['loc'][-1]!r} (check the spelling; see docs/scheme-format.md)"
    if err["type"] == "missing":
        return f"missing field {err['loc'][-1]!r} at {loc}"
    if err["type"] == "union_tag_invalid":
        return f"{loc}: {msg}"
    return f"{loc}: {msg.removeprefix('Value error, ')}"


def parse_scheme(text: str, file: str) -> LoadedScheme:
    """Parse scheme text; raise :class:`ProblemsError` with every problem if it has errors."""
    try:
        raw, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ProblemsError([yaml_problem(exc, file)]) from None
    if not isinstance(raw, dict):
        # The messages of the functional core are English; there is no Chinese catalog for
        # them yet (the code is what a translation would key on).
        if raw is None:
            message = (
                "the scheme is empty: write at least id:, name: and indicators: "
                "(docs/scheme-format.md has a first scheme)"
            )
        else:
            kind = "a list" if isinstance(raw, list) else "a single value"
            message = (
                f"a scheme is a YAML mapping of fields (id:, name:, indicators:, ...), not {kind}"
            )
        raise ProblemsError([Problem("error", "not_a_scheme", message, file, 1)])
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
        raise ProblemsError([Problem("error", "unreadable", str(exc), str(p))]) from None
    return parse_scheme(text, str(p))


__all__ = ["LineMap", "LoadedScheme", "load_scheme", "parse_scheme"]
