"""What every page shares: sign-in, the navigation by role, and errors turned into pages.

Views read through selectors and write through services; an :class:`AppraiseError` becomes
either an error page with its status (404 and 403: the person may not see or do this) or, for a
form that was refused for its content or the cycle's state, the form's page again with what was
typed still in the form and the reason beside the field it is about (:class:`Refusal`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, overload

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from appraise.messages import text as in_words
from appraise.problems import AppraiseError, Problem, ProblemsError
from appraise.web.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Stale,
    error_response_data,
)
from appraise.web.org import roles
from appraise.web.permissions import User, agent_of, is_admin, is_hr, leads_a_team

View = Callable[..., HttpResponse]
V = TypeVar("V", bound=View)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def nav(user: User) -> list[dict[str, Any]]:
    """The links a person's roles lead to, in the order of their working month."""
    links: list[dict[str, Any]] = []
    if user.is_authenticated:
        from appraise.web.followups.todo import todo_count

        # The number of things waiting for the person, beside the link to them.
        links.append(
            {
                "url": "/todo/",
                "label": _("To-do"),
                "key": "todo",
                "count": todo_count(user=user),
            }
        )
    # Each role asked once: every page draws this menu.
    hr = is_hr(user)
    leads = hr or leads_a_team(user)
    appraised = agent_of(user) is not None
    if appraised:
        links.append({"url": "/me/", "label": _("My scorecard"), "key": "me"})
    if leads:
        links.append({"url": "/team/", "label": _("Team dashboard"), "key": "team"})
    if leads or appraised:
        links.append({"url": "/appeals/", "label": _("Appeals"), "key": "appeals"})
    if leads or appraised:
        links.append({"url": "/points/", "label": _("Points"), "key": "points"})
    if hr:
        links.append({"url": "/cycles/", "label": _("Cycles"), "key": "cycles"})
        links.append({"url": "/org/", "label": _("Organisation"), "key": "org"})
        links.append({"url": "/notify/", "label": _("Notifications"), "key": "notify"})
    if leads or appraised or roles.QA in roles.roles_of(user):
        links.append({"url": "/qa/", "label": _("QA"), "key": "qa"})
    if user.is_authenticated:
        links.append({"url": "/schemes/", "label": _("Schemes"), "key": "schemes"})
    if hr or is_admin(user):
        links.append({"url": "/audit/", "label": _("Audit log"), "key": "audit"})
    if is_admin(user):
        links.append({"url": "/people/", "label": _("Users"), "key": "people"})
    return links


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a page; templates extend ``base``, which is bare for htmx requests.

    ``here`` is the page's address for the forms' ``next`` field: a page drawn again after a
    refusal answers the form's POST address, and keeps the address the form came from.
    """
    refused = refusal_of(request)
    ctx = {
        # An htmx request gets the page's content alone, to swap into the page it came from.
        "base": "pages/_bare.html" if is_htmx(request) else "base.html",
        "nav": nav(request.user),
        "roles": sorted(roles.roles_of(request.user)),
        "refused": refused,
        "here": (refused.value("next") if refused is not None else "") or request.get_full_path(),
        **context,
    }
    return render(request, template, ctx, status=status)


def error_page(request: HttpRequest, exc: AppraiseError) -> HttpResponse:
    status, body = error_response_data(exc)
    if is_htmx(request) and status not in (403, 404):
        # htmx swaps only 2xx answers; the problems are the answer to show.
        status = 200
    return page(
        request,
        "pages/error.html",
        {"status": status, "error": body, "fragment": is_htmx(request)},
        status=status,
    )


def back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Where a form returns to: its ``next`` field when it is one of ours, else ``default``."""
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return HttpResponseRedirect(target)


def _referer(request: HttpRequest) -> str:
    """The page the browser sent the form from, when it is one of ours."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def _said_where(p: Problem) -> str:
    """A problem as a page says it: where (in the reader's language), then what."""
    return f"{p.place}: {in_words(p.message)}" if p.where else in_words(p.message)


def flash_problems(request: HttpRequest, exc: AppraiseError) -> None:
    _, body = error_response_data(exc)
    text = body["message"]
    if isinstance(exc, ProblemsError):
        text += ": " + "; ".join(_said_where(p) for p in exc.problems)
    messages.error(request, text)


@dataclass
class Refusal:
    """A form the services refused, shown again on its page.

    ``form`` names the form on the page (a page may have several: one calibration form per
    agent, told apart by ``key``), ``data`` is what was typed, ``fields`` the reasons by field
    name (the field the message is about, when the view knows it) and ``message`` the reason
    for the form as a whole.
    """

    form: str
    message: str
    data: QueryDict
    fields: dict[str, str] = field(default_factory=dict)
    key: Any = None
    # The problems of a whole file given in one field, one reason each (``fields`` joins them):
    # a Django form shows each as its own line, so every bad row can be found.
    lists: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: Any = "") -> Any:
        return self.data.get(name, default)


def refusal_of(request: HttpRequest) -> Refusal | None:
    return cast(Refusal | None, getattr(request, "refusal", None))


def submitted(request: HttpRequest) -> bool:
    """A POST to handle; not when the view is drawing its page again after a refusal."""
    return request.method == "POST" and refusal_of(request) is None


@contextmanager
def for_field(name: str) -> Iterator[None]:
    """A refusal of the content raised inside is about the field ``name`` (unless it already
    names one); one of the state (:class:`Conflict`: the cycle moved on) is about the form,
    except a :class:`Stale` write, which is about the value in this field."""
    try:
        yield
    except AppraiseError as exc:
        about_field = not isinstance(exc, Conflict) or isinstance(exc, Stale)
        if about_field and getattr(exc, "field", None) is None:
            exc.field = name  # type: ignore[attr-defined]
        raise


@contextmanager
def chosen(name: str) -> Iterator[None]:
    """An object picked from a form's list (a team, a rubric) that is not there, deleted since
    the page was drawn or an id typed by hand, is a refusal beside the field ``name``, not a
    404 page that loses everything else typed into the form."""
    try:
        yield
    except NotFound as exc:
        raise Invalid(exc.message, field=name) from None


def refuse(
    request: HttpRequest,
    exc: AppraiseError,
    form: str,
    key: Any = None,
    data: QueryDict | None = None,
) -> Refusal:
    """Record ``exc`` as the refusal of ``form`` for the page drawn next; what was typed is the
    POST, or ``data`` (a form sent by GET, such as a preview)."""
    body = error_response_data(exc)[1]
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    message = body["message"]
    name = getattr(exc, "field", None)
    if isinstance(exc, ProblemsError):
        for p in exc.problems:
            if p.level != "error":
                continue
            if name:
                # The whole input of the field ``name`` (a file): each problem says where in it.
                on, text = name, _said_where(p)
                lists.setdefault(name, []).append(text)
            else:
                on, text = p.field, p.message
            if on:
                fields[on] = f"{fields[on]}; {text}" if on in fields else text
            else:
                message += ": " + text
    elif name:
        fields[name] = message
        message = _("Not saved: see the field marked below.")
    typed = request.POST if data is None else data
    refusal = Refusal(form=form, message=message, data=typed, fields=fields, key=key, lists=lists)
    request.refusal = refusal  # type: ignore[attr-defined]
    return refusal


def form_refused(form: forms.Form) -> ProblemsError:
    """The errors of a Django form that did not validate, as one refusal naming each field."""
    return ProblemsError(
        Problem(
            level="error",
            code="invalid",
            message=str(message),
            field=None if name == NON_FIELD_ERRORS else name,
        )
        for name, errors in form.errors.items()
        for message in errors
    )


def refused_into(
    request: HttpRequest, form: forms.Form, name: str, shown: tuple[str, ...] = ()
) -> forms.Form:
    """Put the refusal of the form ``name`` (if it was) into the bound Django ``form``: each
    reason on its field, the rest above the fields. ``shown`` are fields of the page's form
    that the Django form does not hold (a file input beside it): the template shows their
    reasons (``refused.fields``) itself."""
    refused = refusal_of(request)
    if refused is not None and refused.form == name:
        known = set(form.fields) | set(shown)
        for field_name, message in refused.fields.items():
            if field_name not in shown:
                reasons = refused.lists.get(field_name) or message
                form.add_error(field_name if field_name in form.fields else None, reasons)
        if not refused.fields or not all(f in known for f in refused.fields):
            form.add_error(None, refused.message)
    return form


FormPage = Callable[..., HttpResponse]


@overload
def guarded(view: V) -> V: ...


@overload
def guarded(
    *,
    form: str = "",
    key: Callable[..., Any] | None = None,
    page: FormPage | None = None,
) -> Callable[[V], V]: ...


def guarded(
    view: V | None = None,
    *,
    form: str = "",
    key: Callable[..., Any] | None = None,
    page: FormPage | None = None,
) -> Any:
    """Signed-in only; 404/403 become error pages; other refusals of a POST come back on the
    form's page, drawn again by ``page`` (called like the view) with the typed values kept and
    the reasons beside the fields (``refused`` in the template). ``form`` names the form on that
    page and ``key``, a function of the request and the view's arguments, tells which one of
    several forms of that name it was.

    With ``form`` and without ``page`` the view draws its own page again (it handles GET and
    POST, and checks :func:`submitted`); a view only for POSTs says its page. A view that says
    neither gets the reason as a message on the page it came from (the pages of the qa, points
    and follow-up apps).
    """

    def decorate(view: V) -> V:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except (NotFound, Forbidden) as exc:
                return error_page(request, exc)
            except AppraiseError as exc:
                if request.method != "POST" or is_htmx(request) or refusal_of(request) is not None:
                    return error_page(request, exc)
                if not form and page is None:
                    # A view that does not say its form: the reason as a message on the page
                    # the form was on (its ``next``, else the page the browser came from).
                    flash_problems(request, exc)
                    return back(request, _referer(request) or request.path)
                refuse(
                    request,
                    exc,
                    form or view.__name__,
                    key(request, *args, **kwargs) if key is not None else None,
                )
                try:
                    return (page or wrapper)(request, *args, **kwargs)
                except AppraiseError as again:
                    return error_page(request, again)

        return cast(V, wrapper)

    if view is not None:
        return decorate(view)
    return decorate


def whole_number(value: str | None, *, default: int, least: int = 1, reason: str = "") -> int:
    """A count typed into a form: ``7``, ``１２`` (full-width digits are the same digits);
    empty is ``default``. Anything else (``abc``, ``1,5``, ``12%``, ``1e400``, ``NaN``) or a number
    below ``least`` is refused (:class:`Invalid`, ``reason`` or a sentence naming the value),
    never taken for the default: a typo must not open a window of another length silently."""
    text = (value or "").strip()
    if not text:
        return default
    number = int(text) if text.isdecimal() else None
    if number is None or number < least:
        raise Invalid(
            reason
            or _("%(value)s is not a whole number of %(least)d or more")
            % {"value": repr(text), "least": least}
        )
    return number


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
