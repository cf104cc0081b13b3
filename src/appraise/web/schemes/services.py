"""Creating scheme versions and checking scheme text with the scheme engine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from appraise.problems import Problem, ProblemsError
from appraise.schemes.loader import LoadedScheme, parse_scheme
from appraise.schemes.model import Scheme
from appraise.web.audit.services import audit_record
from appraise.web.permissions import User, require_hr, signed_in
from appraise.web.requestcheck import NUL, nul_message
from appraise.web.schemes.models import SchemeVersion


@dataclass(frozen=True)
class SchemeCheck:
    """What the scheme engine says about a text: the scheme when it loads, and every problem."""

    scheme: Scheme | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.scheme is not None


def _parsed(text: str, file: str) -> LoadedScheme:
    """The scheme engine's reading of ``text``, and what a version can store: its id and name
    in the columns they go to (a name of 10,000 characters, or with a NUL written as YAML's
    ``"\0"``, was PostgreSQL's error, a 500)."""
    loaded = parse_scheme(text, file)
    problems = []
    for column, value, said in (
        ("scheme_id", loaded.scheme.id, _("the scheme's id is longer than %(max)d characters")),
        ("name", loaded.scheme.name, _("the scheme's name is longer than %(max)d characters")),
    ):
        longest = getattr(SchemeVersion._meta.get_field(column), "max_length", None) or 0
        if len(value) > longest:
            problems.append(Problem("error", "too_long", said % {"max": longest}, file))
        if NUL in value:  # YAML's "\0" escape; PostgreSQL cannot store it
            problems.append(Problem("error", "nul", nul_message(), file))
    if problems:
        raise ProblemsError(problems)
    return loaded


def scheme_check(*, text: str, file: str = "scheme.yaml") -> SchemeCheck:
    """Errors and warnings of a scheme text, never raising: for live validation while editing."""
    try:
        loaded = _parsed(text, file)
    except ProblemsError as exc:
        return SchemeCheck(None, exc.problems)
    return SchemeCheck(loaded.scheme, loaded.warnings)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def scheme_version_create(*, by: User, text: str, file: str = "scheme.yaml") -> SchemeVersion:
    """A new version of the scheme the text defines (its ``id``); raises ProblemsError if bad.

    The same text as the scheme's latest version gives that version back: nothing changed.
    """
    require_hr(by, _("define schemes"))
    loaded = _parsed(text, file)
    scheme = loaded.scheme
    digest = content_hash(text)
    latest = (
        SchemeVersion.objects.select_for_update()
        .filter(scheme_id=scheme.id)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.content_hash == digest:
        return latest
    number = (
        SchemeVersion.objects.filter(scheme_id=scheme.id).aggregate(m=Max("version"))["m"] or 0
    ) + 1
    version = SchemeVersion.objects.create(
        scheme_id=scheme.id,
        version=number,
        name=scheme.name,
        text=text,
        content_hash=digest,
        warnings=[w.as_dict() for w in loaded.warnings],
        created_by=signed_in(by),
    )
    audit_record(
        by=by,
        action="scheme_version.create",
        obj=version,
        before={"version": latest.version, "hash": latest.content_hash} if latest else None,
        after={"version": number, "hash": digest, "warnings": len(loaded.warnings)},
    )
    return version


_CACHE: dict[str, LoadedScheme] = {}


def scheme_of(version: SchemeVersion) -> Scheme:
    """The parsed scheme of a stored version (cached by content: a version never changes)."""
    loaded = _CACHE.get(version.content_hash)
    if loaded is None:
        loaded = parse_scheme(version.text, f"{version.scheme_id}.yaml")
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[version.content_hash] = loaded
    return loaded.scheme
