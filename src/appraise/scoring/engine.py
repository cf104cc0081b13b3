"""Score one period: the orchestration of rules, totals, ranks, grades, levels, pay and flags.

The order is fixed and each step reads only what earlier steps produced:

1. eligibility (who is appraised), 2. indicators, leaves in dependency order (rank rules need
every agent's value, formulas other indicators), 3. categories and the total, adjustments,
4. rank, 5. grades and the forced distribution, 6. levels, 7. consequences over history,
8. pay. Each result carries an explanation of every number.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import gc
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from appraise.inputs.records import Inputs
from appraise.messages import message
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.schemes.expr import Expr
from appraise.schemes.model import (
    BandsRule,
    BonusRule,
    DeductionRule,
    FormulaRule,
    Indicator,
    LevelsRule,
    RankRule,
    RatedRule,
    Scheme,
    TargetRule,
    ThresholdRule,
)
from appraise.schemes.validate import all_indicators
from appraise.scoring import rules
from appraise.scoring.agreement import withheld
from appraise.scoring.context import AgentData, Context, build_context
from appraise.scoring.grading import apply_distribution, assign_grades, assign_levels, rank_agents
from appraise.scoring.history import apply_consequences, plan_consequences
from appraise.scoring.leaves import (
    LeafPlan,
    NodeInfo,
    column,
    finish_leaf,
    node_info,
    weighted,
)
from appraise.scoring.months import with_months
from appraise.scoring.pay import compute_pay
from appraise.scoring.ranking import rank_points
from appraise.scoring.results import AgentResult, IndicatorResult, ScoreRun
from appraise.scoring.rollup import roll_up
from appraise.scoring.text import Voice, fmt
from appraise.scoring.text import quantize as quantize
from appraise.scoring.variables import (
    EligibilityReader,
    EnvReader,
    agent_env,
    expression_reads,
)
from appraise.scoring.vetoes import apply_vetoes, veto_grades
from appraise.words import Later, Made, Pending, Say, joined, say, words

if TYPE_CHECKING:
    from appraise.qa.agreement import Agreement

_ZERO = Decimal(0)


def score_period(
    scheme: Scheme,
    inputs: Inputs,
    period: Period | str,
    computed: Mapping[str, Mapping[str, float | Decimal | None]] | None = None,
    agreement: Mapping[str, Agreement] | None = None,
) -> ScoreRun:
    """Score every agent for ``period``.

    ``computed`` holds metric values computed from events (agent -> metric -> value); values in
    ``inputs.metric_values`` take precedence. ``agreement`` is the period's agreement of each
    automatic QA check (or rule) with the human reviews, by check name: what an indicator's
    ``min_agreement`` is compared with (none given: no check has shown any). Raises
    :class:`ProblemsError` listing every input value the scheme cannot use (file, row, field);
    nothing is half-scored.
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    # Scoring builds hundreds of thousands of small acyclic objects; the cyclic garbage
    # collector would walk all of them again and again (a quarter of the run time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _score(scheme, inputs, p, computed, agreement or {})
    finally:
        if enabled:
            gc.enable()


def _score(
    scheme: Scheme,
    inputs: Inputs,
    p: Period,
    computed: Mapping[str, Mapping[str, float | Decimal | None]] | None,
    agreement: Mapping[str, Agreement],
) -> ScoreRun:
    ctx = build_context(scheme, with_months(scheme, inputs, p), p, computed)
    lang = scheme.language
    voice = Voice(lang, scheme.score_step)
    results: dict[str, AgentResult] = {}
    for agent_id, data in sorted(ctx.agents.items()):
        a = data.agent
        results[agent_id] = AgentResult(agent_id, a.name, a.team, eligible=True)
    # 1. eligibility
    blocked_pay: dict[str, dict[str, str]] = defaultdict(dict)
    # Not appraised but paid (eligibility ``paid: true``).
    paid_only: set[str] = set()
    # Only the names the rules read (none without rules): eligibility_env's values.
    reads = {n for rule in scheme.eligibility for n in expression_reads(rule.when)}
    env_of = EligibilityReader(scheme, reads, p)
    for agent_id, data in ctx.agents.items() if scheme.eligibility else ():
        env = env_of(data)
        for rule in scheme.eligibility:
            if rule.when.evaluate(env) is True:
                if rule.effect == "not_appraised":
                    results[agent_id].eligible = False
                    results[agent_id].notes.append(rule.name)
                    if rule.paid:
                        paid_only.add(agent_id)
                else:
                    for comp in rule.pay:
                        blocked_pay[agent_id][comp] = rule.name
    appraised = [a for a, r in results.items() if r.eligible]
    # 2. leaves
    scores: dict[str, dict[str, Decimal | None]] = {a: {} for a in appraised}
    leaf_results: dict[str, dict[str, IndicatorResult]] = {a: {} for a in appraised}
    money: dict[str, list[tuple[str, Decimal, Any]]] = defaultdict(list)
    failed: dict[str, list[str]] = defaultdict(list)
    units = _units(scheme)
    said: set[tuple[str | None, int | None, str]] = set()
    agents = {a: ctx.agents[a] for a in appraised}
    # The trees are laid out first: a leaf's result is made weighted (finish_leaf).
    infos = node_info(scheme)
    main_plan = TreePlan(list(scheme.indicators), scheme, infos, voice)
    adjustment_plans = [TreePlan([adj], scheme, infos, voice) for adj in scheme.adjustments]
    leaf_plans = {k: v for plan in (main_plan, *adjustment_plans) for k, v in plan.leaves.items()}
    for node in _leaf_order(scheme):
        # An automatic QA metric whose check has not shown the agreement the indicator requires
        # is not read: the indicator then has no value, as with any missing one.
        gate = withheld(node, agreement, voice) if node.min_agreement is not None else None
        unit = units.get(node.id)
        node_id = node.id
        leaf = leaf_plans[node_id]
        # The rule's common cases for every agent at once, the others one by one.
        if gate is not None:
            rest = agents
        elif isinstance(node.rule, FormulaRule):
            rest = _formula_column(
                node, node.rule, scheme, agents, voice, unit, leaf, scores, leaf_results
            )
        else:
            rest = column(node, scheme, agents, voice, unit, leaf, scores, leaf_results)
        outcomes = (
            _evaluate(
                node,
                scheme,
                ctx,
                appraised,
                scores,
                voice,
                unit,
                gate.metrics if gate is not None else frozenset(),
                rest,
            )
            if rest
            else {}
        )
        # The reasons read alike for every agent: said once, put before each explanation.
        why = [p for line in gate.said for p in (line, voice.then())] if gate is not None else []
        if gate is not None:
            ctx.problems.extend(gate.problems)
        for agent_id, out in outcomes.items():
            if why:
                out = dataclasses.replace(out, explain=words(lang, *why, out.explain))
            if out.problems:
                for pr in out.problems:
                    # A seat item read by two rules (a deduction and a count) is said once.
                    if pr.code == "kind_not_for_position":
                        once = (pr.file, pr.row, pr.message)
                        if once in said:
                            continue
                        said.add(once)
                    ctx.problems.append(pr)
            if out.money:
                money[agent_id].extend(out.money)
            score = out.score
            explain = out.explain
            if score is None and not out.problems:
                if (node.missing or scheme.missing) == "fail":
                    failed[agent_id].append(node.name)
                else:
                    score = Decimal(0)
                    explain = words(lang, explain, voice.say("missing_zero"))
                    ctx.problems.append(
                        Problem(
                            "warning",
                            "missing_value",
                            message(
                                "missing_value",
                                'agent {agent}: no value for "{indicator}"; scored 0',
                                agent=agent_id,
                                indicator=node.name,
                            ),
                        )
                    )
            scores[agent_id][node_id] = score
            value = out.value
            value_said = out.value_text
            if value_said is None or (type(value_said) is not Pending and not value_said):
                # units.value_words, written when read.
                value_said = (
                    voice.value_column(value, unit)
                    if unit is not None and type(value) is Decimal
                    else None
                )
            leaf_results[agent_id][node_id] = finish_leaf(
                leaf, voice, value, score, explain, value_said
            )
    errors = [pr for pr in ctx.problems if pr.level == "error"]
    if errors:
        raise ProblemsError(errors)
    # 3. tree, total and adjustments
    for agent_id in appraised:
        r = results[agent_id]
        if failed.get(agent_id):
            r.eligible = False
            # Said, not written: the agent reads it in their language (output.localized).
            r.notes.append(
                say(
                    lang, "explain.note_missing", names=joined(lang, list(failed[agent_id]))
                ).words()
            )
            continue
        total = Decimal(0)
        top_weights = Decimal(0)
        r.indicators, tops = main_plan.run(leaf_results[agent_id])
        for node, (w, wp) in zip(scheme.indicators, tops, strict=True):
            if node.counts:
                total += w
                top_weights += wp or Decimal(0)
        if scheme.total == "normalized" and scheme.full_score and top_weights:
            total = total * scheme.full_score / top_weights
        for adj, plan in zip(scheme.adjustments, adjustment_plans, strict=True):
            sink, ((w, wp),) = plan.run(leaf_results[agent_id])
            capped = min(w, wp) if wp is not None else w
            signed = capped if adj.direction == "add" else -capped
            top = sink[0]
            top.weighted = signed
            key = "adjust_add" if adj.direction == "add" else "adjust_sub"
            top.said = voice.then_say(top.said, key, x=voice.pts(capped))
            r.adjustments.extend(sink)
            total += signed
        r.exact_total = total
        r.total = quantize(total, scheme.score_step)
    ranked = [a for a in appraised if results[a].eligible]
    # 一票否决: a veto that holds replaces the total before ranking and the grade after quotas.
    vetoed = apply_vetoes(scheme, [results[a] for a in ranked], ctx, scores)
    # 4.-6. rank, grades, levels
    rank_agents(scheme, [results[a] for a in ranked], scores)
    ctx.last_rank.update(_last_ranks(scheme, [results[a] for a in ranked]))
    assign_grades(scheme, [results[a] for a in ranked], ctx, scores)
    ctx.problems.extend(apply_distribution(scheme, [results[a] for a in ranked]))
    veto_grades(scheme, [results[a] for a in ranked], vetoed)
    assign_levels(scheme, [results[a] for a in ranked], ctx, p)
    # 7. consequences (over the roll-ups that end now, too); 8. pay
    for (agent_id, key), rolled in roll_up(scheme, ctx, p, [results[a] for a in ranked]).items():
        ctx.history_by_period.setdefault(key, {})[agent_id] = rolled.entry
        if agent_id in ctx.agents:
            ctx.agents[agent_id].history[key] = rolled.entry
        ctx.rolled[(agent_id, key)] = rolled.explain(lang)
    counts = _group_counts(scheme, [results[a] for a in ranked])
    plans = plan_consequences(scheme, p)
    for agent_id in ranked:
        apply_consequences(
            scheme, plans, results[agent_id], ctx, p, counts[agent_id], scores[agent_id]
        )
    compute_pay(scheme, results, ctx, scores, money, blocked_pay, counts, paid_only)
    for r in results.values():
        for g in scheme.grades:
            if g.requires_basis and r.grade == g.name and "requires_basis" not in r.flags:
                r.flags.append("requires_basis")
    warnings = [pr for pr in ctx.problems if pr.level == "warning"]
    return ScoreRun(
        scheme.id,
        scheme.name,
        str(p),
        warnings,
        list(results.values()),
        scheme.pay.currency if scheme.pay else "CNY",
    )


def _last_ranks(scheme: Scheme, ranked: list[AgentResult]) -> dict[str, int]:
    worst: dict[str | None, int] = defaultdict(int)
    key = (lambda r: r.team) if scheme.ranking.group == "team" else (lambda r: None)
    for r in ranked:
        worst[key(r)] = max(worst[key(r)], r.rank or 0)
    return {r.agent_id: worst[key(r)] for r in ranked}


def _group_counts(scheme: Scheme, ranked: list[AgentResult]) -> dict[str, int]:
    by_team: dict[str | None, int] = defaultdict(int)
    for r in ranked:
        by_team[r.team] += 1
    if scheme.ranking.group == "team":
        return {r.agent_id: by_team[r.team] for r in ranked}
    return {r.agent_id: len(ranked) for r in ranked}


def _leaf_order(scheme: Scheme) -> list[Indicator]:
    """Leaves so that every rank-of and formula input comes before its reader."""
    leaves = {n.id: n for n, _ in all_indicators(scheme) if n.is_leaf}
    order: list[Indicator] = []
    done: set[str] = set()

    def visit(n: Indicator) -> None:
        if n.id in done:
            return
        done.add(n.id)
        deps: set[str] = set()
        if isinstance(n.rule, FormulaRule):
            deps = set(n.rule.expr.names)
        elif isinstance(n.rule, RankRule) and n.rule.of:
            deps = {n.rule.of}
        for d in sorted(deps):
            if d in leaves:
                visit(leaves[d])
        order.append(n)

    for n in leaves.values():
        visit(n)
    return order


def _evaluate(
    node: Indicator,
    scheme: Scheme,
    ctx: Context,
    appraised: list[str],
    scores: dict[str, dict[str, Decimal | None]],
    voice: Voice,
    unit: str | None = None,
    without: frozenset[str] = frozenset(),
    agents: dict[str, AgentData] | None = None,
) -> dict[str, rules.Outcome]:
    """Every appraised agent's outcome of the leaf ``node``; ``agents`` is their data by id, in
    ``appraised``'s order (made once per run when given)."""
    rule = node.rule
    data = agents if agents is not None else {a: ctx.agents[a] for a in appraised}
    if without:
        data = {
            a: dataclasses.replace(
                d, metrics={m: v for m, v in d.metrics.items() if m not in without}
            )
            for a, d in data.items()
        }
    if isinstance(rule, RankRule):
        return rank_points(node, rule, scheme, data, scores, voice)
    out: dict[str, rules.Outcome] = {}
    if isinstance(rule, RatedRule | LevelsRule):
        plan = rules.plan_raters(node, rule, scheme.raters)
        return {a: rules.rated(node, rule, d, plan, voice) for a, d in data.items()}
    if isinstance(rule, BandsRule):
        bands = rules.plan_bands(rule, unit, voice)
        return {a: rules.bands(node, rule, d, voice, unit, bands) for a, d in data.items()}
    if isinstance(rule, ThresholdRule):
        threshold = rules.plan_threshold(rule, unit, voice)
        return {a: rules.threshold(node, rule, d, voice, unit, threshold) for a, d in data.items()}
    reads = _formula_reads(rule, scheme) if isinstance(rule, FormulaRule) else None
    env_of = (
        EnvReader(scheme, expression_reads(rule.expr)) if isinstance(rule, FormulaRule) else None
    )
    for agent_id, d in data.items():
        if isinstance(rule, TargetRule):
            out[agent_id] = rules.target(node, rule, d, voice, unit)
        elif isinstance(rule, DeductionRule | BonusRule):
            out[agent_id] = rules.incidents(node, rule, d, voice)
        elif isinstance(rule, FormulaRule):
            out[agent_id] = _formula(node, rule, scheme, d, scores[agent_id], voice, reads, env_of)
    return out


FormulaReads = dict[str, tuple[str, str | None]]


def _formula_reads(rule: FormulaRule, scheme: Scheme) -> FormulaReads:
    """What each name of a formula is to a reader: the metric's or indicator's name, its unit."""
    from appraise.schemes.names import catalog_metrics

    catalog = catalog_metrics()
    declared = {m.id: m for m in scheme.metrics}
    indicators = {n.id: n.name for n in _leaf_order(scheme)}
    out: FormulaReads = {}
    for name in rule.expr.names:
        if name in declared:
            out[name] = (declared[name].name or name, declared[name].unit)
        elif name in catalog:
            out[name] = (catalog[name].name or name, catalog[name].unit)
        elif name in indicators:
            out[name] = (indicators[name], None)
        else:
            out[name] = (name, None)
    return out


_TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {}


def _template(expr: Expr) -> tuple[str, tuple[str, ...]]:
    """The expression in the signs people write, each name a numbered mark, and the names by
    number: worked out once per expression, not once per agent (copying and unparsing the tree
    for every agent was a quarter of the scoring time of a 10,000-agent period)."""
    key = str(expr)
    found = _TEMPLATES.get(key)
    if found is None:
        tree = copy.deepcopy(expr.tree)
        names: list[str] = []
        for n in ast.walk(tree):
            if isinstance(n, ast.Name):
                names.append(n.id)
                n.id = f"\x00{len(names) - 1}\x00"
        text = ast.unparse(tree).replace(" * ", " × ").replace(" / ", " ÷ ")
        if len(_TEMPLATES) > 10_000:  # a long-running server previews many draft schemes
            _TEMPLATES.clear()
        found = _TEMPLATES[key] = (text, tuple(names))
    return found


def _with_values(expr: Expr, values: Mapping[str, str]) -> str:
    """The expression with each name replaced by its value, in the signs people write:
    ``min(100, 100 × 30 ÷ 45)``."""
    text, names = _template(expr)
    for i, name in enumerate(names):
        text = text.replace(f"\x00{i}\x00", values.get(name, name), 1)
    return text


def _formula(
    node: Indicator,
    rule: FormulaRule,
    scheme: Scheme,
    data: AgentData,
    scores: dict[str, Decimal | None],
    voice: Voice,
    reads: FormulaReads | None = None,
    env_of: EnvReader | None = None,
) -> rules.Outcome:
    pts = voice.pts
    direct = data.direct.get(node.id)
    if direct is not None and isinstance(direct.value, Decimal):
        return rules.Outcome(
            direct.value,
            direct.value,
            voice.say(
                "given", v=fmt(direct.value), s=pts(direct.value), src=rules.where(direct.source)
            ),
        )
    env = env_of(data, scores) if env_of is not None else agent_env(scheme, data, scores)
    value = rule.expr.evaluate(env)
    if not isinstance(value, Decimal | bool) or value is None:
        return rules.Outcome(None, None, voice.say("formula_missing", e=str(rule.expr)))
    num = _bounded(rule, Decimal(int(value)) if isinstance(value, bool) else value)
    reads = reads if reads is not None else _formula_reads(rule, scheme)
    # "平均回复时长 45 秒 → min(100, 100 × 30 ÷ 45) = 66.67 分": what it read, by name and with
    # its unit (in the reader's language), then the arithmetic with those values (shown to two
    # decimals) and the score to the scheme's step.
    read = _numbers_read(sorted(rule.expr.names), env)
    if not read:
        return rules.Outcome(num, num, voice.say("formula", e=str(rule.expr), s=pts(num)))
    # Written when read (words.Later), as the numbers of every other sentence.
    text = voice.later("formula_explained", _formula_said, voice, rule.expr, reads, read, num)
    return rules.Outcome(num, num, text, value_text=_one_read_shown(voice, reads, read))


def _bounded(rule: FormulaRule, num: Decimal) -> Decimal:
    """A formula's number within its rule's ``max`` and ``min``."""
    if rule.max is not None:
        num = min(num, rule.max)
    if rule.min is not None:
        num = max(num, rule.min)
    return num


def _numbers_read(names: list[str], env: Mapping[str, Any]) -> list[tuple[str, Decimal]]:
    """The names (sorted) a formula read that held a number, with it: what its sentence says."""
    read: list[tuple[str, Decimal]] = []
    for n in names:
        v = env.get(n)
        if isinstance(v, Decimal):
            read.append((n, v))
    return read


def _one_read_shown(voice: Voice, reads: FormulaReads, read: list[tuple[str, Decimal]]) -> Any:
    """The value column of a formula that read one number: that number, with its unit."""
    if len(read) != 1:
        return None
    n, v = read[0]
    return voice.value_column(v, reads.get(n, (n, None))[1])


def _formula_column(
    node: Indicator,
    rule: FormulaRule,
    scheme: Scheme,
    agents: dict[str, AgentData],
    voice: Voice,
    unit: str | None,
    leaf: LeafPlan,
    scores: dict[str, dict[str, Decimal | None]],
    results: dict[str, dict[str, IndicatorResult]],
) -> dict[str, AgentData]:
    """_formula and finish_leaf for every agent whose formula gives a number and reads one
    (its common case), put in ``scores`` and ``results`` as the general way puts them; the
    agents left for the general way (a value given directly, a missing number, a truth)."""
    reads = _formula_reads(rule, scheme)
    env_of = EnvReader(scheme, expression_reads(rule.expr))
    names = sorted(rule.expr.names)
    expr = rule.expr
    evaluate = expr.evaluate
    node_id, name, counts = node.id, node.name, node.counts
    depth, parent_id, weight = leaf.depth, leaf.parent_id, leaf.info.weight
    lang = voice.lang
    value_column = voice.value_column
    rest: dict[str, AgentData] = {}
    for agent_id, data in agents.items():
        if data.direct and node_id in data.direct:
            rest[agent_id] = data
            continue
        own = scores[agent_id]
        env = env_of(data, own)
        num = evaluate(env)
        if type(num) is not Decimal:
            rest[agent_id] = data
            continue
        num = _bounded(rule, num)
        read = _numbers_read(names, env)
        if not read:
            rest[agent_id] = data
            continue
        said = Later(_FORMULA_EXPLAINED, _formula_said, (voice, expr, reads, read, num))
        shown = _one_read_shown(voice, reads, read)
        if shown is None and unit is not None:
            shown = value_column(num, unit)
        out, then = weighted(leaf, voice, num)
        explain = Pending((said,) if then is None else (said, _THEN, then), lang)
        own[node_id] = num
        results[agent_id][node_id] = IndicatorResult(
            node_id,
            name,
            weight,
            num,
            num,
            out if counts else _ZERO,
            explain,
            depth,
            counts,
            parent_id,
            shown,
        )
    return rest


_FORMULA_EXPLAINED = "explain.formula_explained"
_THEN = Say("words.then", {})


def _formula_said(
    voice: Voice,
    expr: Expr,
    reads: FormulaReads,
    read: list[tuple[str, Decimal]],
    num: Decimal,
) -> dict[str, Any]:
    """``explain.formula_explained``'s parameters: what the formula read, by name and with its
    unit, then the arithmetic with those values (two decimals) and the score."""
    inputs: list[Pending] = []
    values: dict[str, str] = {}
    for n, v in read:
        label, unit = reads.get(n, (n, None))
        values[n] = fmt(v, 2)
        inputs.append(words(voice.lang, label, " ", voice.value(v, unit)))
    return {
        "inputs": voice.list(list(inputs)),
        "e": _with_values(expr, values),
        "s": voice.pts(num),
    }


@dataclass(slots=True)
class _Step:
    node: Indicator
    info: NodeInfo
    depth: int
    parent: int  # index of the parent step, -1 for a root
    parent_id: str | None
    # What the step adds to its parent's weights: a leaf's weight (its full score without
    # one), a category's weight (its children's without one). The same for every agent.
    of: Decimal | None = None
    # A leaf's weighted scores and sentences by score (see LeafPlan.memo); None for a category.
    leaf: LeafPlan | None = None


_FEW_SCORES = (BandsRule, ThresholdRule, LevelsRule, DeductionRule, BonusRule, RankRule)


class TreePlan:
    """The arithmetic of an indicator tree, laid out once and run for every agent.

    Steps are in pre-order (the order of the output). A leaf's result comes already weighted
    (:func:`finish_leaf`, when the leaf is scored: score ÷ full × weight, or its score with no
    weight, and the sentence that says so), and adds to its parent; categories are finished in
    reverse pre-order, which reaches every child before its parent: a category adds the sum of
    its children, scaled to its weight under ``total: normalized``. What a category's children
    weigh is the same for every agent, and worked out once here.
    """

    def __init__(
        self, roots: list[Indicator], scheme: Scheme, infos: dict[str, NodeInfo], voice: Voice
    ) -> None:
        self.voice = voice
        self.normalized = scheme.total == "normalized"
        self.steps: list[_Step] = []
        self.roots: list[int] = []
        self.leaves: dict[str, LeafPlan] = {}

        def add(node: Indicator, depth: int, parent: int, parent_id: str | None) -> None:
            index = len(self.steps)
            step = _Step(node, infos[node.id], depth, parent, parent_id)
            self.steps.append(step)
            if parent < 0:
                self.roots.append(index)
            if not node.children:
                few = isinstance(node.rule, _FEW_SCORES) or _one_rater(node, scheme)
                step.leaf = LeafPlan(node, step.info, depth, parent_id, {} if few else None)
                self.leaves[node.id] = step.leaf
            for ch in node.children:
                add(ch, depth + 1, index, node.id)

        for root in roots:
            add(root, 0, -1, None)
        # The children's weights, added in the order the run adds the scores: the leaves in
        # pre-order, then the categories in reverse pre-order.
        n = len(self.steps)
        child_w = [_ZERO] * n
        for st in self.steps:
            if st.leaf is not None:
                st.of = st.info.weight if st.info.weight is not None else st.info.full
                if st.parent >= 0 and st.node.counts:
                    child_w[st.parent] += st.of or _ZERO
        for i in range(n - 1, -1, -1):
            st = self.steps[i]
            if st.leaf is not None:
                continue
            st.of = st.info.weight if st.info.weight is not None else child_w[i]
            if st.parent >= 0 and st.node.counts:
                child_w[st.parent] += st.of
        # The leaves in pre-order: (index, id, parent's index, whether it counts).
        self.leaf_steps = [
            (i, st.node.id, st.parent, st.node.counts)
            for i, st in enumerate(self.steps)
            if st.leaf is not None
        ]
        # The categories in reverse pre-order: (index, step, its weight, its children's weight,
        # its weight as text).
        self.categories: list[tuple[int, _Step, Decimal, Decimal, str]] = []
        for i in range(n - 1, -1, -1):
            st = self.steps[i]
            if st.leaf is None:
                assert st.of is not None
                w_text = st.info.weight_text if st.info.weight is not None else fmt(st.of)
                self.categories.append((i, st, st.of, child_w[i], w_text))

    def run(
        self, leaves: dict[str, IndicatorResult]
    ) -> tuple[list[IndicatorResult], list[tuple[Decimal, Decimal | None]]]:
        """The tree's results of one agent, from its leaves' (made by :func:`finish_leaf`)."""
        voice = self.voice
        lang = voice.lang
        pts = voice.pts
        steps = self.steps
        n = len(steps)
        out: list[Any] = [None] * n
        raw = [_ZERO] * n
        for i, node_id, parent, counts in self.leaf_steps:
            res = out[i] = leaves[node_id]
            if parent >= 0 and counts:
                raw[parent] += res.weighted  # type: ignore[operator]  # a leaf's is a number
        normalized = self.normalized
        for i, st, weight, children_w, w_text in self.categories:
            total = raw[i]
            if normalized and children_w and weight != children_w:
                total = raw[i] * weight / children_w
                said: Any = voice.say(
                    "category_norm",
                    raw=pts(raw[i]),
                    w=fmt(weight),
                    sw=fmt(children_w),
                    x=pts(total),
                )
            else:
                said = None
            pct = total / weight * 100 if weight else None
            if not said:
                said = Made(_category, (pts, total, w_text, pct), lang)
            node = st.node
            counts = node.counts
            out[i] = IndicatorResult(
                node.id,
                node.name,
                weight,
                None,
                pct,
                total if counts else _ZERO,
                said,
                st.depth,
                counts,
                st.parent_id,
            )
            if st.parent >= 0 and counts:
                raw[st.parent] += total
        return out, [(out[i].weighted, steps[i].of) for i in self.roots]


def _one_rater(node: Indicator, scheme: Scheme) -> bool:
    """Whether ``node`` is rated on a scale by one role at most."""
    if not isinstance(node.rule, RatedRule):
        return False
    if node.raters is not None:
        return len(node.raters) <= 1
    return scheme.raters is None or len(scheme.raters.roles) <= 1


_CATEGORY = "explain.category"


def _category(
    pts: Callable[[Decimal | None], str], weighted: Decimal, w_text: str, pct: Decimal | None
) -> tuple[Later]:
    """A category's explanation (made when first read): "小计 47.5(权重 60,达成 79.17%)"."""
    return (Later(_CATEGORY, _category_said, (pts, weighted, w_text, pct)),)


def _category_said(
    pts: Callable[[Decimal | None], str], weighted: Decimal, w_text: str, pct: Decimal | None
) -> dict[str, str]:
    return {"x": pts(weighted), "w": w_text, "p": fmt(pct, 2)}


def _units(scheme: Scheme) -> dict[str, str]:
    """The unit of the metric each indicator reads (catalog or scheme ``metrics:``), by id."""
    from appraise.schemes.names import catalog_metrics

    known: dict[str, str | None] = {m.id: m.unit for m in catalog_metrics().values()}
    known.update({m.id: m.unit for m in scheme.metrics})
    out: dict[str, str] = {}
    for node in _leaf_order(scheme):
        metric = getattr(node.rule, "metric", None)
        unit = known.get(metric) if isinstance(metric, str) else None
        if unit:
            out[node.id] = unit
    return out
