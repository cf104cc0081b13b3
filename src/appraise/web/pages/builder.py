"""The scheme builder: a form over the scheme's YAML for people who do not write YAML.

The builder keeps the whole scheme as a mapping (the hidden ``state`` field, JSON), so keys it
shows no field for (anchors, aliases, constants) are kept as they are. Every field is named
``kind:path`` (``num:indicators.0.rule.full``): ``apply_fields`` converts each typed value by its
kind and writes it at its path, or refuses it with a message for beside the field; the YAML is
the mapping dumped, and the scheme engine validates that text as the editor's does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from appraise.metrics.definitions import list_definitions
from appraise.schemes.expr import Expr, ExprError
from appraise.schemes.ranges import Range, to_decimal
from appraise.seeds import ROOT, SEEDS

Path = list[str | int]

RULE_TYPES: dict[str, Any] = {
    "rated": _l("Rated (评分)"),
    "levels": _l("Levels (等级)"),
    "bands": _l("Bands (区间)"),
    "target": _l("Target (目标)"),
    "threshold": _l("Threshold (达标)"),
    "deduction": _l("Deduction (扣分)"),
    "bonus": _l("Bonus (加分)"),
    "rank": _l("Rank (排名)"),
    "formula": _l("Formula (公式)"),
}

# (key, kind, label, choices): the fields of each rule type, from appraise.schemes.model.
_BETTER = {"higher": _l("higher is better"), "lower": _l("lower is better")}
RULE_FIELDS: dict[str, list[tuple[str, str, Any, dict[str, Any] | None]]] = {
    "rated": [("max", "num", _l("Highest score"), None), ("min", "num", _l("Lowest score"), None)],
    "levels": [("full", "num", _l("Full score (optional)"), None)],
    "bands": [
        ("metric", "metric", _l("Metric"), None),
        ("otherwise", "num", _l("Score outside every band"), None),
    ],
    "target": [
        ("metric", "metric", _l("Metric"), None),
        ("target", "num", _l("Target value"), None),
        ("full", "num", _l("Full score"), None),
        ("better", "choice", _l("Direction"), _BETTER),
        (
            "method",
            "choice",
            _l("Method"),
            {"proportion": _l("in proportion"), "steps": _l("in steps")},
        ),
        ("cap", "share", _l("Cap (% of full)"), None),
        ("step", "num", _l("Step"), None),
        ("step_points", "num", _l("Points per step"), None),
    ],
    "threshold": [
        ("metric", "metric", _l("Metric"), None),
        ("range", "range", _l("Range that passes"), None),
        ("score", "num", _l("Score when it passes"), None),
        ("otherwise", "num", _l("Score otherwise"), None),
    ],
    "deduction": [("base", "num", _l("Start from"), None), ("floor", "num", _l("Floor"), None)],
    "bonus": [("cap", "num", _l("At most"), None)],
    "rank": [
        ("metric", "metric", _l("Metric"), None),
        ("order", "choice", _l("Best first"), {"desc": _l("highest"), "asc": _l("lowest")}),
        ("points", "nums", _l("Points by place (3, 2, 1)"), None),
        ("others", "num", _l("Points for the rest"), None),
    ],
    "formula": [
        ("expr", "expr", _l("Formula"), None),
        ("max", "num", _l("At most"), None),
        ("min", "num", _l("At least"), None),
    ],
}

# What a new rule of each type starts with (enough for the scheme to load, bar a metric).
RULE_DEFAULTS: dict[str, dict[str, Any]] = {
    "rated": {"max": 100},
    "levels": {"levels": [{"name": "优秀", "score": 100}, {"name": "合格", "score": 60}]},
    "bands": {"bands": [{"range": ">= 90", "score": 100}, {"range": "< 90", "score": 60}]},
    "target": {"target": 100, "full": 100},
    "threshold": {"range": ">= 90", "score": 100},
    "deduction": {"base": 100, "kinds": [{"kind": "complaint", "name": "投诉", "points": 10}]},
    "bonus": {"kinds": [{"kind": "praise", "name": "表扬", "points": 5}], "cap": 10},
    "rank": {"points": [3, 2, 1]},
    "formula": {"expr": "100"},
}

# Lists of rows: where they are (the key of the list), and each row's fields and what a new row is.
RowSpec = tuple[list[tuple[str, str, Any, dict[str, Any] | None]], dict[str, Any]]
ROWS: dict[str, RowSpec] = {
    "levels": (
        [("name", "str", _l("Level"), None), ("score", "num", _l("Score"), None)],
        {"name": "新等级", "score": 0},
    ),
    "bands": (
        [
            ("range", "range", _l("Range"), None),
            ("score", "num", _l("Score"), None),
            ("label", "str", _l("Label"), None),
        ],
        {"range": "*", "score": 0},
    ),
    "kinds": (
        [
            ("kind", "str", _l("Code"), None),
            ("name", "str", _l("Name"), None),
            ("points", "num", _l("Points each"), None),
        ],
        {"kind": "other", "name": "其他", "points": 1},
    ),
    "raters.roles": (
        [
            ("id", "str", _l("Code"), None),
            ("name", "str", _l("Name"), None),
            ("weight", "share", _l("Weight (%)"), None),
            # Peers, another department (seed 004's 同事互评): HR names the raters per agent.
            ("assigned", "flag", _l("Raters assigned by HR"), None),
            ("anonymous", "flag", _l("Anonymous to the agent"), None),
        ],
        {"id": "self", "name": "自评", "weight": "0%"},
    ),
    "grades": (
        [("name", "str", _l("Grade"), None), ("range", "range", _l("Total in"), None)],
        {"name": "新等级", "range": "< 60"},
    ),
    "distribution.quotas": (
        [("grade", "str", _l("Grade"), None), ("max", "share", _l("At most (%)"), None)],
        {"grade": "优秀", "max": "20%"},
    ),
    "pay.components": (
        [
            ("id", "str", _l("Code"), None),
            ("name", "str", _l("Name"), None),
            ("amount", "num", _l("Rated amount (× total ÷ full score)"), None),
        ],
        {"type": "rated_bonus", "id": "bonus", "name": "绩效奖金", "amount": 1000},
    ),
    "consequences": (
        [
            ("id", "str", _l("Code"), None),
            ("name", "str", _l("Name"), None),
            ("when", "expr", _l("When"), None),
            ("periods", "int", _l("Periods in a row"), None),
            ("pay", "num", _l("Money (negative deducts)"), None),
        ],
        {"id": "warning", "name": "绩效预警", "when": "total < 60", "periods": 1},
    ),
    "eligibility": (
        [
            ("id", "str", _l("Code"), None),
            ("name", "str", _l("Name"), None),
            ("when", "expr", _l("When"), None),
            (
                "effect",
                "choice",
                _l("Effect"),
                {"not_appraised": _l("not appraised"), "no_pay": _l("no pay")},
            ),
        ],
        {
            "id": "new_hire",
            "name": "新员工",
            "when": "tenure_months < 1",
            "effect": "not_appraised",
        },
    ),
}
SECTIONS: list[tuple[str, Any]] = [
    ("raters.roles", _l("Raters and their weights")),
    ("grades", _l("Grades")),
    ("distribution.quotas", _l("Grade quotas")),
    ("pay.components", _l("Pay lines")),
    ("consequences", _l("Consequences")),
    ("eligibility", _l("Eligibility")),
]
SCHEME_FIELDS: list[tuple[str, str, Any, dict[str, Any] | None]] = [
    ("id", "str", _l("Scheme id"), None),
    ("name", "str", _l("Scheme name"), None),
    (
        "period",
        "choice",
        _l("Period"),
        {"month": _l("month"), "quarter": _l("quarter"), "year": _l("year"), "week": _l("week")},
    ),
    ("full_score", "num", _l("Full score"), None),
    ("description", "str", _l("Description"), None),
]

BLANK: dict[str, Any] = {
    "id": "小店客服月度考核",
    "name": "小店客服月度考核",
    "period": "month",
    "full_score": 100,
    "indicators": [{"name": "服务态度", "weight": 100, "rule": {"type": "rated", "max": 100}}],
    "grades": [
        {"name": "优秀", "range": ">= 90"},
        {"name": "合格", "range": "[60, 90)"},
        {"name": "待改进", "range": "< 60"},
    ],
}


_SeedKey = tuple[tuple[str, int, int], ...]
_seed_cache: tuple[_SeedKey, dict[str, tuple[str, dict[str, Any]]]] | None = None


def _seeds() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every seed scheme by file stem: (its name, its mapping), read once per process.

    The seeds are files shipped with the package; reading and parsing the 21 of them took a
    third of a second on every request of the builder. They are read again only when a file is
    added, removed or changed (its size or mtime), which costs one stat per file.
    """
    global _seed_cache
    files = sorted((ROOT / SEEDS).glob("*.yaml"))
    key = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if _seed_cache is not None and _seed_cache[0] == key:
        return _seed_cache[1]
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            out[f.stem] = (str(data.get("name", f.stem)), _plain(data))
    _seed_cache = (key, out)
    return out


def seed_names() -> list[tuple[str, str]]:
    """(file stem, scheme name) of every seed scheme, for the template list."""
    return [(stem, name) for stem, (name, _data) in _seeds().items()]


def template_state(name: str | None) -> dict[str, Any]:
    """A seed scheme's mapping (its maintainers' comments are not part of it), or the blank one;
    a copy, which the caller may change."""
    found = _seeds().get(name) if name else None
    state: dict[str, Any] = json.loads(json.dumps(found[1] if found else BLANK))
    return state


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def from_yaml(text: str) -> dict[str, Any] | None:
    """The mapping a YAML text holds, or None when it is not one (the builder keeps its own)."""
    from appraise.schemes.yamlload import safe_load  # bounded: aliases, depth; bad dates

    try:
        data = safe_load(text)
    except yaml.YAMLError:
        return None
    return _plain(data) if isinstance(data, dict) else None


def _plain(v: Any) -> Any:
    """JSON-able: dates and other YAML scalars as text (the hidden state is JSON)."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, bool | int | float | str):
        return v
    return str(v)


# --- paths ---------------------------------------------------------------------------------


def parse_path(text: str) -> Path:
    return [int(p) if p.isdigit() else p for p in text.split(".") if p]


def get(data: Any, path: Path) -> Any:
    for p in path:
        if isinstance(p, int):
            if not isinstance(data, list) or p >= len(data):
                return None
            data = data[p]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(p)
    return data


def put(data: dict[str, Any], path: Path, value: Any) -> None:
    """Write ``value`` at ``path`` (None removes the key), making mappings on the way."""
    node: Any = data
    for i, p in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(p, int):
            node = node[p]
        else:
            if not isinstance(node.get(p), dict | list):
                node[p] = [] if isinstance(nxt, int) else {}
            node = node[p]
    last = path[-1]
    if isinstance(last, int):
        node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


# --- converting typed values ---------------------------------------------------------------


def _number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(str(d))


def convert(kind: str, raw: str) -> Any:
    """The value to store for a field's text; ValueError with the reader's message if refused."""
    text = raw.strip()
    if kind == "flag":
        # A checkbox: its hidden twin sends "0" when unticked; an unticked flag is left out of
        # the scheme (false is every flag's default) rather than written as "false".
        return True if text.lower() in {"1", "on", "true"} else None
    if text == "":
        return None
    if kind in {"str", "choice", "metric"}:
        return text
    if kind in {"num", "weight", "share", "int", "nums"}:
        if kind == "nums":
            return [convert("num", p) for p in re.split(r"[,，、\s]+", text) if p]
        percent = text.endswith(("%", "％"))
        body = text[:-1] if percent else text
        try:
            d = to_decimal(body)
        except ValueError:
            raise ValueError(_("not a number: %(v)s") % {"v": text}) from None
        if not d.is_finite():
            raise ValueError(_("not a number: %(v)s") % {"v": text})
        if kind == "int":
            if percent or d != d.to_integral_value() or d < 1:
                raise ValueError(_("a whole number of 1 or more is needed"))
            return int(d)
        if kind == "share" or (kind == "weight" and percent):
            if d < 0:
                raise ValueError(_("a share cannot be negative"))
            return f"{d}%"
        if percent:
            raise ValueError(_("a number is needed, without %"))
        if kind == "weight" and d < 0:
            raise ValueError(_("a weight cannot be negative"))
        return _number(d)
    if kind == "range":
        try:
            Range.parse(text)
        except ValueError as exc:
            raise ValueError(_("not a range (>= 90, [60, 90), < 60): %(e)s") % {"e": exc}) from None
        return text
    if kind == "expr":
        try:
            Expr.parse(text)
        except ExprError as exc:
            raise ValueError(_("not a formula: %(e)s") % {"e": exc}) from None
        return text
    raise ValueError(kind)


@dataclass
class Applied:
    data: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    raw: dict[str, str] = field(default_factory=dict)  # refused field name -> its text


def apply_fields(state: dict[str, Any], post: Any) -> Applied:
    """Write every field of the form into the mapping; a refused value leaves its key as it was.

    ``type:<rule path>`` (a rule's type) is applied first: a rule of another type starts from that
    type's defaults, keeping its metric, and the old type's fields are not written into it.
    """
    out = Applied(json.loads(json.dumps(state)))
    retyped: set[str] = set()
    for name in post:
        if not name.startswith("type:"):
            continue
        where = name[5:]
        new = post.get(name)
        old = get(out.data, parse_path(where))
        if new in RULE_TYPES and (not isinstance(old, dict) or old.get("type") != new):
            rule: dict[str, Any] = {"type": new, **RULE_DEFAULTS[new]}
            if (
                isinstance(old, dict)
                and old.get("metric")
                and new in {"bands", "target", "threshold", "rank"}
            ):
                rule["metric"] = old["metric"]
            put(out.data, parse_path(where), rule)
            retyped.add(where + ".")
    for name in post:
        kind, sep, where = name.partition(":")
        if not sep or kind == "type" or kind not in KINDS:
            continue
        if any(where.startswith(r) for r in retyped):
            continue
        path = parse_path(where)
        if get(out.data, path[:-1]) is None and len(path) > 1:
            continue  # a row removed by the same request
        raw = post.get(name, "")
        try:
            value = convert(kind, raw)
        except ValueError as exc:
            out.errors[name] = str(exc)
            out.raw[name] = raw
            continue
        put(out.data, path, value)
    return out


KINDS = {
    "str",
    "choice",
    "metric",
    "num",
    "weight",
    "share",
    "int",
    "nums",
    "range",
    "expr",
    "flag",
}


# --- operations on the tree and the lists ---------------------------------------------------


def _new_indicator(data: dict[str, Any]) -> dict[str, Any]:
    names = set()

    def walk(items: Any) -> None:
        for it in items or []:
            if isinstance(it, dict):
                names.add(it.get("name"))
                walk(it.get("children"))

    walk(data.get("indicators"))
    n = 1
    while f"新指标{n}" in names:
        n += 1
    return {"name": f"新指标{n}", "weight": 10, "rule": {"type": "rated", "max": 100}}


def apply_op(data: dict[str, Any], op: str) -> None:
    """``add:indicators`` / ``child:<path>`` / ``del:<path>`` / ``up:<path>`` / ``down:<path>`` /
    ``row:<list path>`` / ``section:<key>``; an unknown one does nothing."""
    verb, _sep, where = op.partition(":")
    path = parse_path(where)
    if verb == "add":
        items = get(data, path)
        if not isinstance(items, list):
            put(data, path, [])
            items = get(data, path)
        items.append(_new_indicator(data))
    elif verb == "child":
        node = get(data, path)
        if isinstance(node, dict):
            node.pop("rule", None)
            node.setdefault("children", []).append(_new_indicator(data))
    elif verb in {"del", "up", "down"} and path and isinstance(path[-1], int):
        items = get(data, path[:-1])
        i = path[-1]
        if not isinstance(items, list) or i >= len(items):
            return
        if verb == "del":
            items.pop(i)
        elif verb == "up" and i > 0:
            items[i - 1], items[i] = items[i], items[i - 1]
        elif verb == "down" and i + 1 < len(items):
            items[i + 1], items[i] = items[i], items[i + 1]
    elif verb in {"row", "section"}:
        key = _row_key(path)
        if key is None:
            return
        items = get(data, path)
        if not isinstance(items, list):
            put(data, path, [])
            items = get(data, path)
        items.append(json.loads(json.dumps(ROWS[key][1])))


def _row_key(path: Path) -> str | None:
    text = ".".join(str(p) for p in path)
    if text in ROWS:
        return text
    last = path[-1] if path else None
    return last if isinstance(last, str) and last in ROWS and "." not in last else None


# --- what the template draws ----------------------------------------------------------------


@dataclass
class Ctx:
    applied: Applied
    metrics: list[dict[str, str]]
    made: list[dict[str, Any]] = field(default_factory=list)

    def field(
        self, path: Path, key: str, kind: str, label: Any, choices: dict[str, Any] | None
    ) -> dict[str, Any]:
        where = ".".join(str(p) for p in [*path, key])
        name = f"{kind}:{where}"
        value = get(self.applied.data, [*path, key])
        if name in self.applied.raw:
            shown = self.applied.raw[name]
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = "" if value is None else str(value)
        out: dict[str, Any] = {
            "name": name,
            "id": "b-" + where.replace(".", "-"),
            "label": label,
            "kind": kind,
            "value": shown,
            "error": self.applied.errors.get(name, ""),
        }
        if kind == "choice":
            out["choices"] = [(k, v) for k, v in (choices or {}).items()]
        if kind == "metric":
            known = {m["id"] for m in self.metrics}
            options = [(m["id"], _metric_label(m)) for m in self.metrics]
            if shown and shown not in known:
                by_name = {m["name"]: m for m in self.metrics}
                if shown in by_name:
                    shown = by_name[shown]["id"]
                    out["value"] = shown
                else:
                    options.insert(0, (shown, _("%(m)s (not in the catalog)") % {"m": shown}))
            out["choices"] = options
            chosen = next((m for m in self.metrics if m["id"] == shown), None)
            out["definition"] = chosen["description"] if chosen else ""
        self.made.append(out)
        return out


def _metric_label(m: dict[str, str]) -> str:
    from appraise.metrics.explain import unit_words
    from appraise.web.exports.language import reader_lang

    # The unit in words (百分比（0–100）), not the catalog's key (percent).
    unit = f" · {unit_words(m['unit'], reader_lang())}" if m.get("unit") else ""
    return f"{m['name']}{unit} ({m['id']})"


def metric_choices(data: dict[str, Any]) -> list[dict[str, str]]:
    out = list_definitions()
    for m in data.get("metrics") or []:
        if isinstance(m, dict) and m.get("id"):
            out.append(
                {
                    "id": str(m["id"]),
                    "name": str(m.get("name", m["id"])),
                    "unit": str(m.get("unit") or ""),
                    "description": str(m.get("description") or ""),
                }
            )
    return sorted(out, key=lambda m: m["name"])


def _weight_value(w: Any, full: Decimal) -> Decimal | None:
    if w is None:
        return None
    text = str(w).strip()
    try:
        if text.endswith(("%", "％")):
            return to_decimal(text[:-1]) * full / 100
        return to_decimal(text)
    except ValueError:
        return None


def weight_sum(items: Any, full: Decimal) -> Decimal:
    total = Decimal(0)
    for it in items or []:
        if not isinstance(it, dict) or it.get("counts") is False:
            continue
        w = _weight_value(it.get("weight"), full)
        if w is None and it.get("children"):
            w = weight_sum(it.get("children"), full)
        total += w or 0
    return total


def view(applied: Applied) -> dict[str, Any]:
    """Everything the builder's template draws, from the mapping and the refused fields."""
    data = applied.data
    ctx = Ctx(applied, metric_choices(data))
    try:
        full = (
            to_decimal(data.get("full_score", 100)) if data.get("full_score") is not None else None
        )
    except ValueError:
        full = None
    nodes: list[dict[str, Any]] = []

    def walk(items: Any, path: Path, depth: int) -> None:
        if not isinstance(items, list):
            return
        for i, it in enumerate(items):
            if not isinstance(it, dict):
                continue
            p = [*path, i]
            where = ".".join(str(x) for x in p)
            children = it.get("children") or []
            rule = it.get("rule") if isinstance(it.get("rule"), dict) else None
            rtype = rule.get("type") if rule else None
            node: dict[str, Any] = {
                "path": where,
                "dom": where.replace(".", "-"),
                "depth": depth,
                "indent": min(depth, 4),
                "first": i == 0,
                "last": i == len(items) - 1,
                "fields": [
                    ctx.field(p, "name", "str", _l("Indicator"), None),
                    ctx.field(p, "weight", "weight", _l("Weight"), None),
                ],
                "category": bool(children),
                "rule_type": rtype,
                "rule_fields": [],
                "rows": [],
            }
            if children:
                node["sum"] = _plain_dec(weight_sum(children, full or Decimal(100)))
            if rule is not None and rtype in RULE_FIELDS:
                rp = [*p, "rule"]
                node["rule_path"] = ".".join(str(x) for x in rp)
                node["rule_fields"] = [ctx.field(rp, *f) for f in RULE_FIELDS[rtype]]
                for key in ("levels", "bands", "kinds"):
                    if key in RULE_DEFAULTS[rtype]:
                        node["rows"].append(_rows(ctx, [*rp, key], key))
            nodes.append(node)
            walk(children, [*p, "children"], depth + 1)

    walk(data.get("indicators"), ["indicators"], 0)
    sections = [{"title": title, **_rows(ctx, parse_path(key), key)} for key, title in SECTIONS]
    return {
        "state": json.dumps(data, ensure_ascii=False),
        "scheme_fields": [ctx.field([], *f) for f in SCHEME_FIELDS],
        "nodes": nodes,
        "rule_types": list(RULE_TYPES.items()),
        "sum": _plain_dec(weight_sum(data.get("indicators"), full or Decimal(100))),
        "full": _plain_dec(full) if full is not None else "",
        "sum_ok": full is None or weight_sum(data.get("indicators"), full) == full,
        "sections": sections,
        "errors": applied.errors,
        "all_fields": ctx.made,
    }


def _plain_dec(d: Decimal) -> str:
    return format(d.normalize(), "f") if d != 0 else "0"


def _rows(ctx: Ctx, path: Path, key: str) -> dict[str, Any]:
    where = ".".join(str(x) for x in path)
    items = get(ctx.applied.data, path)
    fields, _new = ROWS[key]
    rows = []
    for i, row in enumerate(items if isinstance(items, list) else []):
        if not isinstance(row, dict):
            continue
        rp = [*path, i]
        if key == "pay.components" and row.get("type") != "rated_bonus":
            rows.append(
                {
                    "path": f"{where}.{i}",
                    "fields": [ctx.field(rp, "name", "str", _l("Name"), None)],
                    "note": _("a %(t)s pay line: its other fields are edited in the YAML")
                    % {"t": row.get("type")},
                }
            )
            continue
        rows.append({"path": f"{where}.{i}", "fields": [ctx.field(rp, *f) for f in fields]})
    return {"path": where, "rows": rows, "key": key}
