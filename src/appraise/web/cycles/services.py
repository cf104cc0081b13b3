"""Every change to a cycle: one function per state transition, each atomic and audited.

The pages, the REST API and the CLI call these and nothing else. Each checks the state and the
actor's permission before it changes anything, and writes its audit entry in the same
transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from appraise.decimals import plain_or_none
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.scoring.output import result_dict
from appraise.scoring.results import AgentResult
from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import (
    STATE_ORDER,
    Cycle,
    CycleFile,
    GradeOverride,
    State,
    TeamConfirmation,
)
from appraise.web.cycles.scoring import CycleScore, Progress, check_files, score_cycle
from appraise.web.errors import Conflict, Invalid, NotFound
from appraise.web.org.models import Agent, Team
from appraise.web.permissions import (
    User,
    is_hr,
    is_indirect_supervisor,
    require,
    require_hr,
    signed_in,
)
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_of
from appraise.web.tasks.models import Task
from appraise.web.tasks.services import task_enqueue

PERIOD_KINDS = {
    "day": gettext_lazy("day"),
    "week": gettext_lazy("ISO week"),
    "month": gettext_lazy("month"),
    "quarter": gettext_lazy("quarter"),
    "half": gettext_lazy("half-year"),
    "year": gettext_lazy("year"),
}


def period_kind_label(kind: str) -> str:
    return str(PERIOD_KINDS.get(kind, kind))


def period_parse(text: str) -> Period:
    """The period written in ``text``; a person's typo is an :class:`Invalid` in their language."""
    try:
        return Period.parse(text)
    except ValueError:
        raise Invalid(
            _(
                '"%(period)s" is not a period: write 2026-10 (month), 2026-Q4 (quarter), '
                "2026 (year), 2026-W41 (ISO week) or 2026-10-05 (day)"
            )
            % {"period": text},
            field="period",
        ) from None


# States in which results are drafts: computing replaces them in place.
BEFORE_PUBLICATION = (
    State.DATA_IMPORTED,
    State.SELF_ASSESSMENT,
    State.SUPERVISOR_RATING,
    State.INDIRECT_AUDIT,
    State.CALIBRATION,
)


def computable_states(cycle: Cycle) -> tuple[str, ...]:
    """The states in which the cycle may be computed: before publication, and also as a draft
    when its scheme reads another scheme's published months (``months:``), which are its data:
    a quarter's cycle needs no upload, and its first computation moves it to data imported."""
    if scheme_of(cycle.scheme_version).months is not None:
        return (State.DRAFT, *BEFORE_PUBLICATION)
    return BEFORE_PUBLICATION


# States in which published results are re-scored into new versions (after an upheld appeal).
AFTER_PUBLICATION = (State.PUBLISHED, State.INTERVIEWS, State.APPEAL_WINDOW)


def _quiet(_: int, __: str) -> None:
    return None


def lock_cycle(cycle: Cycle) -> Cycle:
    """Lock the cycle's row and re-read it into the caller's object.

    Two transitions then cannot both pass the state check, and the caller's object shows the
    state the service leaves it in.
    """
    Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").first()
    cycle.refresh_from_db()
    return cycle


_locked = lock_cycle


def state_label(state: str) -> str:
    """The state as people read it, in the request's language."""
    return str(State(state).label) if state in State.values else state


def _require_state(cycle: Cycle, allowed: Iterable[str], doing: str) -> None:
    allowed = list(allowed)
    if cycle.state not in allowed:
        raise Conflict(
            _("cannot %(doing)s: the cycle is %(state)s, not %(allowed)s")
            % {
                "doing": doing,
                "state": state_label(cycle.state),
                "allowed": _(" or ").join(state_label(s) for s in allowed),
            },
        )


def _move(cycle: Cycle, by: User, to: State, action: str, **extra: Any) -> Cycle:
    before = cycle.state
    cycle.state = to
    for k, v in extra.items():
        setattr(cycle, k, v)
    cycle.save()
    audit_record(
        by=by,
        action=action,
        obj=cycle,
        before={"state": before},
        after={"state": cycle.state},
        cycle_id=cycle.pk,
    )
    return cycle


@transaction.atomic
def cycle_create(
    *,
    by: User,
    name: str,
    scheme_version: SchemeVersion,
    period: str,
    teams: Iterable[Team] = (),
    agents: Iterable[Agent] = (),
    allow_duplicate: bool = False,
) -> Cycle:
    """A draft cycle; its agents are the teams' agents now plus the ones named.

    A cycle of the same scheme and period that already appraises any of these agents makes
    this one a duplicate: refused unless HR confirms it (``allow_duplicate``, a deliberate
    re-run), so that nobody is appraised twice for one month by mistake.
    """
    require_hr(by, _("create cycles"))
    scheme = scheme_of(scheme_version)
    p = period_parse(period)
    if p.kind != scheme.period:
        raise Invalid(
            _("the scheme %(scheme)s is scored per %(unit)s; %(period)s is a %(kind)s")
            % {
                "scheme": scheme.id,
                "unit": period_kind_label(scheme.period),
                "period": p,
                "kind": period_kind_label(p.kind),
            },
            field="period",
        )
    team_list = list(teams)
    pinned = {a.pk: a for a in agents}
    for a in Agent.objects.filter(team__in=team_list):
        pinned[a.pk] = a
    if not pinned:
        raise Invalid(_("a cycle needs at least one agent (name teams or agents)"), field="teams")
    if not allow_duplicate:
        same = Cycle.objects.filter(
            scheme_version__scheme_id=scheme_version.scheme_id,
            period=str(p),
            agents__in=list(pinned),
        ).distinct()
        if same.exists():
            raise Conflict(
                _(
                    "%(cycles)s already appraises these agents on %(scheme)s for %(period)s; "
                    "confirm to create another cycle anyway"
                )
                % {
                    "cycles": ", ".join(f"{c.name} (#{c.pk})" for c in same.order_by("pk")),
                    "scheme": scheme.id,
                    "period": p,
                },
                code="duplicate_cycle",
            )
    cycle = Cycle.objects.create(
        name=name.strip() or f"{scheme.name} {p}",
        scheme_version=scheme_version,
        period=str(p),
        created_by=signed_in(by),
    )
    cycle.teams.set(team_list)
    cycle.agents.set(list(pinned.values()))
    audit_record(
        by=by,
        action="cycle.create",
        obj=cycle,
        after={
            "scheme": str(scheme_version),
            "period": cycle.period,
            "teams": sorted(t.name for t in team_list),
            "agents": sorted(a.agent_id for a in pinned.values()),
        },
        cycle_id=cycle.pk,
    )
    return cycle


@transaction.atomic
def cycle_delete(*, cycle: Cycle, by: User) -> None:
    """A draft (created by mistake, or a duplicate) goes; the audit log keeps its entries."""
    require_hr(by, _("delete cycles"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.DRAFT], _("delete the cycle (only a draft is deleted)"))
    audit_record(
        by=by,
        action="cycle.delete",
        obj=cycle,
        before={
            "name": cycle.name,
            "scheme": str(cycle.scheme_version),
            "period": cycle.period,
            "agents": sorted(cycle.agents.values_list("agent_id", flat=True)),
        },
        cycle_id=cycle.pk,
    )
    cycle.delete()


def _file_list(cycle: Cycle) -> list[dict[str, Any]]:
    return [
        {"name": n, "sha256": h, "size": s}
        for n, h, s in cycle.files.order_by("name").values_list("name", "sha256", "size")
    ]


@transaction.atomic
def cycle_import_data(*, cycle: Cycle, by: User, files: Mapping[str, bytes]) -> Cycle:
    """Store input files (replacing files of the same name) and check that they can be read.

    Input tables are read at once, so a bad cell is reported now with its file, row and
    column; nothing is stored when any file has an error. Raw events are read by the
    computation.
    """
    require_hr(by, _("import data"))
    cycle = _locked(cycle)
    _require_state(cycle, (State.DRAFT, State.DATA_IMPORTED), _("import data"))
    names = check_files(files)
    before = _file_list(cycle)
    stored = {f.name: bytes(f.content) for f in cycle.files.all()}
    # ratings.xlsx replaces a stored ratings.csv: both would be the same table, read twice.
    replaced = [n for n in stored if n not in names and _stem(n) in {_stem(m) for m in names}]
    for name in replaced:
        del stored[name]
    stored.update(names)
    from appraise.web.cycles.scoring import read_files

    tables = {n: c for n, c in stored.items() if "/" not in n}
    if tables:
        read_files(scheme_of(cycle.scheme_version), Period.parse(cycle.period), tables)
    CycleFile.objects.filter(cycle=cycle, name__in=replaced).delete()
    for name, content in names.items():
        CycleFile.objects.update_or_create(
            cycle=cycle,
            name=name,
            defaults={
                "content": content,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "uploaded_by": signed_in(by),
            },
        )
    before_state = cycle.state
    cycle.state = State.DATA_IMPORTED
    cycle.inputs_changed_at = timezone.now()
    cycle.save()
    audit_record(
        by=by,
        action="cycle.import_data",
        obj=cycle,
        before={"state": before_state, "files": before},
        after={"state": cycle.state, "files": _file_list(cycle)},
        cycle_id=cycle.pk,
    )
    return cycle


def _stem(name: str) -> str:
    """``events/chats`` for ``events/Chats.CSV``: the table a file is, whatever its format."""
    folder, _sep, file = name.rpartition("/")
    return f"{folder}/{file.rsplit('.', 1)[0]}".casefold()


@transaction.atomic
def cycle_file_remove(*, cycle: Cycle, by: User, name: str) -> Cycle:
    """Remove one stored input file (before the cycle's ratings are collected); the results
    computed with it become stale."""
    require_hr(by, _("remove input files"))
    cycle = _locked(cycle)
    _require_state(cycle, (State.DRAFT, State.DATA_IMPORTED), _("remove input files"))
    before = _file_list(cycle)
    deleted, _by_model = CycleFile.objects.filter(cycle=cycle, name=name).delete()
    if not deleted:
        raise NotFound(
            _("cycle %(cycle)s has no file %(name)s") % {"cycle": cycle.pk, "name": name}
        )
    cycle.inputs_changed_at = timezone.now()
    cycle.save(update_fields=["inputs_changed_at"])
    audit_record(
        by=by,
        action="cycle.remove_file",
        obj=cycle,
        before={"files": before},
        after={"files": _file_list(cycle)},
        note=name,
        cycle_id=cycle.pk,
    )
    return cycle


def _summary(rows: Iterable[Any]) -> dict[str, Any]:
    return {
        r.agent.agent_id: {
            "total": plain_or_none(r.total),
            "grade": r.grade or None,
            "rank": r.rank,
            "version": r.version,
        }
        for r in rows
    }


def _fields(r: AgentResult, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": data,
        "eligible": r.eligible,
        "total": r.total,
        "grade": r.grade or "",
        "computed_grade": r.grade or "",
        "rank": r.rank,
        "level": r.level or "",
        "pay_total": r.pay_total,
        "flags": list(r.flags),
    }


def _apply_override(fields: dict[str, Any], override: GradeOverride | None) -> dict[str, Any]:
    if override is None:
        return fields
    data = dict(fields["data"])
    data["grade"] = override.grade
    data["calibration"] = {"grade": override.grade, "note": override.note}
    return {**fields, "data": data, "grade": override.grade}


def _store_gaps(cycle: Cycle, outcome: CycleScore) -> None:
    from appraise.web.interviews.models import GapFlag, GapStatus

    agents = {a.agent_id: a for a in cycle.agents.all()}
    flagged = {a: g for a, g in outcome.gaps.items() if g.grades_apart >= 1}
    for flag in GapFlag.objects.filter(cycle=cycle).select_related("agent"):
        if flag.agent.agent_id not in flagged and flag.status != GapStatus.CLEARED:
            flag.status = GapStatus.CLEARED
            flag.save(update_fields=["status", "updated_at"])
    for agent_id, gap in flagged.items():
        flag, _created = GapFlag.objects.get_or_create(
            cycle=cycle,
            agent=agents[agent_id],
            defaults={"grades_apart": gap.grades_apart},
        )
        flag.self_total = gap.self_total
        flag.self_grade = gap.self_grade or ""
        flag.supervisor_total = gap.supervisor_total
        flag.supervisor_grade = gap.supervisor_grade or ""
        flag.grades_apart = gap.grades_apart
        if flag.status == GapStatus.CLEARED:
            flag.status = GapStatus.OPEN
        flag.save()


def _score_or_fail(cycle: Cycle, progress: Progress) -> CycleScore:
    try:
        return score_cycle(cycle, progress)
    except ValueError as exc:  # a period or scheme the engine rejects as a whole
        raise ProblemsError([Problem("error", "bad_cycle", str(exc))]) from None


def cycle_compute(*, cycle: Cycle, by: User, progress: Progress = _quiet) -> Cycle:
    """Compute metrics and scores; before publication the results are replaced in place.

    The long part (reading the files, the metrics, the scoring) writes nothing and runs
    before the transaction, so a task's progress, written as it goes, is seen by the page that
    polls it. The results count as computed when the reading began: an input changed during
    the computation leaves them stale (``Cycle.results_stale``), and publication refuses them.
    Each computation writes one audit entry with every agent's total and grade before and after.
    """
    require_hr(by, _("compute results"))
    cycle.refresh_from_db()
    _require_state(
        cycle, computable_states(cycle), _("compute (after publication, re-score instead)")
    )
    began = timezone.now()
    outcome = _score_or_fail(cycle, progress)
    progress(90, _("saving results"))
    return _compute_save(cycle=cycle, by=by, outcome=outcome, began=began, progress=progress)


@transaction.atomic
def _compute_save(
    *, cycle: Cycle, by: User, outcome: CycleScore, began: datetime, progress: Progress
) -> Cycle:
    cycle = _locked(cycle)
    _require_state(
        cycle, computable_states(cycle), _("compute (after publication, re-score instead)")
    )
    from appraise.web.evaluations.models import Result

    agents = {a.agent_id: a for a in cycle.agents.all()}
    overrides = {o.agent_id: o for o in GradeOverride.objects.filter(cycle=cycle)}
    current = Result.objects.filter(cycle=cycle, is_current=True).select_related("agent")
    before = _summary(current)
    by_agent = {r.agent.agent_id: r for r in current}
    for r in outcome.run.results:
        agent = agents.get(r.agent_id)
        if agent is None:
            continue
        fields = _apply_override(_fields(r, result_dict(r, said=True)), overrides.get(agent.pk))
        row = by_agent.pop(r.agent_id, None)
        if row is None:
            Result.objects.create(
                cycle=cycle, agent=agent, created_by=_user(by), reason="compute", **fields
            )
        else:
            for k, v in fields.items():
                setattr(row, k, v)
            row.created_by = _user(by)
            row.save()
    Result.objects.filter(pk__in=[r.pk for r in by_agent.values()]).delete()
    from appraise.web.evaluations.teamheat import team_heat_refresh

    team_heat_refresh(cycle_id=cycle.pk)  # the dashboard's team means, of the results now
    _store_gaps(cycle, outcome)
    cycle.computed_at = began
    cycle.warnings = [p.as_dict() for p in outcome.warnings]
    saved = ["computed_at", "warnings"]
    if cycle.state == State.DRAFT:  # a quarter read from its published months (no upload)
        cycle.state = State.DATA_IMPORTED
        saved.append("state")
    cycle.save(update_fields=saved)
    after = _summary(Result.objects.filter(cycle=cycle, is_current=True).select_related("agent"))
    audit_record(
        by=by, action="cycle.compute", obj=cycle, before=before, after=after, cycle_id=cycle.pk
    )
    progress(100, _("done"))
    return cycle


def _user(by: User) -> Any:
    return signed_in(by)


@transaction.atomic
def cycle_rescore(*, cycle: Cycle, by: User, reason: str, progress: Progress = _quiet) -> list[Any]:
    """Score a published cycle again; every agent whose result changed gets a new version.

    The earlier version is kept (no longer current); the new one is published at once. Ranks
    may move for agents other than the one whose input changed, so every agent is compared.
    Returns the new versions.
    """
    require_hr(by, _("re-score a published cycle"))
    cycle = _locked(cycle)
    _require_state(cycle, AFTER_PUBLICATION, _("re-score"))
    from appraise.web.evaluations.models import Result

    outcome = _score_or_fail(cycle, progress)
    overrides = {o.agent_id: o for o in GradeOverride.objects.filter(cycle=cycle)}
    current = {
        r.agent.agent_id: r
        for r in Result.objects.filter(cycle=cycle, is_current=True).select_related("agent")
    }
    agents = {a.agent_id: a for a in cycle.agents.all()}
    now = timezone.now()
    created: list[Any] = []
    for r in outcome.run.results:
        agent = agents.get(r.agent_id)
        if agent is None:
            continue
        fields = _apply_override(_fields(r, result_dict(r, said=True)), overrides.get(agent.pk))
        old = current.get(r.agent_id)
        if old is not None and old.data == fields["data"] and old.grade == fields["grade"]:
            continue
        if old is not None:
            old.is_current = False
            old.save(update_fields=["is_current"])
        new = Result.objects.create(
            cycle=cycle,
            agent=agent,
            version=(old.version + 1) if old else 1,
            is_current=True,
            published_at=now,
            created_by=_user(by),
            reason=reason[:200],
            **fields,
        )
        audit_record(
            by=by,
            action="result.rescore",
            obj=new,
            before=_summary([old])[agent.agent_id] if old else None,
            after=_summary([new])[agent.agent_id],
            cycle_id=cycle.pk,
            note=reason,
        )
        created.append(new)
    cycle.computed_at = now
    cycle.warnings = [p.as_dict() for p in outcome.warnings]
    cycle.save(update_fields=["computed_at", "warnings"])
    if created:
        from appraise.web.evaluations.teamheat import team_heat_refresh

        # The dashboard's team means of the teams whose agents have a new version.
        team_heat_refresh(cycle_id=cycle.pk, team_ids={r.agent.team_id for r in created})
        mark_readers_stale(cycle)  # the quarter read the versions these replace
    from appraise.web.followups.services import followups_create_for_cycle

    # A new version may fire a consequence the first did not; items already there stay.
    followups_create_for_cycle(cycle=cycle, by=by)
    return created


def _require_fresh(cycle: Cycle, doing: str) -> None:
    if cycle.results_stale:
        raise Conflict(
            _("cannot %(doing)s: inputs changed since the last computation; compute first")
            % {"doing": doing},
            code="results_stale",
        )


@transaction.atomic
def cycle_open_self_assessment(*, cycle: Cycle, by: User) -> Cycle:
    require_hr(by, _("open self-assessment"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.DATA_IMPORTED], _("open self-assessment"))
    if cycle.computed_at is None:
        raise Conflict(
            _("cannot open self-assessment: compute the results first"), code="not_computed"
        )
    return _move(cycle, by, State.SELF_ASSESSMENT, "cycle.open_self_assessment")


@transaction.atomic
def cycle_open_supervisor_rating(*, cycle: Cycle, by: User) -> Cycle:
    require_hr(by, _("open supervisor rating"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.SELF_ASSESSMENT], _("open supervisor rating"))
    return _move(cycle, by, State.SUPERVISOR_RATING, "cycle.open_supervisor_rating")


@transaction.atomic
def cycle_open_indirect_audit(*, cycle: Cycle, by: User) -> Cycle:
    require_hr(by, _("open the indirect supervisors' audit"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.SUPERVISOR_RATING], _("open the audit"))
    _require_fresh(cycle, _("open the audit"))
    return _move(cycle, by, State.INDIRECT_AUDIT, "cycle.open_indirect_audit")


def cycle_teams(cycle: Cycle) -> list[Team]:
    """The teams of the cycle's agents: each needs its indirect supervisor's confirmation."""
    return list(Team.objects.filter(agents__cycles=cycle).distinct().order_by("name"))


@transaction.atomic
def cycle_confirm_team(*, cycle: Cycle, team: Team, by: User, note: str = "") -> TeamConfirmation:
    """The indirect supervisor (or HR) confirms one team's results (间接上级审核)."""
    require(
        is_hr(by) or is_indirect_supervisor(by, team),
        _("only the team's indirect supervisor or HR may confirm its results"),
    )
    cycle = _locked(cycle)
    _require_state(cycle, [State.INDIRECT_AUDIT], _("confirm a team"))
    if team not in cycle_teams(cycle):
        raise Invalid(_("team %(team)s has no agent in this cycle") % {"team": team.name})
    confirmation, _created = TeamConfirmation.objects.update_or_create(
        cycle=cycle, team=team, defaults={"confirmed_by": _user(by), "note": note}
    )
    audit_record(
        by=by,
        action="cycle.confirm_team",
        obj=cycle,
        after={"team": team.name, "note": note},
        cycle_id=cycle.pk,
    )
    return confirmation


@transaction.atomic
def cycle_open_calibration(*, cycle: Cycle, by: User) -> Cycle:
    require_hr(by, _("open calibration"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.INDIRECT_AUDIT], _("open calibration"))
    confirmed = set(cycle.confirmations.values_list("team_id", flat=True))
    missing = [t.name for t in cycle_teams(cycle) if t.pk not in confirmed]
    if missing:
        raise Conflict(
            _("cannot open calibration: not yet confirmed by their indirect supervisor: %(teams)s")
            % {"teams": ", ".join(missing)},
            code="not_confirmed",
        )
    return _move(cycle, by, State.CALIBRATION, "cycle.open_calibration")


@transaction.atomic
def cycle_calibrate(*, cycle: Cycle, by: User, agent: Agent, grade: str, note: str) -> Any:
    """HR sets an agent's grade against the distribution quotas, with the reason."""
    require_hr(by, _("calibrate grades"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.CALIBRATION], _("calibrate"))
    from appraise.web.evaluations.models import Result

    names = [g.name for g in scheme_of(cycle.scheme_version).grades]
    if grade not in names:
        raise Invalid(
            _('"%(grade)s" is not a grade of the scheme (%(grades)s)')
            % {"grade": grade, "grades": ", ".join(names)},
            field="grade",
        )
    if not note.strip():
        raise Invalid(_("a calibration needs a reason"), field="note")
    result = Result.objects.filter(cycle=cycle, agent=agent, is_current=True).first()
    if result is None:
        raise Invalid(
            _("agent %(agent_id)s has no result in this cycle") % {"agent_id": agent.agent_id}
        )
    before = {"grade": result.grade}
    GradeOverride.objects.update_or_create(
        cycle=cycle, agent=agent, defaults={"grade": grade, "note": note, "set_by": _user(by)}
    )
    data = dict(result.data)
    data["grade"] = grade
    data["calibration"] = {"grade": grade, "note": note}
    result.data = data
    result.grade = grade
    result.save(update_fields=["data", "grade"])
    audit_record(
        by=by,
        action="result.calibrate",
        obj=result,
        before=before,
        after={"grade": grade},
        cycle_id=cycle.pk,
        note=note,
    )
    return result


@transaction.atomic
def cycle_publish(*, cycle: Cycle, by: User) -> Cycle:
    """Results become visible to the agents and never change in place again."""
    require_hr(by, _("publish results"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.CALIBRATION], _("publish"))
    _require_fresh(cycle, _("publish"))
    from appraise.web.evaluations.models import Result
    from appraise.web.followups.services import bases_missing, followups_create_for_cycle

    missing = bases_missing(cycle)
    if missing:
        raise Conflict(
            _("publication waits for the factual basis of %(agents)s")
            % {"agents": "、".join(f"{a.name}({a.agent_id}, {g})" for a, g in missing)},
            code="basis_missing",
        )
    now = timezone.now()
    Result.objects.filter(cycle=cycle, is_current=True).update(published_at=now)
    cycle = _move(cycle, by, State.PUBLISHED, "cycle.publish", published_at=now)
    mark_readers_stale(cycle)  # a quarter computed before this month was published
    # The scheme's consequences become work for their owners (interviews, plans, HR items).
    followups_create_for_cycle(cycle=cycle, by=by)
    return cycle


@transaction.atomic
def cycle_open_interviews(*, cycle: Cycle, by: User) -> Cycle:
    require_hr(by, _("open interviews"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.PUBLISHED], _("open interviews"))
    return _move(cycle, by, State.INTERVIEWS, "cycle.open_interviews")


@transaction.atomic
def cycle_open_appeal_window(*, cycle: Cycle, by: User, days: int = 7) -> Cycle:
    require_hr(by, _("open the appeal window"))
    if not 1 <= days <= 90:
        raise Invalid(_("the appeal window is 1 to 90 days"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.INTERVIEWS], _("open the appeal window"))
    deadline = timezone.now() + timedelta(days=days)
    return _move(
        cycle, by, State.APPEAL_WINDOW, "cycle.open_appeal_window", appeal_deadline=deadline
    )


@transaction.atomic
def cycle_close(*, cycle: Cycle, by: User, override_reason: str = "") -> Cycle:
    """Close the appeal window for good: no appeal may be open, and neither an open follow-up
    nor an appeal deadline still ahead unless HR closes anyway with ``override_reason``
    (audited with the items left open, which stay on their owners' to-do lists, and the
    deadline that was cut short: agents who meant to appeal lose the days left)."""
    require_hr(by, _("close cycles"))
    cycle = _locked(cycle)
    _require_state(cycle, [State.APPEAL_WINDOW], _("close"))
    from appraise.web.appeals.models import OPEN_STATES, Appeal

    open_appeals = Appeal.objects.filter(cycle=cycle, state__in=OPEN_STATES).count()
    if open_appeals:
        raise Conflict(
            ngettext(
                "cannot close: %(n)d appeal is still open",
                "cannot close: %(n)d appeals are still open",
                open_appeals,
            )
            % {"n": open_appeals},
            code="open_appeals",
        )
    from appraise.web.followups.selectors import followups_open_for_cycle

    left_open = list(followups_open_for_cycle(cycle).order_by("agent__agent_id", "rule"))
    reason = override_reason.strip()
    if left_open and not reason:
        raise Conflict(
            ngettext(
                "cannot close: %(n)d follow-up is still open; finish it, or close anyway "
                "with a reason",
                "cannot close: %(n)d follow-ups are still open; finish them, or close anyway "
                "with a reason",
                len(left_open),
            )
            % {"n": len(left_open)},
            code="open_followups",
            field="override_reason",
        )
    now = timezone.now()
    deadline = cycle.appeal_deadline
    early = deadline is not None and now < deadline
    if deadline is not None and early and not reason:
        raise Conflict(
            _(
                "cannot close before the appeal deadline %(deadline)s: agents may still "
                "appeal; wait, or close anyway with a reason"
            )
            % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
            code="appeal_window_open",
            field="override_reason",
        )
    cycle = _move(cycle, by, State.CLOSED, "cycle.close", closed_at=now)
    if left_open or early:
        after: dict[str, Any] = {
            "open_followups": [
                {"id": f.pk, "agent": f.agent.agent_id, "rule": f.rule, "state": f.state}
                for f in left_open
            ]
        }
        if early and deadline is not None:
            after["appeal_deadline"] = deadline.isoformat()
        audit_record(
            by=by,
            action="cycle.close_override",
            obj=cycle,
            after=after,
            cycle_id=cycle.pk,
            note=reason,
        )
    return cycle


def state_index(state: str) -> int:
    return STATE_ORDER.index(state)


def mark_readers_stale(cycle: Cycle) -> None:
    """The cycles that read this monthly cycle's published results as their data (a quarter,
    half or year whose scheme says ``months: {scheme: <this cycle's scheme>}`` and whose period
    holds this month) have results computed from what just changed: they are marked stale, as
    a changed rating or file marks a cycle, so that their pages say so and HR computes again."""
    month = Period.parse(cycle.period)
    if month.kind != "month":
        return
    scheme_id = cycle.scheme_version.scheme_id
    for reader in Cycle.objects.exclude(pk=cycle.pk).filter(
        period__startswith=str(month.start.year)
    ):
        period = Period.parse(reader.period)
        if period.kind == "month" or not (period.start <= month.start <= period.end):
            continue
        reads = scheme_of(reader.scheme_version).months
        if reads is not None and reads.scheme == scheme_id and reader.computed_at is not None:
            mark_inputs_changed(reader)


def mark_inputs_changed(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(inputs_changed_at=timezone.now())
    cycle.refresh_from_db(fields=["inputs_changed_at"])


def cycle_import_start(
    *, cycle: Cycle, by: User, files: Mapping[str, bytes], compute: bool = True
) -> Task:
    """Check who and when, then import (and compute) as a background task; returns the Task."""
    require_hr(by, _("import data"))
    _require_state(cycle, (State.DRAFT, State.DATA_IMPORTED), _("import data"))
    names = check_files(files)
    return task_enqueue(
        kind="cycle_import", by=by, cycle=cycle, params={"compute": compute}, files=names
    )


def cycle_compute_start(*, cycle: Cycle, by: User) -> Task:
    """Check who and when, then compute as a background task; returns the Task."""
    require_hr(by, _("compute results"))
    _require_state(
        cycle, computable_states(cycle), _("compute (after publication, re-score instead)")
    )
    return task_enqueue(kind="cycle_compute", by=by, cycle=cycle)
