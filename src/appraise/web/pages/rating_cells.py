"""The cells of the rating forms (the supervisor's, the agent's self-assessment, an assigned
rater's, HR's correction after an upheld appeal).

Each cell carries, in a hidden ``seen_<field>`` input, the rating the person was shown: its
version and value ("3|80", "0|" for none). The service compares it with what is stored when the
form comes back, so that a save never silently undoes a newer one (issue 16: no lost update).
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from appraise.web.cycles.scoring import SELF
from appraise.web.evaluations.models import Rating
from appraise.web.evaluations.services import Seen
from appraise.web.pages.common import Refusal

SEEN = "seen_"


def seen_token(rating: Rating | None) -> str:
    return "0|" if rating is None else f"{rating.version}|{rating.value}"


def seen_in(post: QueryDict, field: str) -> Seen | None:
    """What the form says its person was shown; None for a form without it (or a token that
    is not one), which saves as before: the later save wins."""
    version, sep, value = post.get(SEEN + field, "").partition("|")
    if not sep or not version.isdigit():
        return None
    return Seen(int(version), value)


def rating_cell(field: str, stored: Rating | None, refused: Refusal | None) -> dict[str, Any]:
    """One input: what was saved, or after a refusal what was typed (nothing is typed twice)
    with the reason beside it. A refused cell is shown against the rating as it is now; the
    others keep the version the person first saw, so a second submit is checked as the first."""
    if refused is None:
        return {
            "field": field,
            "value": stored.value if stored else "",
            "error": "",
            "seen": seen_token(stored),
        }
    error = refused.fields.get(field, "")
    seen = "" if error else refused.value(SEEN + field)
    return {
        "field": field,
        "value": refused.value(field),
        "error": error,
        "seen": seen or seen_token(stored),
    }


def rating_rows(
    indicators: dict[str, str],
    roles: dict[str, str],
    ratings: list[Rating],
    refused: Refusal | None,
) -> list[dict[str, Any]]:
    """A row per rated indicator (id -> name), a cell per rater role (id -> name; the cell's
    field ``ind_<id>__<role>``), and the agent's own rating beside them."""
    stored = {(r.indicator, r.role): r for r in ratings}
    own = {i: r.value for (i, role), r in stored.items() if role == SELF}
    return [
        {
            "id": i,
            "name": name,
            "self": own.get(i, ""),
            "cells": [
                {
                    "role": role,
                    "role_name": role_name,
                    **rating_cell(f"ind_{i}__{role}", stored.get((i, role)), refused),
                }
                for role, role_name in roles.items()
            ],
        }
        for i, name in indicators.items()
    ]


def assigned_means(
    indicators: dict[str, str], roles: dict[str, str], ratings: list[Rating]
) -> list[dict[str, Any]]:
    """Per rated indicator, the assigned roles' ratings as the supervisor reads them beside
    their own (seed 004: the manager re-evaluates after the peers): the mean and how many
    raters, or just how many when the values are level names."""
    from decimal import Decimal, InvalidOperation

    from appraise.scoring.text import fmt

    given: dict[tuple[str, str], list[str]] = {}
    for r in ratings:
        if r.assignment_id is not None and r.role in roles:
            given.setdefault((r.indicator, r.role), []).append(r.value)
    out = []
    for i in indicators:
        cells = []
        for role in roles:
            values = given.get((i, role), [])
            try:
                numbers = [Decimal(v) for v in values]
            except InvalidOperation:
                numbers = []
            mean = fmt(sum(numbers, Decimal(0)) / len(numbers)) if numbers else ""
            cells.append({"role": role, "mean": mean, "n": len(values)})
        out.append({"id": i, "cells": cells})
    return out
