"""Template filters every page has (a builtin of the template engine, settings.TEMPLATES).

``{{ p|place }}``: where a problem is, in the reader's language (``agents.csv:第 3 行:team``).
A page gets problems as :class:`~appraise.problems.Problem` objects or as the dictionaries the
API and the stored warnings hold (``where`` as a program reads it, ``agents.csv:row 3:team``).
"""

from __future__ import annotations

from typing import Any

from django import template

from appraise.problems import Problem, place_of

register = template.Library()


@register.filter
def place(problem: Any) -> str:
    if isinstance(problem, Problem):
        return problem.place
    if isinstance(problem, dict):
        return place_of(str(problem.get("where") or ""))
    return place_of(str(getattr(problem, "where", "") or ""))
