"""What every page shares: sign-in, the navigation by role, and errors turned into pages.

Views read through selectors and write through services; an :class:`AppraiseError` becomes
either an error page with its status (404 and 403: the person may not see or do this) or, for a
form that was refused for its content or the cycle's state, a message above the form again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from appraise.problems import AppraiseError, ProblemsError
from appraise.web.errors import Forbidden, NotFound, error_response_data
from appraise.web.org import roles
from appraise.web.permissions import User, agent_of, is_admin, is_hr, led_teams

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
    if agent_of(user) is not None:
        links.append({"url": "/me/", "label": _("My scorecard"), "key": "me"})
    if is_hr(user) or led_teams(user).exists():
        links.append({"url": "/team/", "label": _("Team dashboard"), "key": "team"})
    if is_hr(user) or led_teams(user).exists() or agent_of(user) is not None:
        links.append({"url": "/appeals/", "label": _("Appeals"), "key": "appeals"})
    if is_hr(user) or led_teams(user).exists() or agent_of(user) is not None:
        links.append({"url": "/points/", "label": _("Points"), "key": "points"})
    if is_hr(user):
        links.append({"url": "/cycles/", "label": _("Cycles"), "key": "cycles"})
        links.append({"url": "/org/", "label": _("Organisation"), "key": "org"})
        links.append({"url": "/notify/", "label": _("Notifications"), "key": "notify"})
    if (
        is_hr(user)
        or led_teams(user).exists()
        or agent_of(user)
        or roles.QA in roles.roles_of(user)
    ):
        links.append({"url": "/qa/", "label": _("QA"), "key": "qa"})
    if user.is_authenticated:
        links.append({"url": "/schemes/", "label": _("Schemes"), "key": "schemes"})
    if is_hr(user) or is_admin(user):
        links.append({"url": "/audit/", "label": _("Audit log"), "key": "audit"})
    if is_admin(user):
        links.append({"url": "/people/", "label": _("Users"), "key": "people"})
    return links


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a page; templates extend ``base``, which is bare for htmx requests."""
    ctx = {
        # An htmx request gets the page's content alone, to swap into the page it came from.
        "base": "pages/_bare.html" if is_htmx(request) else "base.html",
        "nav": nav(request.user),
        "roles": sorted(roles.roles_of(request.user)),
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


def flash_problems(request: HttpRequest, exc: AppraiseError) -> None:
    _, body = error_response_data(exc)
    text = body["message"]
    if isinstance(exc, ProblemsError):
        text += ": " + "; ".join(
            f"{p.where}: {p.message}" if p.where else p.message for p in exc.problems
        )
    messages.error(request, text)


def guarded(view: V) -> V:
    """Signed-in only; 404/403 become error pages; other refusals of a POST come back as a
    message on the page the form was on, so the person sees why and can correct it."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, Forbidden) as exc:
            return error_page(request, exc)
        except AppraiseError as exc:
            if request.method == "POST" and not is_htmx(request):
                flash_problems(request, exc)
                return back(request, request.path)
            return error_page(request, exc)

    return cast(V, wrapper)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
