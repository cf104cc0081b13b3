"""What pydantic cannot see in the rules of a QA config, each problem at its ``file:line``:
expressions, condition names, anchors, packs, regular expressions, empty phrases."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from appraise.messages import message, said
from appraise.problems import Problem
from appraise.qa.rules import expr
from appraise.qa.rules.engine import builtin_rules
from appraise.qa.rules.model import Condition, RuleDef
from appraise.qa.rules.packs import resolve_packs
from appraise.qa.text import fold_phrase
from appraise.schemes.yamlload import LineMap

if TYPE_CHECKING:
    from appraise.qa.config import QaConfig

Path_ = tuple[str | int, ...]


def _cond_key(lines: LineMap, base: Path_, name: str) -> Path_:
    """A condition written ``1:`` is the YAML key 1 (an int) in the line map."""
    if name.isdigit() and lines.line((*base, int(name))) != lines.line(base):
        return (*base, int(name))
    return (*base, name)


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def rule_problems(cfg: QaConfig, lines: LineMap, file: str) -> list[Problem]:
    problems: list[Problem] = []

    def err(path: Path_, code: str, text: str) -> None:
        problems.append(Problem("error", code, text, file, lines.line(path)))

    packs = resolve_packs(cfg.packs)
    for pid, edit in cfg.packs.items():
        for key, pats in (("patterns", edit.patterns or []), ("add_patterns", edit.add_patterns)):
            for j, p in enumerate(pats):
                if (why := _regex_problem(p)) is not None:
                    err(
                        ("packs", pid, key, j),
                        "bad_regex",
                        message(
                            "autoqa.bad_regex", "pattern “{pattern}”: {why}", pattern=p, why=why
                        ),
                    )
        for key, words in (("phrases", edit.phrases or []), ("add", edit.add)):
            for j, w in enumerate(words):
                if not fold_phrase(w):
                    err(
                        ("packs", pid, key, j),
                        "empty_pattern",
                        message(
                            "autoqa.empty_phrase",
                            "phrase “{phrase}” has no letters once spaces and punctuation "
                            "are ignored",
                            phrase=w,
                        ),
                    )
    if isinstance(cfg.builtin_rules, list):
        known = {r.id for r in builtin_rules()}
        for j, rid in enumerate(cfg.builtin_rules):
            if rid not in known:
                err(
                    ("builtin_rules", j),
                    "unknown_rule",
                    message(
                        "autoqa.unknown_builtin",
                        "“{rule}” is not a built-in rule ({known})",
                        rule=rid,
                        known=", ".join(sorted(known)),
                    ),
                )
    seen: dict[str, int] = {}
    for i, r in enumerate(cfg.rules):
        if r.id in seen:
            err(
                ("rules", i, "id"),
                "duplicate_rule",
                message("autoqa.duplicate_rule", "rule “{rule}” is defined twice", rule=r.id),
            )
        seen[r.id] = i
        problems.extend(_one_rule(r, ("rules", i), packs, lines, file))
    return problems


def _one_rule(
    r: RuleDef, base: Path_, packs: Mapping[str, object], lines: LineMap, file: str
) -> list[Problem]:
    problems: list[Problem] = []

    def err(path: Path_, code: str, text: str) -> None:
        problems.append(Problem("error", code, text, file, lines.line(path)))

    names = set(r.conditions)
    try:
        ast = expr.parse(r.expression)
    except expr.ExprError as exc:
        err(
            (*base, "when"),
            "bad_when",
            message("autoqa.bad_when", "when “{when}”: {why}", when=r.expression, why=said(exc)),
        )
        ast = None
    if ast is not None:
        for n in expr.names(ast):
            if n not in names:
                err(
                    (*base, "when"),
                    "unknown_condition",
                    message(
                        "autoqa.unknown_condition",
                        "when names “{name}”, which is not one of the conditions ({names})",
                        name=n,
                        names=", ".join(r.conditions),
                    ),
                )
    cbase = (*base, "conditions")
    for name, c in r.conditions.items():
        path = _cond_key(lines, cbase, name)
        for key in ("after", "before"):
            anchor = getattr(c, key)
            if anchor is not None and anchor not in names:
                err(
                    (*path, key),
                    "unknown_condition",
                    message(
                        "autoqa.unknown_anchor",
                        "{key} names “{name}”, which is not one of the conditions ({names})",
                        key=key,
                        name=anchor,
                        names=", ".join(r.conditions),
                    ),
                )
        if _cycle(r, name):
            err(
                path,
                "anchor_cycle",
                message("autoqa.anchor_cycle", "condition “{name}” is its own anchor", name=name),
            )
        problems.extend(_one_condition(c, path, packs, lines, file))
    return problems


def _cycle(r: RuleDef, start: str) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        n = todo.pop()
        c = r.conditions.get(n)
        if c is None:
            continue
        for a in (c.after, c.before):
            if a == start:
                return True
            if a is not None and a not in seen:
                seen.add(a)
                todo.append(a)
    return False


def _one_condition(
    c: Condition, path: Path_, packs: Mapping[str, object], lines: LineMap, file: str
) -> list[Problem]:
    problems: list[Problem] = []

    def err(p: Path_, code: str, text: str) -> None:
        problems.append(Problem("error", code, text, file, lines.line(p)))

    used: list[tuple[Path_, str]] = []
    if c.pack is not None:
        used += [((*path, "pack"), p) for p in c.pack]
    for op in ("keywords", "fuzzy", "pinyin"):
        v = getattr(c, op)
        if v is not None:
            used += [((*path, op, "packs"), p) for p in v.packs]
    for p, pid in used:
        if pid not in packs:
            err(
                p,
                "unknown_pack",
                message(
                    "autoqa.unknown_pack",
                    "“{pack}” is not a lexicon pack ({known})",
                    pack=pid,
                    known=", ".join(sorted(packs)),
                ),
            )
    if c.regex is not None:
        for pattern in (*c.regex.patterns, *c.regex.exclude):
            if (why := _regex_problem(pattern)) is not None:
                err(
                    (*path, "regex"),
                    "bad_regex",
                    message(
                        "autoqa.bad_regex", "pattern “{pattern}”: {why}", pattern=pattern, why=why
                    ),
                )
    words: list[str] = []
    if c.keywords is not None:
        words = c.keywords.words
    for op in ("fuzzy", "pinyin"):
        v = getattr(c, op)
        if v is not None:
            words += v.phrases
    if c.similar is not None:
        words += c.similar.examples
    for w in words:
        if not fold_phrase(w):
            err(
                (*path, c.operator),
                "empty_pattern",
                message(
                    "autoqa.empty_phrase",
                    "phrase “{phrase}” has no letters once spaces and punctuation are ignored",
                    phrase=w,
                ),
            )
    return problems
