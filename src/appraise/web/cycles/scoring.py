"""A cycle's inputs (uploaded files + ratings entered in the app + earlier published results)
turned into :class:`appraise.inputs.Inputs` and scored by the engine.

Nothing here writes to the database: :mod:`appraise.web.cycles.services` stores what it returns.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext, ngettext

from appraise.inputs import Agent as InputAgent
from appraise.inputs import HistoryEntry, Inputs, Rating, Source, load_inputs, normalize_name
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import MONTHS_IN, Scheme
from appraise.schemes.validate import all_indicators
from appraise.scoring.engine import score_period
from appraise.scoring.needs import needed_metrics
from appraise.scoring.results import ScoreRun
from appraise.web.cycles.models import Cycle
from appraise.web.org.models import Agent as AgentRow
from appraise.web.schemes.services import scheme_of

if TYPE_CHECKING:
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.definitions import MetricDefinition
    from appraise.metrics.engine import DrillRow
    from appraise.qa.agreement import Agreement

Progress = Callable[[int, str], None]

SELF = "self"
EVENTS = "events"
# Input tables and reports, and the mapping (mapping.yaml) that reads reports and raw events.
TABLE_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
# The Source.file of ratings entered in the app, so that an explanation names where they came from.
APP_SOURCE = "app"


def _quiet(_: int, __: str) -> None:
    return None


def check_file_name(name: str) -> str:
    """A stored file name: ``ratings.csv``, ``book.xlsx`` or ``events/chats.csv``; nothing else.

    File names come from uploads, and the files are written into a temporary folder by name.
    """
    p = PurePosixPath(name.replace("\\", "/"))
    parts = p.parts
    bad = (
        not parts
        or any(part in ("", ".", "..") or part.startswith("~$") for part in parts)
        or len(parts) > 2
        or (len(parts) == 2 and parts[0] != EVENTS)
        or (len(parts) == 1 and p.suffix.lower() not in TABLE_SUFFIXES)
    )
    if bad:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "bad_file_name",
                    gettext(
                        '"%(name)s": upload input tables and reports as NAME.csv or NAME.xlsx, '
                        "a mapping as mapping.yaml, the center's settings and metrics as "
                        "center.yaml, and raw events as events/NAME"
                    )
                    % {"name": name},
                    name,
                )
            ]
        )
    return "/".join(parts)


def check_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Uploaded files by their stored name (:func:`check_file_name`), after checking that no
    workbook among them inflates past the bounds of :func:`appraise.web.uploads.check_workbooks`."""
    from appraise.web.uploads import check_workbooks

    named = {check_file_name(n): c for n, c in files.items()}
    check_workbooks(named.items())
    return named


def supervisor_role(scheme: Scheme) -> str:
    """The rater role a direct supervisor's rating counts as."""
    if scheme.raters is None:
        return "supervisor"
    ids = [r.id for r in scheme.raters.roles]
    if "supervisor" in ids:
        return "supervisor"
    others = [i for i in ids if i != SELF]
    return others[0] if others else "supervisor"


def rater_roles(scheme: Scheme) -> list[str]:
    """Roles a rating may be entered for: the scheme's, and always ``self`` (for the gap check)."""
    ids = [r.id for r in scheme.raters.roles] if scheme.raters else [supervisor_role(scheme)]
    return ids if SELF in ids else [SELF, *ids]


def role_names(scheme: Scheme) -> dict[str, str]:
    """Rater role id -> the name its raters know it by: the scheme's (员工自评, 经理复评); a
    scheme that names no raters is rated by the direct supervisor (主管) and the agent."""
    named = {r.id: r.name for r in scheme.raters.roles} if scheme.raters else {}
    defaults = {SELF: gettext("Self-assessment"), "supervisor": gettext("Supervisor")}
    return {r: named.get(r) or defaults.get(r, r) for r in rater_roles(scheme)}


def assigned_roles(scheme: Scheme) -> dict[str, str]:
    """Role id -> name of the roles whose raters HR assigns per agent (``assigned: true``)."""
    if scheme.raters is None:
        return {}
    return {r.id: r.name for r in scheme.raters.roles if r.assigned and r.id != SELF}


def anonymous_roles(scheme: Scheme) -> set[str]:
    """Roles whose single ratings and raters the agent never sees (only the role's mean)."""
    if scheme.raters is None:
        return set()
    return {r.id for r in scheme.raters.roles if r.anonymous and r.assigned}


def form_roles(scheme: Scheme) -> list[str]:
    """The roles the direct supervisor's (and HR's correction) form enters: neither ``self``
    nor an assigned role, whose ratings come from the assigned raters' own form."""
    assigned = assigned_roles(scheme)
    return [r for r in rater_roles(scheme) if r != SELF and r not in assigned]


def role_indicators(scheme: Scheme, role: str) -> dict[str, str]:
    """Indicator id -> name of the rated leaves one role rates (a leaf's ``raters`` limits it)."""
    return {
        node.id: node.name
        for node, _ in all_indicators(scheme)
        if node.rule is not None
        and node.rule.type in ("rated", "levels")
        and (node.raters is None or role in node.raters)
    }


def rated_indicators(scheme: Scheme) -> dict[str, str]:
    """Indicator id -> name of every leaf whose value comes from ratings."""
    return {
        node.id: node.name
        for node, _ in all_indicators(scheme)
        if node.rule is not None and node.rule.type in ("rated", "levels")
    }


def rating_hints(scheme: Scheme) -> dict[str, str]:
    """Indicator id -> what a rating of it is, said beside the empty box of a rating form: the
    range of a rated leaf (0–100), the names of a leaf's levels (较好完成 / 基本完成 / 有未完成)."""
    from appraise.decimals import plain
    from appraise.schemes.model import LevelsRule, RatedRule

    out: dict[str, str] = {}
    for node, _ in all_indicators(scheme):
        rule = node.rule
        if isinstance(rule, RatedRule):
            out[node.id] = gettext("%(low)s to %(high)s") % {
                "low": plain(rule.min),
                "high": plain(rule.max),
            }
        elif isinstance(rule, LevelsRule):
            out[node.id] = gettext("one of: %(levels)s") % {
                "levels": " / ".join(level.name for level in rule.levels)
            }
    return out


@dataclass(frozen=True)
class AppRating:
    agent_id: str
    indicator: str
    role: str
    value: str
    rater: str
    pk: int


@dataclass(frozen=True)
class Gap:
    agent_id: str
    self_total: Decimal | None
    self_grade: str | None
    supervisor_total: Decimal | None
    supervisor_grade: str | None
    grades_apart: int


@dataclass
class CycleScore:
    run: ScoreRun
    warnings: list[Problem]
    gaps: dict[str, Gap] = field(default_factory=dict)


def rating_value(text: str) -> Decimal | str:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return text.strip()
    return value if value.is_finite() else text.strip()


def score_cycle(
    cycle: Cycle, progress: Progress = _quiet, scheme: Scheme | None = None
) -> CycleScore:
    """Score a cycle from what is stored now. Raises ProblemsError naming every bad input.

    ``scheme`` scores the cycle's inputs with another scheme than the cycle's own (the scheme
    editor's and builder's preview of a scheme on the last cycle's data); the warnings of the
    cycle's scheme version are then not the run's.
    """
    from appraise.web.evaluations.models import Rating as RatingRow
    from appraise.web.evaluations.models import Result

    own = scheme is None
    scheme = scheme_of(cycle.scheme_version) if scheme is None else scheme
    period = Period.parse(cycle.period)
    agents = list(cycle.agents.select_related("team").order_by("agent_id"))
    files = {f.name: bytes(f.content) for f in cycle.files.all()}
    progress(5, gettext("reading input files"))
    inputs, computed = read_files(scheme, period, files, progress)
    inputs, qa_warnings = with_qa_results(scheme, cycle.period, inputs, agents)
    inputs = with_corrections(cycle, period, inputs)
    app = [
        AppRating(
            r.agent.agent_id,
            r.indicator,
            r.role,
            r.value,
            r.rater.username if r.rater else "",
            r.pk,
        )
        for r in RatingRow.objects.filter(cycle=cycle).select_related("agent", "rater")
    ]
    earlier = [
        HistoryEntry(
            r.agent.agent_id,
            r.cycle.period,
            r.total,
            r.grade or None,
            r.rank,
            Source(f"{APP_SOURCE}:results", r.pk),
        )
        for r in Result.objects.filter(
            is_current=True,
            published_at__isnull=False,
            cycle__scheme_version__scheme_id=scheme.id,
            agent__in=agents,
        )
        .exclude(cycle__period=cycle.period)
        .select_related("agent", "cycle")
    ]
    earlier += months_of(scheme, period, agents)
    org = [
        InputAgent(
            a.agent_id,
            a.name,
            a.team.name if a.team else None,
            a.position or None,
            None,
            a.hired_on,
        )
        for a in agents
    ]
    merged, all_ratings, warnings = merge_inputs(scheme, inputs, org, app, earlier)
    progress(70, gettext("scoring"))
    # What an indicator's min_agreement is compared with: the QA app's figures of the period.
    from appraise.web.qa.appraisal import scheme_agreement

    agreement = scheme_agreement(scheme=scheme, period=cycle.period)
    run = score_period(scheme, merged, period, computed, agreement)
    gaps: dict[str, Gap] = {}
    if own:  # a preview shows the scores only
        progress(85, gettext("comparing self and supervisor ratings"))
        gaps = grade_gaps(scheme, replace(merged, ratings=all_ratings), period, computed, agreement)
    scheme_warnings = [
        Problem("warning", w["code"], w["message"], w["where"] or None)
        for w in (cycle.scheme_version.warnings if own else [])
    ]
    return CycleScore(run, [*scheme_warnings, *qa_warnings, *warnings, *run.warnings], gaps)


def months_of(scheme: Scheme, period: Period, agents: Iterable[AgentRow]) -> list[HistoryEntry]:
    """A scheme reading months (``months:``): the published current results of the named
    scheme in the months of ``period``, as history entries (the engine makes them metrics,
    :mod:`appraise.scoring.months`). Of two cycles of that scheme in one month, the later one."""
    from appraise.web.evaluations.models import Result

    if scheme.months is None or period.kind not in MONTHS_IN:
        return []
    first = Period.containing(period.start, "month")
    months = [str(first.shift(k)) for k in range(MONTHS_IN[period.kind])]
    rows = (
        Result.objects.filter(
            is_current=True,
            published_at__isnull=False,
            cycle__scheme_version__scheme_id=scheme.months.scheme,
            cycle__period__in=months,
            agent__in=list(agents),
        )
        .select_related("agent", "cycle")
        .order_by("cycle__period", "cycle_id")
    )
    return [
        HistoryEntry(
            r.agent.agent_id,
            r.cycle.period,
            r.total,
            r.grade or None,
            r.rank,
            Source(f"{APP_SOURCE}:results", r.pk),
        )
        for r in rows
    ]


def metric_labels(scheme: Scheme, metrics: Iterable[str]) -> str:
    """The metrics as a person reading the page knows them, each with the id the files use:
    ``质检平均分（qa_average）``, a metric the scheme declares by the scheme's name, a catalog
    metric by its name in the page's language (QA average score (qa_average)); a metric neither
    knows by its id alone."""
    from appraise.metrics.catalog import LIBRARY
    from appraise.web.exports.language import reader_lang

    english = reader_lang() == "en"
    declared = {m.id: m.name for m in scheme.metrics}
    out = []
    for metric in metrics:
        found = LIBRARY.get(metric)
        name = declared.get(metric) or (
            (found.name_en if english else found.name) if found is not None else None
        )
        if not name or name == metric:
            out.append(metric)
        else:
            out.append(f"{name} ({metric})" if english else f"{name}（{metric}）")
    return (", " if english else "、").join(out)


def with_qa_results(
    scheme: Scheme, period: str, inputs: Inputs, agents: Iterable[AgentRow]
) -> tuple[Inputs, list[Problem]]:
    """The inputs with the QA app's results of the period in place of the files' values for
    the same agent and metric (the QA app is where reviews are made; a file's qa_average is a
    copy at best). Raises ProblemsError when a form's scale is not declared."""
    from appraise.web.qa.appraisal import qa_inputs

    got = qa_inputs(scheme=scheme, period=period, agent_ids={a.agent_id for a in agents})
    if any(p.level == "error" for p in got.problems):
        raise ProblemsError(got.problems)
    # Warnings: an automatic check's metrics withheld until it agrees with the reviewers.
    notes = [p for p in got.problems if p.level != "error"]
    if not got.values:
        return inputs, notes
    taken = {(v.agent_id, v.metric) for v in got.values}
    replaced = sorted({m.metric for m in inputs.metric_values if (m.agent_id, m.metric) in taken})
    kept = [m for m in inputs.metric_values if (m.agent_id, m.metric) not in taken]
    warnings = list(notes)
    if replaced:
        warnings.append(
            Problem(
                "warning",
                "qa_values_replaced",
                gettext("%(metrics)s taken from the QA app instead of the uploaded files")
                % {"metrics": metric_labels(scheme, replaced)},
            )
        )
    return replace(inputs, metric_values=[*kept, *got.values]), warnings


def with_corrections(cycle: Cycle, period: Period, inputs: Inputs) -> Inputs:
    """HR's corrections after publication (appeals.Correction), oldest first, over every other
    source: a metric's value for the agent, or the count of one kind of incident in the period
    (the files' rows of that kind give way to one row of the corrected count)."""
    from appraise.inputs import Incident, MetricValue
    from appraise.web.appeals.models import Correction, CorrectionKind

    metrics = list(inputs.metric_values)
    incidents = list(inputs.incidents)
    for c in Correction.objects.filter(cycle=cycle).select_related("agent"):
        agent_id = c.agent.agent_id
        source = Source("correction", c.pk, c.name)
        if c.kind == CorrectionKind.METRIC:
            metrics = [m for m in metrics if (m.agent_id, m.metric) != (agent_id, c.name)]
            metrics.append(MetricValue(agent_id, str(period), c.name, c.value, source))
        else:
            incidents = [i for i in incidents if (i.agent_id, i.kind) != (agent_id, c.name)]
            if c.value > 0:
                incidents.append(
                    Incident(agent_id, period.start, c.name, c.value, None, None, c.reason, source)
                )
    return replace(inputs, metric_values=metrics, incidents=incidents)


def read_files(
    scheme: Scheme, period: Period, files: dict[str, bytes], progress: Progress = _quiet
) -> tuple[Inputs, dict[str, dict[str, float | Decimal | None]] | None]:
    """Input tables and the metrics computed from raw events, from the stored files."""
    tables = {n: c for n, c in files.items() if "/" not in n}
    events = {n.split("/", 1)[1]: c for n, c in files.items() if n.startswith(EVENTS + "/")}
    with tempfile.TemporaryDirectory(prefix="appraise-cycle-") as tmp:
        root = Path(tmp)
        inputs = Inputs([], [], [], [], [], [], [])
        if any(not n.lower().endswith((".yaml", ".yml")) for n in tables):
            folder = root / "inputs"
            folder.mkdir()
            for name, content in tables.items():
                (folder / name).write_bytes(content)
            try:
                inputs = load_inputs(folder, period=period)
            except ProblemsError as exc:
                # The temporary folder means nothing to the person who uploaded the files.
                raise ProblemsError(_relative(exc.problems, folder)) from None
            inputs = replace(inputs, warnings=_relative(inputs.warnings, folder))
        computed: dict[str, dict[str, float | Decimal | None]] | None = None
        if events:
            from appraise.metrics.engine import compute_metrics

            progress(20, gettext("importing raw events"))
            with _events_store(scheme, files, root) as (conn, config, defined):
                wanted = sorted(needed_metrics(scheme, (d.id for d in defined)))
                progress(
                    45,
                    ngettext("computing %(n)d metric", "computing %(n)d metrics", len(wanted))
                    % {"n": len(wanted)},
                )
                said: list[Problem] = []
                raw = (
                    compute_metrics(
                        conn, period, wanted, config=config, definitions=defined, problems=said
                    )
                    if wanted
                    else {}
                )
                computed = {a: dict(v) for a, v in raw.items()}
                inputs = replace(inputs, warnings=[*inputs.warnings, *said])
    return inputs, computed


@contextmanager
def _events_store(
    scheme: Scheme, files: Mapping[str, bytes], root: Path
) -> Iterator[tuple[Any, CenterConfig, list[MetricDefinition]]]:
    """The cycle's raw events imported into a DuckDB store (in ``root``), with the center's
    configuration and the metric definitions the center (center.yaml) and the scheme give."""
    from appraise.metrics.definitions import center_for, together
    from appraise.metrics.store import open_data
    from appraise.schemes.loader import scheme_definitions

    folder = root / EVENTS
    folder.mkdir()
    for name, content in files.items():
        if name.startswith(EVENTS + "/"):
            (folder / name.split("/", 1)[1]).write_bytes(content)
    for shared in ("mapping.yaml", "center.yaml"):
        # One mapping serves the reports and the raw events; center.yaml may sit beside them.
        if shared in files and f"{EVENTS}/{shared}" not in files:
            (folder / shared).write_bytes(files[shared])
    try:
        config, center = center_for(folder)
    except ProblemsError as exc:
        # The temporary folder means nothing to the person who uploaded the files.
        raise ProblemsError(_relative(exc.problems, folder)) from None
    conn = open_data(folder, config=config)
    try:
        yield conn, config, together(center, scheme_definitions(scheme))
    finally:
        conn.close()


def metric_rows(
    scheme: Scheme,
    period: Period,
    files: Mapping[str, bytes],
    metric_id: str,
    agent_id: str,
    lang: Literal["zh", "en"] = "zh",
) -> list[tuple[str, list[DrillRow]]]:
    """The rows behind one agent's value of one metric computed from the cycle's raw events:
    per part of the metric, every row credited to the agent, whether it counted and why not."""
    from appraise.metrics.compile import resolve
    from appraise.metrics.definitions import library_definitions
    from appraise.metrics.engine import drilldown_rows

    with (
        tempfile.TemporaryDirectory(prefix="appraise-rows-") as tmp,
        _events_store(scheme, files, Path(tmp)) as (conn, config, defined),
    ):
        (definition,) = resolve([metric_id], defined)
        known = library_definitions() | {d.id: d for d in defined}
        return drilldown_rows(
            conn, period, definition, agent_id, config=config, lang=lang, known=known
        )


def _relative(problems: list[Problem], folder: Path) -> list[Problem]:
    root = str(folder)
    return [
        replace(p, file=None if p.file == root else p.file.removeprefix(root + "/"))
        if p.file is not None and p.file.startswith(root)
        else p
        for p in problems
    ]


def merge_inputs(
    scheme: Scheme,
    inputs: Inputs,
    org: list[InputAgent],
    app: Iterable[AppRating],
    earlier: list[HistoryEntry],
) -> tuple[Inputs, list[Rating], list[Problem]]:
    """The engine's inputs: the organisation's agents, file ratings overridden by app ratings.

    Returns the inputs the engine scores, every rating including self ratings (for the grade
    gap, also when the scheme has no self rater), and warnings about dropped rows.
    """
    warnings: list[Problem] = []
    in_cycle = {a.agent_id for a in org}
    extra = {a.agent_id: a.extra for a in inputs.agents}
    for a in inputs.agents:
        if a.agent_id not in in_cycle:
            warnings.append(
                Problem(
                    "warning",
                    "agent_not_in_cycle",
                    gettext(
                        "agent %(id)s in the agents table is not one of the cycle's agents; "
                        "not scored"
                    )
                    % {"id": a.agent_id},
                )
            )
    agents = [replace(a, extra=extra.get(a.agent_id, {})) for a in org]
    inputs, outside = _only_cycle_agents(inputs, in_cycle)
    warnings.extend(outside)
    key_of: dict[str, str] = {}
    for node, _ in all_indicators(scheme):
        key_of[normalize_name(node.id)] = node.id
        key_of[normalize_name(node.name)] = node.id
    app_list = list(app)
    overridden = {(r.agent_id, r.indicator, r.role) for r in app_list}
    ratings: list[Rating] = []
    for r in inputs.ratings:
        ind = key_of.get(normalize_name(r.indicator), r.indicator)
        if (r.agent_id, ind, r.rater_role or supervisor_role(scheme)) in overridden:
            continue
        ratings.append(r)
    for entered in app_list:
        ratings.append(
            Rating(
                entered.agent_id,
                None,
                entered.indicator,
                entered.role,
                entered.rater or None,
                rating_value(entered.value),
                Source(APP_SOURCE, entered.pk, entered.indicator),
            )
        )
    has_self = scheme.raters is not None and any(x.id == SELF for x in scheme.raters.roles)
    engine_ratings = ratings if has_self else [r for r in ratings if r.rater_role != SELF]
    given = {(h.agent_id, h.period) for h in inputs.history}
    history = [*inputs.history, *(h for h in earlier if (h.agent_id, h.period) not in given)]
    merged = replace(inputs, agents=agents, ratings=engine_ratings, history=history)
    return merged, ratings, warnings


def _only_cycle_agents(inputs: Inputs, in_cycle: set[str]) -> tuple[Inputs, list[Problem]]:
    """The rows of the cycle's agents; one warning per file naming the agents left out.

    A cycle may cover some teams while the center's files hold everyone: the others' rows would
    make the engine score them too (the scoring then ranks, distributes and compares grades
    among agents the cycle does not have). History stays whole: an earlier period's count and
    last rank are the center's.
    """
    left_out: dict[str, set[str]] = {}

    def keep(agent_id: str | None, source: Source) -> bool:
        if agent_id is None or agent_id in in_cycle:
            return True
        left_out.setdefault(source.file, set()).add(agent_id)
        return False

    kept = replace(
        inputs,
        metric_values=[m for m in inputs.metric_values if keep(m.agent_id, m.source)],
        ratings=[r for r in inputs.ratings if keep(r.agent_id, r.source)],
        incidents=[i for i in inputs.incidents if keep(i.agent_id, i.source)],
    )
    warnings = []
    for file, ids in sorted(left_out.items()):
        names = sorted(ids)
        shown = ", ".join(names[:10])
        if len(names) > 10:
            shown = gettext("%(names)s and %(n)d more") % {"names": shown, "n": len(names) - 10}
        warnings.append(
            Problem(
                "warning",
                "rows_not_in_cycle",
                ngettext(
                    "rows of %(n)d agent not in the cycle were left out: %(names)s",
                    "rows of %(n)d agents not in the cycle were left out: %(names)s",
                    len(names),
                )
                % {"n": len(names), "names": shown},
                file,
            )
        )
    return kept, warnings


def _view(inputs: Inputs, scheme: Scheme, keep: Callable[[str | None], bool]) -> Inputs:
    """Ratings as one rater saw them: per indicator, that rater's ratings when they gave any,
    the others' otherwise; all counted as one anonymous rater."""
    groups: dict[tuple[str, str], list[Rating]] = {}
    for r in inputs.ratings:
        groups.setdefault((r.agent_id, normalize_name(r.indicator)), []).append(r)
    out: list[Rating] = []
    for rows in groups.values():
        mine = [r for r in rows if keep(r.rater_role)]
        out.extend(replace(r, rater_role=None, rater_id=None) for r in (mine or rows))
    return replace(inputs, ratings=out)


def grade_gaps(
    scheme: Scheme,
    inputs: Inputs,
    period: Period,
    computed: dict[str, dict[str, float | Decimal | None]] | None,
    agreement: Mapping[str, Agreement] | None = None,
) -> dict[str, Gap]:
    """Agents whose self-assessed and supervisor-rated results are a grade or more apart.

    Each side is scored by the engine as if its rater were the only one, without the forced
    distribution (which would move grades for reasons that have nothing to do with the gap).
    """
    if not scheme.grades:
        return {}
    rated_self = {r.agent_id for r in inputs.ratings if r.rater_role == SELF}
    rated_other = {r.agent_id for r in inputs.ratings if r.rater_role != SELF}
    both = rated_self & rated_other
    if not both:
        return {}
    plain = scheme.model_copy(update={"raters": None, "distribution": None})
    try:
        own = score_period(
            plain, _view(inputs, scheme, lambda role: role == SELF), period, computed, agreement
        )
        boss = score_period(
            plain, _view(inputs, scheme, lambda role: role != SELF), period, computed, agreement
        )
    except ProblemsError:
        return {}
    order = {g.name: i for i, g in enumerate(scheme.grades)}
    theirs = {r.agent_id: r for r in boss.results}
    gaps: dict[str, Gap] = {}
    for mine in own.results:
        other = theirs.get(mine.agent_id)
        if mine.agent_id not in both or other is None:
            continue
        if mine.grade not in order or other.grade not in order:
            continue
        apart = abs(order[mine.grade] - order[other.grade])
        gaps[mine.agent_id] = Gap(
            mine.agent_id, mine.total, mine.grade, other.total, other.grade, apart
        )
    return gaps
