"""Validation rules that need the whole scheme. One function per rule, listed in ``RULES``.

Each rule gets a :class:`Checked` scheme (the model plus the line of every value) and returns
problems. Errors stop the scheme from being used; warnings are shown and the scheme still scores
(the seeds' weights that sum to 90% are a warning, and the total is their plain sum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import cached_property
from itertools import pairwise

from appraise.inputs.names import normalize_name
from appraise.messages import message
from appraise.periods import KIND_WORDS, MONTHS
from appraise.problems import Level, Problem
from appraise.schemes.model import (
    MONTHS_IN,
    BandsRule,
    BonusRule,
    DeductionRule,
    FormulaRule,
    HoursProration,
    Indicator,
    LevelsRule,
    PointsRange,
    RankRule,
    RatedRule,
    Scheme,
    TargetRule,
    ThresholdRule,
    Tiers,
)
from appraise.schemes.names import MetricInfo, Resolver
from appraise.schemes.ranges import Range, gaps
from appraise.schemes.yamlload import LineMap, Path_

# Names a consequence condition may read besides constants.
CONSEQUENCE_NAMES = frozenset({"total", "grade", "rank", "count", "last_rank", "level"})
ELIGIBILITY_NAMES = frozenset(
    {"tenure_months", "tenure_days", "hired_in_period", "hired_day", "position", "team"}
)
RESULT_NAMES = frozenset({"total", "grade", "rank", "count", "last_rank", "level", "points"})
# An agent's own attributes, readable by every formula and condition.
AGENT_NAMES = frozenset({"position", "team"})
# Read from the history and the calendar: month_to_date, cumulative, month_end ...
_LONGER = ("week", "month", "quarter", "year")
BUILTIN_NAMES = frozenset(
    [f"{k}_to_date" for k in _LONGER] + [f"{k}_end" for k in _LONGER] + ["cumulative"]
)


# Names every formula and condition may read as they are: never taken for a metric's name.
FIXED_NAMES = CONSEQUENCE_NAMES | ELIGIBILITY_NAMES | RESULT_NAMES | AGENT_NAMES | BUILTIN_NAMES


@dataclass
class Checked:
    scheme: Scheme
    lines: LineMap
    file: str
    known_metrics: frozenset[str]
    # The catalog's metrics with their names and units, for suggestions and directions.
    catalog: Mapping[str, MetricInfo] = field(default_factory=dict)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.scheme, self.catalog, FIXED_NAMES)

    def unknown(self, name: str, *, metrics: bool = True, indicators: bool = False) -> str:
        """Why ``name`` resolves to nothing: it names an indicator and a metric at once (write
        the id), or nothing, with the closest names as a suggestion."""
        r = self.resolver
        ind, met = r.candidates(name)
        if metrics and indicators and ind is not None and met is not None:
            return message(
                "ambiguous_hint",
                ", the name of indicator {ind} and of metric {met}: write the id of the one meant",
                ind=r.indicator_label(ind),
                met=r.label(met),
            )
        return r.suggest(name, metrics=metrics, indicators=indicators)

    def problem(self, level: Level, code: str, message: str, path: Path_) -> Problem:
        return Problem(level, code, message, self.file, self.lines.line(path))


def walk(nodes: list[Indicator], path: Path_) -> Iterator[tuple[Indicator, Path_]]:
    """Every indicator of a tree with its path, parents before children."""
    for i, node in enumerate(nodes):
        p = (*path, i)
        yield node, p
        yield from walk(node.children, (*p, "children"))


def all_indicators(scheme: Scheme) -> Iterator[tuple[Indicator, Path_]]:
    yield from walk(list(scheme.indicators), ("indicators",))
    yield from walk(list(scheme.adjustments), ("adjustments",))


def expression_names(scheme: Scheme) -> frozenset[str]:
    """Every name that some formula or condition of the scheme reads."""
    exprs = [
        *(n.rule.expr for n, _ in all_indicators(scheme) if isinstance(n.rule, FormulaRule)),
        *(
            n.rule.eligible
            for n, _ in all_indicators(scheme)
            if isinstance(n.rule, RankRule) and n.rule.eligible is not None
        ),
        *(e.when for e in scheme.eligibility),
        *(g.when for g in scheme.grades if g.when is not None),
        *(c.when for c in scheme.consequences),
        *(v.when for v in scheme.vetoes),
        *(p.when for p in (scheme.pay.components if scheme.pay else []) if p.when is not None),
        *(p.expr for p in (scheme.pay.components if scheme.pay else []) if hasattr(p, "expr")),
    ]
    return frozenset(name for e in exprs for name in e.names)


def weight_points(node: Indicator, full_score: Decimal | None) -> Decimal | None:
    """The weight in points: ``10%`` of a 100-point scheme is 10; None when not declared."""
    if node.weight is None:
        return None
    if isinstance(node.weight, str):
        pct = Decimal(node.weight[:-1])
        return pct * (full_score if full_score is not None else Decimal(100)) / 100
    return node.weight


def _unique_ids(c: Checked) -> list[Problem]:
    seen: dict[str, Path_] = {}
    out = []
    for node, path in all_indicators(c.scheme):
        if node.id in seen:
            out.append(
                c.problem(
                    "error",
                    "duplicate_id",
                    message(
                        "duplicate_id",
                        'indicator id "{id}" is used twice (first at line {line})',
                        id=node.id,
                        line=c.lines.line(seen[node.id]),
                    ),
                    (*path, "id"),
                )
            )
        else:
            seen[node.id] = path
    return out


def _rule_or_children(c: Checked) -> list[Problem]:
    out = []
    for node, path in all_indicators(c.scheme):
        if node.children and node.rule is not None:
            out.append(
                c.problem(
                    "error",
                    "rule_and_children",
                    message(
                        "rule_and_children",
                        'indicator "{id}" has both children and a rule; a category scores by its '
                        "children",
                        id=node.id,
                    ),
                    path,
                )
            )
        if not node.children and node.rule is None:
            out.append(
                c.problem(
                    "error",
                    "no_rule",
                    message("no_rule", 'indicator "{id}" has no rule', id=node.id),
                    path,
                )
            )
    return out


def _fmt(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def _weights(c: Checked) -> list[Problem]:
    s = c.scheme
    out: list[Problem] = []
    full = s.full_score if s.full_score is not None else Decimal(100)

    def check(children: list[Indicator], expected: Decimal | None, where: str, path: Path_) -> None:
        counted = [ch for ch in children if ch.counts]
        declared = [weight_points(ch, s.full_score) for ch in counted]
        if expected is None or not declared or any(w is None for w in declared):
            return
        total = sum((w for w in declared if w is not None), Decimal(0))
        if total == expected:
            return
        # Say it the way the scheme writes it: percentages or points.
        if any(isinstance(ch.weight, str) for ch in counted):
            got: str = f"{_fmt(total * 100 / full)}%"
            want: str = f"{_fmt(expected * 100 / full)}%"
        else:
            got = message("points_n", "{n} points", n=_fmt(total))
            want = message("points_n", "{n} points", n=_fmt(expected))
        mode = (
            message("total_sum", "the total is their plain sum, as declared by `total: sum`")
            if s.total == "sum"
            else message("total_normalized", "they are scaled to it (`total: normalized`)")
        )
        out.append(
            c.problem(
                "warning",
                "weights_sum",
                message(
                    "weights_sum",
                    "the weights of {where} add up to {got}, not {want}; {mode}",
                    where=where,
                    got=got,
                    want=want,
                    mode=mode,
                ),
                path,
            )
        )

    check(
        list(s.indicators),
        s.full_score,
        message("what.top_level", "the top-level indicators"),
        ("indicators",),
    )
    for node, path in walk(list(s.indicators), ("indicators",)):
        if node.children:
            check(
                node.children,
                weight_points(node, s.full_score),
                message("what.children", '"{id}"', id=node.id),
                path,
            )
    for node, path in all_indicators(s):
        if isinstance(node.weight, str) and s.full_score is None:
            out.append(
                c.problem(
                    "error",
                    "percent_without_full_score",
                    message(
                        "percent_without_full_score",
                        'indicator "{id}" has a percentage weight but the scheme has no '
                        "full_score; write its weight in points",
                        id=node.id,
                    ),
                    (*path, "weight"),
                )
            )
    return out


def _bands(c: Checked) -> list[Problem]:
    out: list[Problem] = []
    for node, path in all_indicators(c.scheme):
        rule = node.rule
        if not isinstance(rule, BandsRule):
            continue
        ranges = [b.range for b in rule.bands]
        out += _overlaps(
            c,
            ranges,
            (*path, "rule", "bands"),
            message("what.bands", 'bands of "{id}"', id=node.id),
        )
        missing = gaps(ranges)
        if missing and rule.otherwise is None:
            out.append(
                c.problem(
                    "warning",
                    "band_gap",
                    message(
                        "band_gap",
                        'bands of "{id}" leave out {gaps}; a value there has no '
                        "score (add `otherwise:` or close the gap)",
                        id=node.id,
                        gaps=", ".join(missing),
                    ),
                    (*path, "rule", "bands"),
                )
            )
    return out


def _overlaps(c: Checked, ranges: list[Range], path: Path_, what: str) -> list[Problem]:
    out = []
    for i, a in enumerate(ranges):
        for j in range(i + 1, len(ranges)):
            if a.overlaps(ranges[j]):
                out.append(
                    c.problem(
                        "error",
                        "ranges_overlap",
                        message(
                            "ranges_overlap",
                            "{what}: {a} and {b} overlap, so a value could fall in both",
                            what=what,
                            a=a,
                            b=ranges[j],
                        ),
                        (*path, j),
                    )
                )
    return out


def _level_names(c: Checked) -> list[Problem]:
    out = []
    for node, path in all_indicators(c.scheme):
        if not isinstance(node.rule, LevelsRule):
            continue
        seen: set[str] = set()
        for i, level in enumerate(node.rule.levels):
            for name in [level.name, *level.aliases]:
                key = normalize_name(name)
                if key in seen:
                    out.append(
                        c.problem(
                            "error",
                            "duplicate_level",
                            message(
                                "duplicate_level",
                                'level name "{name}" of "{id}" is used twice',
                                name=name,
                                id=node.id,
                            ),
                            (*path, "rule", "levels", i),
                        )
                    )
                seen.add(key)
    return out


def _metric_names(c: Checked) -> list[Problem]:
    """Metrics named by rules and formulas must be in the catalog or declared by the scheme."""
    s = c.scheme
    ids = {node.id for node, _ in all_indicators(s)}
    known = c.known_metrics | {m.id for m in s.metrics} | set(s.constants) | BUILTIN_NAMES
    known |= AGENT_NAMES | _month_names(s)
    out = []

    def need(name: str, node: Indicator, path: Path_, formula: bool) -> None:
        if name in known or name in ids:
            return
        ind, met = c.resolver.candidates(name)
        if formula and ind is not None and met is not None:
            out.append(
                c.problem(
                    "error",
                    "ambiguous_name",
                    message(
                        "ambiguous_name",
                        'indicator "{id}" reads "{name}"{hint}',
                        id=node.id,
                        name=name,
                        hint=c.unknown(name, indicators=True),
                    ),
                    path,
                )
            )
            return
        what = message("word.name", "name") if formula else message("word.metric", "metric")
        where = (
            message(
                "unknown_name_where",
                "not a metric of the catalog or of the scheme's `metrics:`, nor an indicator",
            )
            if formula
            else message(
                "unknown_metric_where", "not in the metric catalog nor in the scheme's `metrics:`"
            )
        )
        out.append(
            c.problem(
                "error",
                "unknown_metric",
                message(
                    "unknown_metric",
                    'indicator "{id}" uses unknown {what} "{name}" ({where}){hint}',
                    id=node.id,
                    what=what,
                    name=name,
                    where=where,
                    hint=c.unknown(name, indicators=formula),
                ),
                path,
            )
        )

    for node, path in all_indicators(s):
        rule = node.rule
        rp = (*path, "rule")
        if isinstance(rule, BandsRule | TargetRule | ThresholdRule) and rule.metric:
            need(rule.metric, node, (*rp, "metric"), False)
        if isinstance(rule, RankRule):
            if rule.metric:
                need(rule.metric, node, (*rp, "metric"), False)
            if rule.eligible is not None:
                for name in sorted(rule.eligible.names):
                    need(name, node, (*rp, "eligible"), True)
        if isinstance(rule, FormulaRule):
            for name in sorted(rule.expr.names):
                need(name, node, (*rp, "expr"), True)
    return out


def _name_clashes(c: Checked) -> list[Problem]:
    """A declared metric named like an indicator would make the files ambiguous: a column of
    that name feeds the indicator directly, never the metric."""
    s = c.scheme
    taken: dict[str, str] = {}
    for node, _ in all_indicators(s):
        for name in [node.id, node.name, *node.aliases]:
            taken.setdefault(normalize_name(name), node.id)
    out = []
    for i, m in enumerate(s.metrics):
        for name in (m.id, m.name):
            ind = taken.get(normalize_name(name))
            if ind is not None:
                out.append(
                    c.problem(
                        "error",
                        "name_clash",
                        message(
                            "name_clash",
                            'metric "{id}" is called "{name}", like indicator "{ind}"; a column '
                            "of that name in the files would be ambiguous: rename one of them",
                            id=m.id,
                            name=name,
                            ind=ind,
                        ),
                        ("metrics", i),
                    )
                )
                break
    return out


def _rule_shapes(c: Checked) -> list[Problem]:
    out = []
    ids = {node.id for node, _ in all_indicators(c.scheme)}
    for node, path in all_indicators(c.scheme):
        rule, rp = node.rule, (*path, "rule")
        if isinstance(rule, RankRule):
            if (rule.metric is None) == (rule.of is None):
                out.append(
                    c.problem(
                        "error",
                        "rank_input",
                        message(
                            "rank_input",
                            'rank rule of "{id}" needs exactly one of `metric` or `of`',
                            id=node.id,
                        ),
                        rp,
                    )
                )
            if rule.of is not None and rule.of not in ids:
                out.append(
                    c.problem(
                        "error",
                        "unknown_indicator",
                        message(
                            "unknown_indicator",
                            'rank rule of "{id}" ranks unknown indicator "{of}"{hint}',
                            id=node.id,
                            of=rule.of,
                            hint=c.unknown(rule.of, metrics=False, indicators=True),
                        ),
                        (*rp, "of"),
                    )
                )
        if isinstance(rule, TargetRule) and rule.method == "steps" and rule.target is None:
            out.append(
                c.problem(
                    "error",
                    "target_missing",
                    message(
                        "target_missing",
                        'target rule of "{id}" with method steps needs a `target`',
                        id=node.id,
                    ),
                    rp,
                )
            )
        if isinstance(rule, RatedRule) and rule.min >= rule.max:
            out.append(
                c.problem(
                    "error",
                    "rated_range",
                    message("rated_range", '"{id}": min must be below max', id=node.id),
                    rp,
                )
            )
        if isinstance(rule, DeductionRule | BonusRule):
            for i, k in enumerate(rule.kinds):
                if isinstance(k.points, PointsRange) and k.points.min > k.points.max:
                    out.append(
                        c.problem(
                            "error",
                            "points_range",
                            message(
                                "points_range",
                                '"{id}": points range of "{kind}" has min above max',
                                id=node.id,
                                kind=k.kind,
                            ),
                            (*rp, "kinds", i),
                        )
                    )
        if node.raters is not None:
            roles = {r.id for r in c.scheme.raters.roles} if c.scheme.raters else set()
            for i, role in enumerate(node.raters):
                if role not in roles:
                    out.append(
                        c.problem(
                            "error",
                            "unknown_rater",
                            message(
                                "unknown_rater",
                                'indicator "{id}" names rater role "{role}", which the '
                                "scheme's `raters` does not declare",
                                id=node.id,
                                role=role,
                            ),
                            (*path, "raters", i),
                        )
                    )
    return out


def _formula_cycles(c: Checked) -> list[Problem]:
    deps: dict[str, set[str]] = {}
    paths: dict[str, Path_] = {}
    ids = {node.id for node, _ in all_indicators(c.scheme)}
    for node, path in all_indicators(c.scheme):
        paths[node.id] = path
        d: set[str] = set()
        if isinstance(node.rule, FormulaRule):
            d = set(node.rule.expr.names) & ids
        elif isinstance(node.rule, RankRule) and node.rule.of:
            d = {node.rule.of}
        d |= {ch.id for ch in node.children}
        deps[node.id] = d
    out = []
    state: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for m in sorted(deps.get(n, ())):
            if state.get(m) == 1:
                cycle = [*stack[stack.index(m) :], m] if m in stack else [n, m]
                out.append(
                    c.problem(
                        "error",
                        "formula_cycle",
                        message(
                            "formula_cycle",
                            "indicators depend on each other in a circle: {cycle}",
                            cycle=" -> ".join(cycle),
                        ),
                        paths[m],
                    )
                )
            elif state.get(m) is None:
                visit(m, [*stack, m])
        state[n] = 2

    for n in deps:
        if n not in state:
            visit(n, [n])
    return out


def _raters(c: Checked) -> list[Problem]:
    r = c.scheme.raters
    if r is None:
        return []
    out = []
    total = sum((role.weight for role in r.roles), Decimal(0))
    if total != 100:
        out.append(
            c.problem(
                "warning",
                "rater_weights",
                message(
                    "rater_weights",
                    "rater weights add up to {total}%, not 100%; each indicator divides by "
                    "the weights of the roles that rated it",
                    total=_fmt(total),
                ),
                ("raters", "roles"),
            )
        )
    ids = [role.id for role in r.roles]
    for i, role in enumerate(ids):
        if role in ids[:i]:
            out.append(
                c.problem(
                    "error",
                    "duplicate_rater",
                    message("duplicate_rater", 'rater role "{role}" is declared twice', role=role),
                    ("raters", "roles", i),
                )
            )
    for i, rr in enumerate(r.roles):
        if rr.id == "self" and (rr.assigned or rr.anonymous):
            out.append(
                c.problem(
                    "error",
                    "self_rater_assigned",
                    message(
                        "self_rater_assigned",
                        'rater role "self" is the agent themselves; it cannot be assigned '
                        "to other raters or anonymous",
                    ),
                    ("raters", "roles", i),
                )
            )
        elif rr.anonymous and not rr.assigned:
            out.append(
                c.problem(
                    "error",
                    "anonymous_not_assigned",
                    message(
                        "anonymous_not_assigned",
                        'rater role "{role}" is anonymous but not assigned: only raters HR '
                        "assigns (assigned: true) can stay unnamed to the agent",
                        role=rr.id,
                    ),
                    ("raters", "roles", i),
                )
            )
    return out


def _grades(c: Checked) -> list[Problem]:
    s = c.scheme
    out: list[Problem] = []
    names = [g.name for g in s.grades]
    for i, g in enumerate(s.grades):
        if (g.range is None) == (g.when is None):
            out.append(
                c.problem(
                    "error",
                    "grade_condition",
                    message(
                        "grade_condition",
                        'grade "{grade}" needs exactly one of `range` or `when`',
                        grade=g.name,
                    ),
                    ("grades", i),
                )
            )
        if g.name in names[:i]:
            out.append(
                c.problem(
                    "error",
                    "duplicate_grade",
                    message("duplicate_grade", 'grade "{grade}" is declared twice', grade=g.name),
                    ("grades", i),
                )
            )
        if g.when is not None:
            out += _names_allowed(
                c,
                g.when.names,
                ("grades", i, "when"),
                message("what.grade", 'grade "{grade}"', grade=g.name),
                RESULT_NAMES,
            )
    ranges = [g.range for g in s.grades if g.range is not None]
    if ranges and len(ranges) == len(s.grades):
        out += _overlaps(c, ranges, ("grades",), message("what.grades", "grades"))
        missing = gaps(ranges)
        if missing:
            out.append(
                c.problem(
                    "warning",
                    "grade_gap",
                    message(
                        "grade_gap",
                        "grades leave out totals {gaps}; such an agent gets no grade",
                        gaps=", ".join(missing),
                    ),
                    ("grades",),
                )
            )
    if s.distribution is not None:
        shares = Decimal(0)
        for i, q in enumerate(s.distribution.quotas):
            if q.grade not in names:
                out.append(
                    c.problem(
                        "error",
                        "unknown_grade",
                        message(
                            "unknown_grade",
                            'quota names grade "{grade}", which is not declared',
                            grade=q.grade,
                        ),
                        ("distribution", "quotas", i),
                    )
                )
            if (q.max is None) == (q.share is None):
                out.append(
                    c.problem(
                        "error",
                        "quota_shape",
                        message(
                            "quota_shape",
                            'quota for "{grade}" needs exactly one of `max` or `share`',
                            grade=q.grade,
                        ),
                        ("distribution", "quotas", i),
                    )
                )
            shares += q.share if q.share is not None else Decimal(0)
        if shares > 100:
            out.append(
                c.problem(
                    "error",
                    "quota_sum",
                    message(
                        "quota_sum",
                        "quota shares add up to {total}%, more than 100%",
                        total=_fmt(shares),
                    ),
                    ("distribution", "quotas"),
                )
            )
    if s.levels is not None:
        out += _overlaps(
            c,
            [r.range for r in s.levels.rungs],
            ("levels", "rungs"),
            message("what.levels", "levels"),
        )
    return out


def _names_allowed(
    c: Checked, names: frozenset[str], path: Path_, what: str, allowed: frozenset[str]
) -> list[Problem]:
    s = c.scheme
    known = allowed | set(s.constants) | c.known_metrics | {m.id for m in s.metrics}
    known |= _month_names(s)
    known |= BUILTIN_NAMES | AGENT_NAMES
    known |= {node.id for node, _ in all_indicators(s)}
    return [
        c.problem(
            "error",
            "unknown_name",
            message(
                "unknown_name",
                '{what} uses unknown name "{name}"{hint}',
                what=what,
                name=n,
                hint=c.unknown(n, indicators=True),
            ),
            path,
        )
        for n in sorted(names - known)
    ]


def _conditions(c: Checked) -> list[Problem]:
    s = c.scheme
    out: list[Problem] = []
    for i, q in enumerate(s.consequences):
        out += _names_allowed(
            c,
            q.when.names,
            ("consequences", i, "when"),
            message("what.consequence", 'consequence "{id}"', id=q.id),
            CONSEQUENCE_NAMES,
        )
        for j, step in enumerate(q.after):
            # An earlier period has only what the history keeps: the result's names.
            out += _names_allowed(
                c,
                step.when.names - CONSEQUENCE_NAMES,
                ("consequences", i, "after", j, "when"),
                message("what.consequence", 'consequence "{id}"', id=q.id),
                frozenset(),
            )
    comps = {p.id for p in s.pay.components} if s.pay else set()
    for i, e in enumerate(s.eligibility):
        out += _names_allowed(
            c,
            e.when.names,
            ("eligibility", i, "when"),
            message("what.eligibility", 'eligibility rule "{id}"', id=e.id),
            ELIGIBILITY_NAMES,
        )
        for j, pid in enumerate(e.pay):
            if pid not in comps:
                out.append(
                    c.problem(
                        "error",
                        "unknown_pay",
                        message(
                            "unknown_pay_eligibility",
                            'eligibility rule "{id}" names unknown pay component "{pay}"',
                            id=e.id,
                            pay=pid,
                        ),
                        ("eligibility", i, "pay", j),
                    )
                )
    return out


def _pay(c: Checked) -> list[Problem]:
    s = c.scheme
    if s.pay is None:
        return []
    out: list[Problem] = []
    ids = [p.id for p in s.pay.components]
    grade_names = {g.name for g in s.grades}
    level_names: set[str] = set()
    if s.levels is not None:
        level_names = {r.name for r in s.levels.rungs}
        if s.levels.default is not None:
            level_names.add(s.levels.default)
    for i, comp in enumerate(s.pay.components):
        path = ("pay", "components", i)
        if comp.id in ids[:i]:
            out.append(
                c.problem(
                    "error",
                    "duplicate_pay",
                    message("duplicate_pay", 'pay component "{id}" is declared twice', id=comp.id),
                    path,
                )
            )
        if isinstance(comp, Tiers):
            names = grade_names if comp.by == "grade" else level_names
            for name in comp.amounts:
                if name not in names:
                    out.append(
                        c.problem(
                            "error",
                            "unknown_tier",
                            message(
                                "unknown_tier",
                                'pay "{id}" has an amount for {by} "{name}", which '
                                "the scheme does not declare",
                                id=comp.id,
                                by=message("word.grade", "grade")
                                if comp.by == "grade"
                                else message("word.level", "level"),
                                name=name,
                            ),
                            (*path, "amounts", name),
                        )
                    )
        if isinstance(comp, HoursProration) and comp.applies_to not in ids[:i]:
            out.append(
                c.problem(
                    "error",
                    "unknown_pay",
                    message(
                        "unknown_pay_base",
                        'pay "{id}" applies to "{base}", which is not a pay '
                        "component declared before it",
                        id=comp.id,
                        base=comp.applies_to,
                    ),
                    (*path, "applies_to"),
                )
            )
        if comp.when is not None:
            out += _names_allowed(
                c,
                comp.when.names,
                (*path, "when"),
                message("what.pay", 'pay "{id}"', id=comp.id),
                RESULT_NAMES | ELIGIBILITY_NAMES,
            )
    return out


def _target_direction(c: Checked) -> list[Problem]:
    """``zero_below`` belongs to a higher-is-better target, ``zero_above`` to a lower one."""
    out = []
    for node, path in all_indicators(c.scheme):
        rule = node.rule
        if not isinstance(rule, TargetRule):
            continue
        wrong = "zero_below" if rule.better == "lower" else "zero_above"
        if getattr(rule, wrong) is not None:
            right = "zero_above" if rule.better == "lower" else "zero_below"
            out.append(
                c.problem(
                    "error",
                    "target_zero_direction",
                    message(
                        "target_zero_direction",
                        'target rule of "{id}" is {better}-is-better (`better: '
                        "{better}`): write `{right}`, not `{wrong}`",
                        id=node.id,
                        better=rule.better,
                        right=right,
                        wrong=wrong,
                    ),
                    (*path, "rule", wrong),
                )
            )
    return out


def _rewards_higher(rule: object) -> str | None:
    """How a rule gives more points for a higher value, as far as can be told; None if not."""
    if isinstance(rule, TargetRule) and rule.better == "higher":
        return message(
            "rewards_higher.target",
            "its target rule gives more points for higher values; write `better: lower`",
        )
    if isinstance(rule, RankRule) and rule.order == "desc":
        return message(
            "rewards_higher.rank", "its rank rule puts the highest value first; write `order: asc`"
        )
    if isinstance(rule, ThresholdRule):
        r = rule.range
        above = r.low is not None and r.high is None
        below = r.high is not None and r.low is None
        if rule.score > rule.otherwise and above:
            return message(
                "rewards_higher.threshold",
                "its threshold rule gives {n} points for {range}",
                n=_fmt(rule.score),
                range=r,
            )
        if rule.score < rule.otherwise and below:
            return message(
                "rewards_higher.threshold_outside",
                "its threshold rule gives {n} points outside {range}",
                n=_fmt(rule.otherwise),
                range=r,
            )
    if isinstance(rule, BandsRule) and len(rule.bands) > 1:
        ordered = sorted(
            rule.bands,
            key=lambda b: (b.range.low is not None, b.range.low or 0, b.range.high is None),
        )
        scores = [b.score for b in ordered]
        if scores[0] < scores[-1] and all(a <= b for a, b in pairwise(scores)):
            return message("rewards_higher.bands", "its bands give more points for higher values")
    return None


def _wrong_direction(c: Checked) -> list[Problem]:
    """A lower-is-better metric (response time, refund rate) read by a rule that rewards more."""
    out = []
    for node, path in all_indicators(c.scheme):
        rule = node.rule
        metric = getattr(rule, "metric", None)
        info = c.resolver.metrics.get(metric) if isinstance(metric, str) else None
        if info is None or not info.lower_is_better:
            continue
        how = _rewards_higher(rule)
        if how is not None:
            out.append(
                c.problem(
                    "warning",
                    "wrong_direction",
                    message(
                        "wrong_direction",
                        'indicator "{id}" reads {metric}, which is better when lower, but {how}',
                        id=node.id,
                        metric=c.resolver.label(info.id),
                        how=how,
                    ),
                    (*path, "rule", "metric"),
                )
            )
    return out


def _highest(node: Indicator, full_score: Decimal | None) -> Decimal | None:
    """The most weighted points ``node`` can give, when its rules bound it: a rated or levels
    leaf gives at most its weight, a category at most the sum of its counted children (or its
    own weight, if smaller). None where a rule can exceed its weight or a weight is missing."""
    w = weight_points(node, full_score)
    if node.children:
        parts = [_highest(ch, full_score) for ch in node.children if ch.counts]
        if any(p is None for p in parts):
            return None
        inner = sum((p for p in parts if p is not None), Decimal(0))
        return inner if w is None else min(inner, w)
    if isinstance(node.rule, RatedRule | LevelsRule):
        return w
    return None


def _unreachable_grades(c: Checked) -> list[Problem]:
    """A grade whose range starts above the highest total the scheme can give (seed 000's
    specialist form weighs 90 points and asks > 95 for 优秀)."""
    s = c.scheme
    if s.total != "sum" or any(a.direction == "add" for a in s.adjustments):
        return []
    parts = [_highest(n, s.full_score) for n in s.indicators if n.counts]
    if not parts or any(p is None for p in parts):
        return []
    top = sum((p for p in parts if p is not None), Decimal(0))
    out: list[Problem] = []
    for i, g in enumerate(s.grades):
        r = g.range
        if r is None or r.low is None:
            continue
        if r.low > top or (r.low == top and not r.low_inclusive):
            out.append(
                c.problem(
                    "warning",
                    "grade_unreachable",
                    message(
                        "grade_unreachable",
                        'grade "{grade}" needs a total {range} but the highest total this '
                        "scheme can give is {top}; no one can get it",
                        grade=g.name,
                        range=r.text,
                        top=_fmt(top),
                    ),
                    ("grades", i, "range"),
                )
            )
    return out


def _small_teams(c: Checked) -> list[Problem]:
    """The smallest group in which each positive quota gives somebody the grade."""
    d = c.scheme.distribution
    if d is None or d.rounding in ("ceil", "at_least_one"):
        return []
    out: list[Problem] = []
    where = (
        message("quota.a_team", "a team")
        if d.group == "team"
        else message("quota.a_cycle", "a cycle")
    )
    for i, q in enumerate(d.quotas):
        share = q.max if q.max is not None else q.share
        if share is None or share <= 0 or share >= 100:
            continue
        # floor: n * share / 100 >= 1; round (half up): n * share / 100 >= 0.5.
        need = Decimal(100) if d.rounding == "floor" else Decimal(50)
        smallest = int((need / share).to_integral_value(rounding=ROUND_CEILING))
        if smallest <= 1:
            continue
        out.append(
            c.problem(
                "warning",
                "quota_needs_team_size",
                message(
                    "quota_needs_team_size",
                    '{where} of fewer than {smallest} agents gets no "{grade}": '
                    "{share}% rounded {how} is 0 there; declare `rounding: at_least_one` to give "
                    "it to one agent",
                    where=where,
                    smallest=smallest,
                    grade=q.grade,
                    share=_fmt(share),
                    how=message("quota.down", "down")
                    if d.rounding == "floor"
                    else message("quota.to_nearest", "to the nearest"),
                ),
                ("distribution", "quotas", i),
            )
        )
    return out


def _rollup(c: Checked) -> list[Problem]:
    """Roll-ups go from the scheme's own period to longer ones made of whole periods."""
    s = c.scheme
    if s.rollup is None:
        return []
    out: list[Problem] = []
    if s.period not in MONTHS:
        return [
            c.problem(
                "error",
                "rollup_period",
                message(
                    "rollup_period",
                    "`rollup` rolls months or quarters up; this scheme's period is a {period}",
                    period=KIND_WORDS.get(s.period, s.period),
                ),
                ("rollup",),
            )
        ]
    own = MONTHS[s.period]
    longer = [k for k, n in MONTHS.items() if n > own and n % own == 0]
    for i, kind in enumerate(s.rollup.to):
        if kind not in longer:
            out.append(
                c.problem(
                    "error",
                    "rollup_kind",
                    message(
                        "rollup_kind",
                        "`rollup` cannot make a {kind} from {period}s: name longer periods made "
                        "of whole {period}s ({longer})",
                        kind=KIND_WORDS.get(kind, kind),
                        period=KIND_WORDS.get(s.period, s.period),
                        longer=", ".join(longer),
                    ),
                    ("rollup", "to", i),
                )
            )
    return out


def _month_names(s: Scheme) -> frozenset[str]:
    return frozenset(s.months.names(s.period)) if s.months is not None else frozenset()


def _months(c: Checked) -> list[Problem]:
    """A scheme reads months when its own period is made of months, and of another scheme."""
    s = c.scheme
    if s.months is None:
        return []
    if s.period not in MONTHS_IN:
        return [
            c.problem(
                "error",
                "months_period",
                message(
                    "months_period",
                    "`months` reads the months of a quarter, half-year or year; this scheme's "
                    "period is a {period}",
                    period=s.period,
                ),
                ("months",),
            )
        ]
    if s.months.scheme == s.id:
        return [
            c.problem(
                "error",
                "months_self",
                message(
                    "months_self",
                    '`months` names the monthly scheme to read, not this scheme "{id}"',
                    id=s.id,
                ),
                ("months", "scheme"),
            )
        ]
    return []


def _min_agreement(c: Checked) -> list[Problem]:
    """``min_agreement`` stands on an indicator whose rule reads an automatic QA metric, and
    names at least one figure."""
    from appraise.scoring.agreement import automatic_metrics

    out: list[Problem] = []
    for node, path in all_indicators(c.scheme):
        req = node.min_agreement
        if req is None:
            continue
        where = (*path, "min_agreement")
        if not req.figures():
            out.append(
                c.problem(
                    "error",
                    "min_agreement_empty",
                    message(
                        "min_agreement_empty",
                        'indicator "{name}": min_agreement names no figure; give kappa, '
                        "precision or recall (for example min_agreement: {{kappa: 0.6}})",
                        name=node.name,
                    ),
                    where,
                )
            )
        if not automatic_metrics(node):
            out.append(
                c.problem(
                    "error",
                    "min_agreement_no_check",
                    message(
                        "min_agreement_no_check",
                        'indicator "{name}" requires a minimum agreement but its rule reads no '
                        "automatic QA metric (qa_opening_rate, qa_forbidden_count, "
                        "autoqa_<rule id> ...)",
                        name=node.name,
                    ),
                    where,
                )
            )
    return out


_AT_PREFIX = {"half": "H", "quarter": "Q"}


def _consequence_at(c: Checked) -> list[Problem]:
    """``at`` names periods of the rule's own kind: H1/H2 of a half-year, Q1..Q4 of a quarter."""
    s = c.scheme
    out: list[Problem] = []
    for i, q in enumerate(s.consequences):
        kind = q.over or s.period
        prefix = _AT_PREFIX.get(kind)
        for j, label in enumerate(q.at):
            if prefix is None or not label.startswith(prefix):
                out.append(
                    c.problem(
                        "error",
                        "consequence_at",
                        message(
                            "consequence_at",
                            'consequence "{id}" counts {kind} periods, which have no "{label}"',
                            id=q.id,
                            kind=kind,
                            label=label,
                        ),
                        ("consequences", i, "at", j),
                    )
                )
    return out


def _vetoes(c: Checked) -> list[Problem]:
    """A veto reads what the total is made of (metrics, indicators, the total itself: it is
    checked before ranking), names a grade of the scheme, and changes something."""
    s = c.scheme
    out: list[Problem] = []
    grades = [g.name for g in s.grades]
    ids = [v.id for v in s.vetoes]
    for i, v in enumerate(s.vetoes):
        what = message("what.veto", 'veto "{id}"', id=v.id)
        out += _names_allowed(c, v.when.names, ("vetoes", i, "when"), what, frozenset({"total"}))
        if v.id in ids[:i]:
            out.append(
                c.problem(
                    "error",
                    "duplicate_veto",
                    message("duplicate_veto", 'veto "{id}" is declared twice', id=v.id),
                    ("vetoes", i),
                )
            )
        if v.grade is not None and v.grade not in grades:
            out.append(
                c.problem(
                    "error",
                    "veto_grade",
                    message(
                        "veto_grade",
                        'veto "{id}" gives grade "{grade}", which is not one of the grades '
                        "({grades})",
                        id=v.id,
                        grade=v.grade,
                        grades=", ".join(grades) or "-",
                    ),
                    ("vetoes", i, "grade"),
                )
            )
        if v.total is None and v.grade is None and not grades:
            out.append(
                c.problem(
                    "error",
                    "veto_no_effect",
                    message(
                        "veto_no_effect",
                        'veto "{id}" changes nothing: give it a `total` or a `grade` (the '
                        "scheme has no grades to fall back on)",
                        id=v.id,
                    ),
                    ("vetoes", i),
                )
            )
    return out


RULES: list[Callable[[Checked], list[Problem]]] = [
    _unique_ids,
    _rule_or_children,
    _weights,
    _bands,
    _level_names,
    _metric_names,
    _name_clashes,
    _rule_shapes,
    _formula_cycles,
    _raters,
    _grades,
    _conditions,
    _pay,
    _target_direction,
    _wrong_direction,
    _unreachable_grades,
    _small_teams,
    _rollup,
    _consequence_at,
    _months,
    _min_agreement,
    _vetoes,
]


def check(c: Checked) -> list[Problem]:
    """Run every rule; problems sorted by line."""
    problems = [p for rule in RULES for p in rule(c)]
    return sorted(problems, key=lambda p: (p.line or 0, p.level != "error"))
