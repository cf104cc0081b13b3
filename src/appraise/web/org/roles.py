"""The four roles are Django groups, so one person may hold two (a team lead who is appraised).

Scope comes from the organisation, not from the group: a supervisor sees the teams that list them
as supervisor or indirect supervisor; the ``supervisor`` group only says they lead some team.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

AGENT = "agent"
SUPERVISOR = "supervisor"
HR = "hr"
ADMIN = "admin"
# A quality-assurance reviewer (质检员): scores monitored conversations (appraise.web.qa).
QA = "qa"
ROLES = (AGENT, SUPERVISOR, HR, ADMIN, QA)

_CACHE = "_appraise_roles"


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _CACHE, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if getattr(user, "is_superuser", False):
            names.add(ADMIN)
        cached = frozenset(names & set(ROLES))
        setattr(user, _CACHE, cached)
    return cached


def forget_roles(user: User) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
