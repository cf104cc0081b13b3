"""Built-in Chinese lexicon packs (词库) and the config's changes to them.

Each pack is a data file beside this module (``packs/<id>.yaml``: id, name, description,
phrases, patterns, exceptions), commented with why its entries are there. A QA config changes
one under ``packs:`` (``add``, ``remove``, ``add_patterns``, ``add_exceptions``, or a whole new
``phrases`` / ``patterns`` / ``exceptions`` list) or adds its own pack under a new id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from appraise.qa.rules.model import PackEdit, PackFile

PACK_DIR = Path(__file__).resolve().parent / "packs"


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    name: str
    description: str
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    exceptions: tuple[str, ...]


@cache
def builtin_packs() -> dict[str, Pack]:
    """The shipped packs by id (read once)."""
    out: dict[str, Pack] = {}
    for f in sorted(PACK_DIR.glob("*.yaml")):
        p = PackFile.model_validate(yaml.safe_load(f.read_text(encoding="utf-8")))
        out[p.id] = Pack(
            p.id, p.name, p.description, tuple(p.phrases), tuple(p.patterns), tuple(p.exceptions)
        )
    return out


def resolve_packs(edits: Mapping[str, PackEdit]) -> dict[str, Pack]:
    """The built-in packs with the config's changes applied, and the config's own packs."""
    out = dict(builtin_packs())
    for pid, e in edits.items():
        base = out.get(pid, Pack(pid, pid, "", (), (), ()))
        phrases = [*(base.phrases if e.phrases is None else e.phrases), *e.add]
        removed = set(e.remove)
        out[pid] = Pack(
            pid,
            e.name or base.name,
            e.description if e.description is not None else base.description,
            tuple(dict.fromkeys(p for p in phrases if p not in removed)),
            tuple([*(base.patterns if e.patterns is None else e.patterns), *e.add_patterns]),
            tuple(
                [*(base.exceptions if e.exceptions is None else e.exceptions), *e.add_exceptions]
            ),
        )
    return out
