"""Reads of scheme versions. Every signed-in person may read the schemes: they are the rules."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from appraise.web.errors import NotFound
from appraise.web.permissions import User
from appraise.web.schemes.models import SchemeVersion


def scheme_version_list(*, user: User, scheme_id: str | None = None) -> QuerySet[SchemeVersion]:
    if not user.is_authenticated:
        return SchemeVersion.objects.none()
    qs = SchemeVersion.objects.all()
    return qs.filter(scheme_id=scheme_id) if scheme_id else qs


def scheme_version_get(*, user: User, pk: int) -> SchemeVersion:
    found = scheme_version_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no scheme version %(pk)s") % {"pk": pk})
    return found
