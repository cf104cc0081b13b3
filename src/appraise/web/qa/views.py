"""The QA pages: the reviewer's queue and review form (the transcript with what the automatic
checks found beside the rubric), the agent's reviews with the dispute form, the dispute queue
and decision, calibration, figures, and HR's rubrics, imports and samples.

Views read through :mod:`appraise.web.qa.selectors` and write through
:mod:`appraise.web.qa.services`; the shared page helpers come from appraise.web.pages.common.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User as AuthUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.inputs import normalize_name
from appraise.problems import AppraiseError
from appraise.qa.rubric import is_na
from appraise.qa.rules.engine import mask
from appraise.web.errors import Forbidden, Invalid, error_response_data
from appraise.web.org.models import Agent
from appraise.web.pages.common import (
    back,
    chosen,
    for_field,
    guarded,
    int_or_none,
    page,
    refusal_of,
    submitted,
)
from appraise.web.permissions import User, agent_of, is_hr, is_self, led_teams
from appraise.web.qa import bench, scoring
from appraise.web.qa import selectors as sel
from appraise.web.qa import services as svc
from appraise.web.qa.models import (
    AssignmentState,
    Conversation,
    Dispute,
    DisputeState,
    Outcome,
    Review,
    Rubric,
    SessionState,
    Source,
)
from appraise.web.schemes import selectors as scheme_sel
from appraise.web.uploads import upload_limited


def _check_label(check: str) -> str:
    labels = {
        "opening": _("Opening script"),
        "closing": _("Closing script"),
        "forbidden": _("Forbidden phrases"),
        "response": _("Response time"),
        "silence": _("Long silences"),
        "hangup": _("Hang-up"),
    }
    return labels.get(check, check)


# -------------------------------------------------------------------- transcript and findings


# A mark: (start, end, css class, note) in the message's original text.
Mark = tuple[int, int, str, str]


def _found_at(text: str, found: str, css: str, note: str) -> Mark | None:
    """A check's evidence quotes the matched text; it is marked where it first stands."""
    if not found or found == text:
        return None
    at = text.find(found)
    return None if at < 0 else (at, at + len(found), css, note)


def _segments(text: str, marks: Sequence[Mark]) -> list[dict[str, str]]:
    """The message text cut into plain and highlighted pieces; a mark that overlaps an earlier
    one is left out. Personal data is masked in every piece, so a reviewer or agent never
    reads a full phone or card number."""
    spans: list[Mark] = []
    for m in marks:
        if 0 <= m[0] < m[1] <= len(text) and not any(s < m[1] and m[0] < e for s, e, *_ in spans):
            spans.append(m)
    out: list[dict[str, str]] = []
    pos = 0
    for start, end, css, note in sorted(spans):
        if start > pos:
            out.append({"text": mask(text[pos:start]), "css": "", "note": ""})
        out.append({"text": mask(text[start:end]), "css": css, "note": note})
        pos = end
    if pos < len(text):
        out.append({"text": mask(text[pos:]), "css": "", "note": ""})
    return out


def _local(iso: str | None) -> datetime | None:
    if not iso:
        return None
    return timezone.localtime(datetime.fromisoformat(iso))


def transcript(conversation: Conversation) -> dict[str, Any]:
    """The messages with the automatic checks' evidence marked in them, and the findings."""
    marks: dict[int, list[Mark]] = defaultdict(list)
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    findings: list[dict[str, Any]] = []
    texts = [str(m.get("text", "")) for m in conversation.messages]
    for f in conversation.findings:
        passed = bool(f["passed"])
        label = _check_label(str(f["check"]))
        css = "hit-ok" if passed else "hit-bad"
        for e in f.get("evidence", []):
            i = e.get("message_index")
            if i is None or not 0 <= int(i) < len(texts):
                continue
            note = f"{label}: {e.get('note', '')}"
            if (mk := _found_at(texts[int(i)], str(e.get("text", "")), css, note)) is not None:
                marks[int(i)].append(mk)
            if not passed:
                notes[int(i)].append({"label": label, "note": e.get("note", "")})
        findings.append(
            {
                "check": f["check"],
                "label": label,
                "passed": passed,
                "message": f.get("message", ""),
                "evidence": [
                    {**e, "text": mask(str(e.get("text", "")))} for e in f.get("evidence", [])
                ],
            }
        )
    rules: list[dict[str, Any]] = []
    for f in conversation.rule_findings:
        label = str(f.get("name") or f.get("rule"))
        for e in f.get("evidence", []):
            i, start, end = e.get("message_index"), e.get("start"), e.get("end")
            if i is None or start is None or end is None or not 0 <= int(i) < len(texts):
                continue
            said = str(e.get("note", ""))
            # A pack's note starts with the pack's name, often the rule's: say it once.
            said = said.removeprefix(label).lstrip("：: ")
            note = f"{label}: {said}" if said else label
            marks[int(i)].append((int(start), int(end), "hit-rule", note))
            notes[int(i)].append({"label": label, "note": said})
        rules.append(f)
    rows = []
    for i, m in enumerate(conversation.messages):
        text = texts[i]
        rows.append(
            {
                "index": i,
                "sender": m.get("sender"),
                "at": _local(m.get("sent_at")),
                "segments": _segments(text, marks.get(i, [])),
                "notes": notes.get(i, []),
                "flagged": bool(notes.get(i)),
            }
        )
    failed = [f for f in findings if not f["passed"]]
    return {"messages": rows, "findings": findings, "failed": failed, "rules": rules}


# ------------------------------------------------------------------------------- the rubric form


def form_rows(
    rubric: Rubric,
    values: Mapping[str, str],
    comments: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The rubric form's rows; ``errors`` are a refusal's reasons by field, and a problem of the
    core names its item by id or by name (``"表达能力" is rated 0..15; 16 is outside``)."""
    said = {normalize_name(k): v for k, v in (errors or {}).items()}
    rows = []
    for item in scoring.form_items(rubric):
        value = values.get(item.id, "")
        error = next(
            (
                said[normalize_name(k)]
                for k in (item.id, item.name, f"item_{item.id}")
                if normalize_name(k) in said
            ),
            "",
        )
        rows.append(
            {
                "item": item,
                "value": "" if value == scoring.NA else value,
                "na": bool(value) and is_na(value),
                "comment": comments.get(item.id, ""),
                "error": error,
            }
        )
    return rows


def _posted(request: HttpRequest, rubric: Rubric) -> tuple[dict[str, str], dict[str, str]]:
    return (
        scoring.ratings_from_form(rubric, request.POST),
        scoring.comments_from_form(rubric, request.POST),
    )


def _refused_rows(request: HttpRequest, form: str, rubric: Rubric) -> list[dict[str, Any]] | None:
    """The rubric form as it was typed, with the reasons beside the items, when the form
    ``form`` of this page was refused; else None (the page fills the form itself)."""
    refused = refusal_of(request)
    if refused is None or refused.form != form:
        return None
    values = scoring.ratings_from_form(rubric, refused.data)
    # A value the form keeps as typed, even one the core refused (a rating of "十五").
    for item in scoring.form_items(rubric):
        typed = str(refused.data.get(f"item_{item.id}", "") or "").strip()
        if typed and item.id not in values:
            values[item.id] = typed
    return form_rows(
        rubric, values, scoring.comments_from_form(rubric, refused.data), refused.fields
    )


def tabs(user: User) -> list[dict[str, str]]:
    """The QA sections this person has, for the tabs above every QA page."""
    out: list[dict[str, str]] = []
    reviewer = sel.is_qa(user) or is_hr(user)
    if reviewer:
        out.append({"url": "/qa/queue/", "label": _("Review queue")})
    out.append({"url": "/qa/reviews/", "label": _("Reviews")})
    out.append({"url": "/qa/disputes/", "label": _("Disputes")})
    if reviewer:
        out.append({"url": "/qa/calibration/", "label": _("Calibration")})
    out.append({"url": "/qa/figures/", "label": _("QA figures")})
    if is_hr(user):
        out.append({"url": "/qa/manage/", "label": _("Rubrics, imports, samples")})
        out.append({"url": "/qa/rules/test/", "label": _("Rule test bench")})
    return out


def qa_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    refused = refusal_of(request)
    # The reviewers ticked in a refused form (sample, calibration), ticked again.
    kept = [int_or_none(x) for x in refused.data.getlist("reviewers")] if refused else []
    return page(
        request,
        template,
        {"qa_tabs": tabs(request.user), "kept_reviewers": kept, **context},
        status=status,
    )


# ------------------------------------------------------------------------------------- home


@guarded
def qa_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if sel.is_qa(user):
        return HttpResponseRedirect("/qa/queue/")
    if is_hr(user):
        return HttpResponseRedirect("/qa/manage/")
    if agent_of(user) is not None or led_teams(user).exists():
        return HttpResponseRedirect("/qa/reviews/")
    raise Forbidden(_("the QA pages are for reviewers, agents, supervisors and HR"))


def _require_queue(user: User) -> None:
    if not (sel.is_qa(user) or is_hr(user)):
        raise Forbidden(_("the review queue is for QA reviewers and HR"))


def _stratum_label(stratum: str) -> str:
    """A sample's stratum as the reviewer reads it: its outcome in words (未解决), not the
    value kept (not_resolved); the channel and queue are the import's own words."""
    outcomes = dict(Outcome.choices)
    return " / ".join(str(outcomes.get(part, part)) for part in stratum.split(" / "))


@guarded
def queue(request: HttpRequest) -> HttpResponse:
    """What the reviewer has to score, what they scored, their disputes and calibrations."""
    user = request.user
    _require_queue(user)
    period = request.GET.get("period") or None
    rows = list(sel.assignment_list(user=user, period=period))
    todo = [a for a in rows if a.state == AssignmentState.ASSIGNED]
    for a in todo:
        a.stratum_label = _stratum_label(a.stratum)  # type: ignore[attr-defined]
    done = [a for a in rows if a.state == AssignmentState.REVIEWED]
    current = {
        r.assignment_id: r
        for r in Review.objects.filter(assignment__in=done, is_current=True).only(
            "pk", "assignment_id", "score", "version"
        )
    }
    disputes = [d for d in sel.dispute_list(user=user) if sel.may_decide(user, d)]
    return qa_page(
        request,
        "qa/queue.html",
        {
            "todo": todo,
            "done": [{"a": a, "review": current.get(a.pk)} for a in done],
            "disputes": disputes,
            "calibrations": [
                s for s in sel.calibration_list(user=user) if s.state == SessionState.OPEN
            ],
            "periods": sel.periods(user=user),
            "period": period or "",
            "show_reviewer": is_hr(user),
        },
    )


@guarded(form="review")
def assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: the transcript with the checks' findings, the rubric beside it."""
    a = sel.assignment_get(user=request.user, pk=pk)
    if a.state == AssignmentState.REVIEWED and request.method != "POST":
        review = a.reviews.filter(is_current=True).first()
        if review is not None:
            return HttpResponseRedirect(f"/qa/reviews/{review.pk}/")
    mine = a.reviewer_id == request.user.pk
    if submitted(request):
        ratings, comments = _posted(request, a.rubric)
        review = svc.review_submit(
            assignment=a,
            by=request.user,
            ratings=ratings,
            comments=comments,
            comment=request.POST.get("comment", ""),
            source=request.POST.get("source", Source.INTERNAL),
        )
        messages.success(request, _("Review submitted."))
        return HttpResponseRedirect(f"/qa/reviews/{review.pk}/")
    return qa_page(
        request,
        "qa/assignment.html",
        {
            "a": a,
            "conversation": a.conversation,
            "t": transcript(a.conversation),
            "rows": _refused_rows(request, "review", a.rubric) or form_rows(a.rubric, {}, {}),
            "rubric": a.rubric,
            "editable": mine and a.state != AssignmentState.REVIEWED,
            "sources": Source.choices,
            "preview_url": f"/qa/conversations/{a.conversation_id}/preview/{a.rubric_id}/",
        },
    )


@guarded
@require_POST
def preview(request: HttpRequest, pk: int, rubric_pk: int) -> HttpResponse:
    """The score the form would get now (htmx): the core scores it, nothing is stored."""
    conversation = sel.conversation_get(user=request.user, pk=pk)
    rubric = sel.rubric_get(user=request.user, pk=rubric_pk)
    ratings, comments = _posted(request, rubric)
    ctx: dict[str, Any] = {"ratings": ratings}
    try:
        ctx["result"] = scoring.score(
            rubric=rubric,
            conversation=conversation,
            reviewer=request.user,
            ratings=ratings,
            comments=comments,
            comment="",
            source=Source.INTERNAL,
            at=timezone.now(),
        )
    except AppraiseError as exc:
        ctx["error"] = error_response_data(exc)[1]
    return qa_page(request, "qa/_preview.html", ctx)


# ------------------------------------------------------------------------------------ reviews


@guarded
def reviews(request: HttpRequest) -> HttpResponse:
    """An agent's own reviews (with the dispute form), a supervisor's teams', HR's all."""
    user = request.user
    if not sel.may_use_qa(user):
        raise Forbidden(_("the QA pages are for reviewers, agents, supervisors and HR"))
    period = request.GET.get("period") or None
    agent_id = request.GET.get("agent") or None
    who = Agent.objects.filter(agent_id=agent_id).first() if agent_id else None
    rows = (
        []
        if agent_id and who is None
        else list(sel.review_list(user=user, period=period, agent=who))
    )
    me = agent_of(user)
    return qa_page(
        request,
        "qa/reviews.html",
        {
            "rows": [
                {
                    "r": r,
                    "dispute": getattr(r, "dispute", None) if _has_dispute(r) else None,
                    "may_dispute": _may_dispute(user, r),
                }
                for r in rows
            ],
            "periods": sel.periods(user=user),
            "period": period or "",
            "mine_only": me is not None and not led_teams(user).exists() and not is_hr(user),
        },
    )


def _has_dispute(r: Review) -> bool:
    try:
        return r.dispute is not None
    except Dispute.DoesNotExist:
        return False


def _may_dispute(user: User, r: Review) -> bool:
    return (
        is_self(user, r.agent)
        and r.is_current
        and r.calibration_id is None
        and r.supersedes_id is None
        and not _has_dispute(r)
    )


@guarded
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = sel.review_get(user=request.user, pk=pk)
    dispute = r.dispute if _has_dispute(r) else None
    deciding = getattr(r, "deciding_dispute", None) if r.supersedes_id else None
    return qa_page(
        request,
        "qa/review.html",
        {
            "r": r,
            "conversation": r.conversation,
            "t": transcript(r.conversation),
            "history": sel.review_history(user=request.user, review=r)
            if r.calibration_id is None
            else [r],
            "dispute": dispute,
            "deciding": deciding,
            "may_dispute": _may_dispute(request.user, r),
        },
    )


@guarded(form="dispute", page=review_detail)
@require_POST
def dispute_open(request: HttpRequest, pk: int) -> HttpResponse:
    r = sel.review_get(user=request.user, pk=pk)
    with for_field("reason"):
        d = svc.dispute_open(review=r, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Dispute filed: a second reviewer will decide."))
    return back(request, f"/qa/disputes/{d.pk}/")


# ----------------------------------------------------------------------------------- disputes


@guarded
def disputes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not sel.may_use_qa(user):
        raise Forbidden(_("the QA pages are for reviewers, agents, supervisors and HR"))
    rows = list(sel.dispute_list(user=user))
    waiting = [d for d in rows if sel.may_decide(user, d)]
    return qa_page(
        request,
        "qa/disputes.html",
        {"waiting": waiting, "others": [d for d in rows if d not in waiting]},
    )


@guarded
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.dispute_get(user=request.user, pk=pk)
    user = request.user
    original = d.review
    can_decide = sel.may_decide(user, d)
    ctx: dict[str, Any] = {
        "d": d,
        "original": original,
        "conversation": original.conversation,
        "t": transcript(original.conversation),
        "can_decide": can_decide,
        "can_assign": is_hr(user) and d.state in (DisputeState.OPEN, DisputeState.ASSIGNED),
    }
    if can_decide:
        ctx["rows"] = _refused_rows(request, "decide", original.rubric) or form_rows(
            original.rubric, original.ratings, original.comments
        )
        ctx["preview_url"] = (
            f"/qa/conversations/{original.conversation_id}/preview/{original.rubric_id}/"
        )
    if ctx["can_assign"]:
        ctx["reviewers"] = [
            u
            for u in AuthUser.objects.filter(groups__name="qa").order_by("username")
            if u.pk != original.reviewer_id and u.pk != original.agent.user_id
        ]
    return qa_page(request, "qa/dispute.html", ctx)


@guarded(form="decide", page=dispute_detail)
@require_POST
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.dispute_get(user=request.user, pk=pk)
    decision = request.POST.get("decision", "")
    ratings = comments = None
    if decision == "uphold":
        ratings, comments = _posted(request, d.review.rubric)
    d = svc.dispute_decide(
        dispute=d,
        by=request.user,
        decision=decision,
        note=request.POST.get("note", ""),
        ratings=ratings,
        comments=comments,
    )
    messages.success(request, _("Decision recorded."))
    return back(request, f"/qa/disputes/{d.pk}/")


@guarded(form="assign", page=dispute_detail)
@require_POST
def dispute_assign(request: HttpRequest, pk: int) -> HttpResponse:
    d = sel.dispute_get(user=request.user, pk=pk)
    reviewer_pk = int_or_none(request.POST.get("reviewer"))
    reviewer = AuthUser.objects.filter(pk=reviewer_pk).first() if reviewer_pk else None
    if reviewer is None:
        raise Invalid(_("choose a reviewer"), field="reviewer")
    svc.dispute_assign(dispute=d, reviewer=reviewer, by=request.user)
    messages.success(request, _("The dispute went to the second reviewer."))
    return back(request, f"/qa/disputes/{d.pk}/")


# -------------------------------------------------------------------------------- calibration


def _qa_reviewers() -> list[AuthUser]:
    return list(AuthUser.objects.filter(groups__name="qa").order_by("username"))


@guarded(form="calibration")
def calibrations(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_queue(user)
    if submitted(request):
        if not is_hr(user):
            raise Forbidden(_("only HR holds calibration sessions"))
        rubric_pk = int_or_none(request.POST.get("rubric"))
        if rubric_pk is None:
            raise Invalid(_("choose a rubric"), field="rubric")
        with chosen("rubric"):
            rubric = sel.rubric_get(user=user, pk=rubric_pk)
        ids = request.POST.get("conversations", "").replace(",", " ").split()
        found = {
            c.conversation_id: c
            for c in sel.conversation_list(user=user).filter(conversation_id__in=ids)
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise Invalid(
                _("no conversation %(ids)s") % {"ids": ", ".join(missing)}, field="conversations"
            )
        people = list(
            AuthUser.objects.filter(
                pk__in=[int_or_none(x) or 0 for x in request.POST.getlist("reviewers")]
            )
        )
        s = svc.calibration_create(
            name=request.POST.get("name", ""),
            rubric=rubric,
            conversations=[found[i] for i in ids],
            reviewers=people,
            by=user,
        )
        messages.success(request, _("Calibration session created."))
        return HttpResponseRedirect(f"/qa/calibration/{s.pk}/")
    return qa_page(
        request,
        "qa/calibrations.html",
        {
            "sessions": list(sel.calibration_list(user=user)),
            "can_create": is_hr(user),
            "rubrics": list(sel.rubric_list(user=user, active=True)) if is_hr(user) else [],
            "reviewers": _qa_reviewers() if is_hr(user) else [],
        },
    )


@guarded
def calibration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    s = sel.calibration_get(user=user, pk=pk)
    reviews = sel.calibration_reviews(s)
    done = {(r.conversation_id, r.reviewer_id) for r in reviews}
    report = sel.calibration_report(user=user, session=s)
    names = {u.pk: u.get_username() for u in s.reviewers.all()}
    cells: dict[str, list[Any]] = defaultdict(list)
    for c in report.cells:
        cells[c.conversation_id].append(c)
    return qa_page(
        request,
        "qa/calibration.html",
        {
            "s": s,
            "conversations": [
                {
                    "c": c,
                    "mine": (c.pk, user.pk) in done,
                    "count": sum(1 for r in reviews if r.conversation_id == c.pk),
                }
                for c in s.conversations.select_related("agent").order_by("conversation_id")
            ],
            "is_reviewer": user.pk in names,
            "report": report,
            "cells": dict(cells),
            "reviewer_names": sorted(names.values()),
            "can_close": is_hr(user) and s.state == SessionState.OPEN,
        },
    )


@guarded(form="calscore")
def calibration_score(request: HttpRequest, pk: int, conversation_pk: int) -> HttpResponse:
    user = request.user
    s = sel.calibration_get(user=user, pk=pk)
    conversation = s.conversations.filter(pk=conversation_pk).select_related("agent").first()
    if conversation is None:
        raise Forbidden(_("this conversation is not in the session"))
    if submitted(request):
        ratings, comments = _posted(request, s.rubric)
        svc.calibration_review_submit(
            session=s,
            conversation=conversation,
            by=user,
            ratings=ratings,
            comments=comments,
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Calibration review saved."))
        return HttpResponseRedirect(f"/qa/calibration/{s.pk}/")
    mine = s.reviews.filter(conversation=conversation, reviewer_id=user.pk).first()
    return qa_page(
        request,
        "qa/calibration_score.html",
        {
            "s": s,
            "conversation": conversation,
            "t": transcript(conversation),
            "rows": _refused_rows(request, "calscore", s.rubric)
            or form_rows(s.rubric, mine.ratings if mine else {}, mine.comments if mine else {}),
            "mine": mine,
            "editable": mine is None
            and s.state == SessionState.OPEN
            and user.pk is not None
            and s.reviewers.filter(pk=user.pk).exists(),
            "preview_url": f"/qa/conversations/{conversation.pk}/preview/{s.rubric_id}/",
        },
    )


@guarded(form="close", page=calibration_detail)
@require_POST
def calibration_close(request: HttpRequest, pk: int) -> HttpResponse:
    s = sel.calibration_get(user=request.user, pk=pk)
    svc.calibration_close(session=s, by=request.user)
    messages.success(request, _("Calibration session closed."))
    return back(request, f"/qa/calibration/{s.pk}/")


# ------------------------------------------------------------------------------------ figures


@guarded
def figures(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not sel.may_use_qa(user):
        raise Forbidden(_("the QA pages are for reviewers, agents, supervisors and HR"))
    periods = sel.periods(user=user)
    period = request.GET.get("period") or (periods[0] if periods else "")
    rubric_pk = int_or_none(request.GET.get("rubric"))
    rubric = sel.rubric_get(user=user, pk=rubric_pk) if rubric_pk else None
    got = sel.figures(user=user, period=period, rubric=rubric) if period else None
    agreement = sel.period_agreement(period=period) if got else None
    names = {a.agent_id: a for a in Agent.objects.select_related("team")}
    return qa_page(
        request,
        "qa/figures.html",
        {
            "periods": periods,
            "period": period,
            "rubrics": list(sel.rubric_list(user=user)),
            "rubric": rubric,
            "f": got,
            "agents": [{"fig": a, "agent": names.get(a.agent_id)} for a in got.figures.agents]
            if got
            else [],
            "estimated": got is not None and got.estimated,
            "agreement_rows": [
                {**row, "label": _check_label(str(row["check"]))} for row in agreement.rows()
            ]
            if agreement
            else [],
        },
    )


# ------------------------------------------------------------------------ conversations (read)


@guarded
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = sel.conversation_get(user=request.user, pk=pk)
    return qa_page(
        request,
        "qa/conversation.html",
        {
            "conversation": c,
            "t": transcript(c),
            "reviews": list(
                sel.review_list(user=request.user, calibration=None).filter(conversation=c)
            ),
        },
    )


# ------------------------------------------------------------------------------- HR: manage


def _require_hr(user: User) -> None:
    if not is_hr(user):
        raise Forbidden(_("only HR manages QA rubrics, imports and samples"))


@guarded
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_hr(user)
    used = set(Rubric.objects.values_list("scheme_version_id", flat=True))
    runs = list(sel.run_list(user=user)[:20])
    strata = sel.run_strata(runs)
    return qa_page(
        request,
        "qa/manage.html",
        {
            "rubrics": list(sel.rubric_list(user=user)),
            "versions": [v for v in scheme_sel.scheme_version_list(user=user) if v.pk not in used],
            "imports": list(sel.import_list(user=user)[:20]),
            "runs": [(r, strata[r.pk]) for r in runs],
            "reviewers": _qa_reviewers(),
            "periods": sel.periods(user=user),
            "counts": _period_counts(),
        },
    )


def _period_counts() -> list[dict[str, Any]]:
    """Per period: conversations, sampled, reviewed, and the low-CSAT stratum a risk-weighted
    sample would draw from (CSAT at or below the period's QA config's sampling.low_csat)."""
    out: dict[str, dict[str, Any]] = {}
    low: dict[str, int | None] = {}
    for period, state, csat in Conversation.objects.values_list(
        "period", "assignment__state", "csat"
    ):
        row = out.get(period)
        if row is None:
            low[period] = sel.period_qa_config(period).sampling.low_csat
            row = out[period] = {
                "period": period,
                "conversations": 0,
                "sampled": 0,
                "reviewed": 0,
                "low_csat_at": low[period],
                "low_csat": 0,
            }
        row["conversations"] += 1
        row["sampled"] += int(state is not None)
        row["reviewed"] += int(state == AssignmentState.REVIEWED)
        at = low[period]
        row["low_csat"] += int(at is not None and csat is not None and csat <= at)
    return sorted(out.values(), key=lambda r: r["period"], reverse=True)


def _split(text: str) -> list[str]:
    return [x for x in text.replace("，", ",").replace(",", " ").split() if x]


@guarded(form="rubric", page=manage)
@require_POST
def manage_rubric(request: HttpRequest) -> HttpResponse:
    version_pk = int_or_none(request.POST.get("scheme_version"))
    if version_pk is None:
        raise Invalid(_("choose a scheme version"), field="scheme_version")
    with chosen("scheme_version"):
        version = scheme_sel.scheme_version_get(user=request.user, pk=version_pk)
    na = request.POST.get("na_items", "").strip()
    svc.rubric_create(
        scheme_version=version,
        by=request.user,
        fatal=_split(request.POST.get("fatal", "")),
        na_items="*" if na in ("", "*") else _split(na),
        seats=_split(request.POST.get("seats", "")),
        default=bool(request.POST.get("default")),
    )
    messages.success(request, _("Rubric added."))
    return back(request, "/qa/manage/")


@guarded(form="import", page=manage)
@require_POST
@upload_limited
def manage_import(request: HttpRequest) -> HttpResponse:
    files = {str(f.name): f.read() for f in request.FILES.getlist("files")}
    batch = svc.conversation_import(
        period=request.POST.get("period", ""),
        by=request.user,
        files=files,
        config_text=request.POST.get("config", ""),
    )
    messages.success(
        request,
        _("%(created)d conversations imported, %(skipped)d already there.")
        % {"created": batch.created, "skipped": batch.skipped_existing},
    )
    if batch.csat_added:
        messages.info(
            request,
            _("%(n)d conversations already there got the CSAT of their survey.")
            % {"n": batch.csat_added},
        )
    if batch.unknown_agents:
        messages.warning(
            request,
            _("Skipped: agents not in the organisation: %(ids)s")
            % {"ids": ", ".join(batch.unknown_agents)},
        )
    return back(request, "/qa/manage/")


def _share(text: str) -> Decimal:
    """ "40%", "40％", "0.4" -> 0.4; empty -> 1 (all random)."""
    t = text.strip().replace("％", "%")
    if not t:
        return Decimal(1)
    bad = Invalid(
        _("the random share %(text)s is not a share (0.4 or 40%%)") % {"text": t},
        field="random_share",
    )
    try:
        value = Decimal(t[:-1]) / 100 if t.endswith("%") else Decimal(t)
    except InvalidOperation:
        raise bad from None
    if not value.is_finite():
        raise bad
    return value


@guarded(form="sample", page=manage)
@require_POST
def manage_sample(request: HttpRequest) -> HttpResponse:
    ids = [int_or_none(x) or 0 for x in request.POST.getlist("reviewers")]
    per_agent = int_or_none(request.POST.get("per_agent"))
    if per_agent is None or per_agent < 1:
        raise Invalid(_("conversations per agent must be a whole number from 1"), field="per_agent")
    run = svc.sampling_run_create(
        period=request.POST.get("period", ""),
        by=request.user,
        reviewers=list(AuthUser.objects.filter(pk__in=ids)),
        per_agent=per_agent,
        seed=request.POST.get("seed", "").strip() or "0",
        strata=_split(request.POST.get("strata", "")) or ["channel", "outcome"],
        random_share=_share(request.POST.get("random_share", "")),
    )
    messages.success(request, _("%(n)d conversations sampled and assigned.") % {"n": run.sampled})
    return back(request, "/qa/manage/")


# ------------------------------------------------------------------------------ rule test bench

EXAMPLE_RULE = """id: off_platform
name: 私下处理
severity: 严重
points: 3
cap: 6
conditions:
  1: {pack: offsite_contact}
  2: {keywords: [私下, 直接发我]}
  3: {keywords: [为您转接, 帮您转接], after: "1"}
when: "1 && 2 && !3"
"""


def _bench_hits(result: bench.BenchResult) -> list[dict[str, Any]]:
    """Each hit with its evidence: the matched message cut into pieces with the span marked
    (personal data masked, as on the review page)."""
    out = []
    for f, c in result.hits:
        evidence: list[dict[str, Any]] = []
        for m in f.evidence:
            note = str(m.note)
            if m.message_index is None or not 0 <= m.message_index < len(c.messages):
                evidence.append(
                    {
                        "condition": m.condition,
                        "index": None,
                        "segments": [],
                        "text": mask(m.text),
                        "note": note,
                    }
                )
                continue
            said = c.messages[m.message_index]
            body = str(said.get("text", ""))
            span: list[Mark] = []
            if m.start is not None and m.end is not None:
                span.append((m.start, m.end, "hit-rule", f"{f.name}: {note}" if note else f.name))
            evidence.append(
                {
                    "condition": m.condition,
                    "index": m.message_index,
                    "sender": said.get("sender"),
                    "start": m.start,
                    "end": m.end,
                    "segments": _segments(body, span),
                    "note": note,
                }
            )
        out.append(
            {
                "conversation": c,
                "agent_id": f.agent_id or c.agent.agent_id,
                "rule": f.rule,
                "name": f.name,
                "severity": f.severity,
                "occurrences": f.occurrences,
                "points": f.points,
                "veto": f.veto,
                "evidence": evidence,
            }
        )
    return out


@guarded
def rule_bench(request: HttpRequest) -> HttpResponse:
    """The rule test bench: paste a draft rule, run it on a sample, read every hit. A problem
    of the draft comes back beside the YAML with its line, the input kept; nothing is saved."""
    user = request.user
    _require_hr(user)
    periods = sel.periods(user=user)
    form = {
        "draft": EXAMPLE_RULE,
        "period": periods[0] if periods else "",
        "sample": str(bench.DEFAULT_SAMPLE),
        "seed": "0",
    }
    context: dict[str, Any] = {"periods": periods, "max_sample": bench.MAX_SAMPLE}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            result = bench.rule_bench(user=user, **form)
        except bench.DraftRefused as exc:
            context["draft_problems"] = exc.errors
        except Invalid as exc:
            context["field_errors"] = {exc.field or "draft": exc.message}
        else:
            context["result"] = result
            context["hits"] = _bench_hits(result)
    return qa_page(request, "qa/rule_bench.html", {"form": form, **context})
