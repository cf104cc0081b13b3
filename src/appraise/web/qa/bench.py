"""The rule test bench page's work (规则测试台, docs/qa.md "QA pages"): a draft rule, pasted as
YAML, run over a sample of the imported conversations the person may see, every hit with its
evidence. Nothing is stored: the draft is parsed, the conversations read, the core's
:func:`~appraise.qa.rules.engine.evaluate_rule` run and the result returned.

The draft is what goes under ``rules:`` in a QA config: one rule (a mapping), a list of rules,
or a whole QA config (``packs:`` edits and ``builtin_rules:`` count then). Every problem of the
draft names its line in the text as typed, whichever of the three it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from django.utils.translation import gettext as _

from appraise.messages import text
from appraise.metrics.config import CenterConfig
from appraise.problems import Problem, ProblemsError
from appraise.qa.checks import Message, Transcript
from appraise.qa.config import QaConfig, parse_qa_config
from appraise.qa.rules.bench import pick
from appraise.qa.rules.engine import RuleFinding, build_ruleset, evaluate_rule
from appraise.schemes.yamlload import load_yaml, yaml_problem
from appraise.web.errors import Invalid
from appraise.web.permissions import User, require_hr
from appraise.web.qa import selectors as sel
from appraise.web.qa.models import Conversation

# One request runs the draft on at most this many conversations: the example rule (a pack and
# two keyword conditions) took 6.2 s for 2,000 chats of 16 messages on the shared 2-core test
# machine (3 ms each), so 500 answer in under 2 s.
MAX_SAMPLE = 500
DEFAULT_SAMPLE = 100

_CONFIG_KEYS = frozenset(QaConfig.model_fields)


DRAFT = "draft"


class DraftRefused(ProblemsError):
    """The draft does not parse or validate: every problem, its ``line`` counted in the text
    as typed (None: about the whole draft), its ``file`` :data:`DRAFT` (the API's ``where`` is
    ``draft:9``)."""


def _draft_problem(code: str, text_: str, line: int | None = None) -> Problem:
    return Problem("error", code, text_, DRAFT, line)


@dataclass
class BenchResult:
    rules: list[dict[str, Any]]
    period: str
    in_period: int
    sampled: int
    seed: str
    hits: list[tuple[RuleFinding, Conversation]] = field(default_factory=list)
    unknown: list[tuple[str, int]] = field(default_factory=list)  # (reason, conversations)
    not_computable: int = 0
    outside: int = 0  # (rule, conversation) pairs outside the rule's channels or queues
    checked: int = 0  # (rule, conversation) pairs evaluated


def _problem(p: Problem, offset: int) -> Problem:
    line = None if p.line is None or p.line <= offset else p.line - offset
    return Problem("error", p.code, p.message, DRAFT, line)


def parse_draft(draft: str) -> QaConfig:
    """The draft as a QA config; :class:`DraftRefused` with every problem at its line."""
    if not draft.strip():
        raise DraftRefused([_draft_problem("empty", _("Paste or write a rule first."))])
    try:
        raw, _lines = load_yaml(draft)
    except yaml.YAMLError as exc:
        raise DraftRefused([_problem(yaml_problem(exc, ""), 0)]) from None
    if isinstance(raw, dict) and (raw.keys() & _CONFIG_KEYS):
        wrapped, offset = draft, 0
    elif isinstance(raw, dict):
        # One rule: written under ``rules:`` as its only item, two lines further down.
        body = "\n".join("  " + line for line in draft.splitlines())
        wrapped, offset = "rules:\n-\n" + body, 2
    elif isinstance(raw, list):
        wrapped, offset = "rules:\n" + draft, 1
    else:
        raise DraftRefused(
            [
                _draft_problem(
                    "not_a_rule",
                    _(
                        "A draft is a rule (id, name, conditions, when), a list of rules "
                        "or a QA config with rules:."
                    ),
                    1,
                )
            ]
        )
    try:
        cfg = parse_qa_config(wrapped, "")[0]
    except ProblemsError as exc:
        raise DraftRefused([_problem(p, offset) for p in exc.errors]) from None
    if not cfg.has_rules:
        raise DraftRefused(
            [_draft_problem("no_rule", _("The draft has no rule (rules: is empty)."))]
        )
    return cfg


def _when(iso: object) -> datetime | None:
    return datetime.fromisoformat(str(iso)) if iso else None


def stored_transcript(c: Conversation) -> Transcript:
    """The conversation as the core reads it, from what the import stored: the messages'
    senders, texts, times, agents and, for a call transcript that gave them, sentence end times
    (a conversation imported before they were stored has none, and interruption and speech speed
    are not computable on it)."""
    messages = tuple(
        Message(
            "agent" if m.get("sender") == "agent" else "customer",
            str(m.get("text", "")),
            _when(m.get("sent_at")),
            m.get("agent_id") or None,
            _when(m.get("ended_at")),
        )
        for m in c.messages
    )
    return Transcript(
        c.conversation_id,
        c.agent.agent_id,
        messages,
        c.channel or None,
        c.queue or None,
        c.transferred_to or None,
        c.hung_up_by or None,
        c.is_call,
    )


def _count(value: str, *, default: int) -> int:
    t = value.strip()
    if not t:
        return default
    try:
        n = int(t)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_SAMPLE:
        raise Invalid(
            _("the sample size is a whole number from 1 to %(max)d") % {"max": MAX_SAMPLE},
            field="sample",
        )
    return n


def rule_bench(*, user: User, draft: str, period: str, sample: str, seed: str) -> BenchResult:
    """Run the draft's rules over ``sample`` conversations of ``period`` drawn reproducibly
    with ``seed`` (the core's :func:`~appraise.qa.rules.bench.pick`). Who may change the QA
    config (HR) may test a rule; nothing is written."""
    require_hr(user, _("test QA rules"))
    periods = sel.periods(user=user)
    if period not in periods:
        raise Invalid(_("choose a period with imported conversations"), field="period")
    n = _count(sample, default=DEFAULT_SAMPLE)
    seed = seed.strip() or "0"
    cfg = parse_draft(draft)
    rs = build_ruleset(cfg, CenterConfig())
    scope = sel.conversation_list(user=user, period=period)
    ids = list(scope.values_list("conversation_id", flat=True))
    # The core's draw on the ids alone (the CLI's, for the same seed), then only the drawn
    # conversations' messages are read.
    chosen = [t.conversation_id for t in pick([Transcript(i, None) for i in ids], n, seed)]
    rows = {c.conversation_id: c for c in scope.filter(conversation_id__in=chosen)}
    drawn = [stored_transcript(rows[i]) for i in chosen]
    result = BenchResult(rules=[], period=period, in_period=len(ids), sampled=len(drawn), seed=seed)
    reasons: Counter[str] = Counter()
    for rule in rs.rules:
        hits = 0
        for t in drawn:
            f = evaluate_rule(rule, t, rs)
            if f is None:
                result.outside += 1
                continue
            result.checked += 1
            if f.hit:
                hits += 1
                result.hits.append((f, rows[t.conversation_id]))
            elif not f.computable:
                result.not_computable += 1
                reasons[text(f.message)] += 1
        r = rule.rule
        result.rules.append(
            {
                "id": r.id,
                "name": r.label,
                "severity": r.severity,
                "when": r.expression,
                "points": r.points,
                "cap": r.cap,
                "escalate": r.escalate,
                "veto": r.is_veto,
                "hits": hits,
            }
        )
    result.unknown = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return result


def result_json(result: BenchResult) -> dict[str, object]:
    """The API's answer (``POST /api/qa/rules/test/``; :class:`~appraise.web.qa.schema.
    QaRuleTestOut`): the hits as the import stores them (``RuleFinding.as_dict()``, evidence
    masked) with the conversation's key, points as exact decimals written as strings."""
    return {
        "period": result.period,
        "in_period": result.in_period,
        "sampled": result.sampled,
        "seed": result.seed,
        "checked": result.checked,
        "outside": result.outside,
        "not_computable": result.not_computable,
        "rules": [
            {
                **r,
                "points": str(r["points"]),
                "cap": None if r["cap"] is None else str(r["cap"]),
                "escalate": [str(x) for x in r["escalate"]],
            }
            for r in result.rules
        ],
        "hits": [{**f.as_dict(), "conversation": c.pk} for f, c in result.hits],
        "not_computable_reasons": [
            {"reason": reason, "conversations": n} for reason, n in result.unknown
        ],
    }
