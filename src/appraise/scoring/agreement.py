"""A scheme's minimum agreement (``min_agreement`` on an indicator, docs/scheme-format.md): an
automatic QA metric counts only when the check (or rule) behind it has shown, in the period,
the agreement with the human reviewers of the same conversations that the scheme requires.

The figures are an input (:class:`appraise.qa.agreement.Agreement` by check, computed by
:func:`appraise.qa.agreement.agreement`: the web reads them from the QA app, the CLI from
``appraise qa agreement --format json``). A requirement unmet removes the check's metrics from
what the indicator reads, so the indicator has no value and ``missing`` decides, as for any
missing value: 0 points with a warning (``zero``), or the agent left unscored (``fail``). A
check with no figures at all has not shown anything and is unmet too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from appraise.messages import Message, message
from appraise.problems import Problem
from appraise.schemes.model import Indicator
from appraise.scoring.text import Voice, fmt, shown
from appraise.words import Pending

if TYPE_CHECKING:
    from appraise.qa.agreement import Agreement


def _figure(what: str) -> Message:
    if what == "kappa":
        return message("scoring.figure_kappa", "κ")
    if what == "precision":
        return message("scoring.figure_precision", "precision")
    return message("scoring.figure_recall", "recall")


@dataclass(frozen=True)
class Withheld:
    """What an indicator's ``min_agreement`` takes away: the metrics, the explanation lines
    (one per requirement unmet) and the warnings that say the same."""

    metrics: frozenset[str]
    said: tuple[Pending, ...]
    problems: tuple[Problem, ...]


def automatic_metrics(node: Indicator) -> dict[str, str]:
    """metric -> its check, for the automatic QA metrics the indicator's rule reads."""
    # Late: appraise.qa scores its reviews with this package's engine.
    from appraise.qa.agreement import check_of_metric
    from appraise.scoring.needs import rule_names

    out: dict[str, str] = {}
    for name in sorted(rule_names(node.rule)):
        check = check_of_metric(name)
        if check is not None:
            out[name] = check
    return out


def withheld(node: Indicator, figures: Mapping[str, Agreement], voice: Voice) -> Withheld | None:
    """The metrics of ``node`` whose check falls short of its ``min_agreement``; None when
    the indicator requires nothing or every check meets it."""
    req = node.min_agreement
    if req is None:
        return None
    by_check: dict[str, list[str]] = {}
    for metric, check in automatic_metrics(node).items():
        by_check.setdefault(check, []).append(metric)
    gone: set[str] = set()
    said: list[Pending] = []
    problems: list[Problem] = []
    for check, metrics in by_check.items():
        got = figures.get(check)
        pairs = got.pairs if got is not None else 0
        reasons: list[tuple[Pending, Message]] = []
        m = voice.list(list(metrics))
        if pairs < req.min_pairs:
            reasons.append(
                (
                    voice.say("agreement_few", c=check, n=str(pairs), need=str(req.min_pairs), m=m),
                    message(
                        "scoring.agreement_few",
                        "automatic check {check}: {n} conversation(s) reviewed by a person, "
                        "the scheme requires {need}",
                        check=check,
                        n=pairs,
                        need=req.min_pairs,
                    ),
                )
            )
        else:
            assert got is not None
            for what, need in req.figures():
                value: Decimal | None = getattr(got, what)
                f = voice.say(f"fig_{what}")
                if value is None:
                    reasons.append(
                        (
                            voice.say("agreement_undefined", c=check, f=f, need=fmt(need), m=m),
                            message(
                                "scoring.agreement_undefined",
                                "automatic check {check}: {figure} cannot be computed on the "
                                "reviews (the scheme's minimum is {need})",
                                check=check,
                                figure=_figure(what),
                                need=fmt(need),
                            ),
                        )
                    )
                elif value < need:
                    v = shown(value, [need])
                    reasons.append(
                        (
                            voice.say("agreement_below", c=check, f=f, v=v, need=fmt(need), m=m),
                            message(
                                "scoring.agreement_below",
                                "automatic check {check}: {figure} {value} below the scheme's "
                                "minimum {need}",
                                check=check,
                                figure=_figure(what),
                                value=v,
                                need=fmt(need),
                            ),
                        )
                    )
        if not reasons:
            continue
        gone.update(metrics)
        for line, why in reasons:
            said.append(line)
            problems.append(
                Problem(
                    "warning",
                    "agreement_unmet",
                    message(
                        "scoring.agreement_unmet",
                        'indicator "{indicator}": {metrics} not counted: {reason}',
                        indicator=node.name,
                        metrics=", ".join(metrics),
                        reason=why,
                    ),
                )
            )
    if not gone:
        return None
    return Withheld(frozenset(gone), tuple(said), tuple(problems))
