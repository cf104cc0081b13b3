"""Rank points among peers (3/2/1; 5/4/2/1; 10/5/2), with a declared tie rule."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from appraise.schemes.model import Indicator, RankRule, Scheme
from appraise.scoring.context import AgentData
from appraise.scoring.rules import Outcome, metric_input
from appraise.scoring.text import Voice, fmt
from appraise.scoring.variables import agent_env


def _value(
    node: Indicator, rule: RankRule, data: AgentData, scores: dict[str, Decimal | None]
) -> Decimal | None:
    if rule.of is not None:
        return scores.get(rule.of)
    src = metric_input(node, rule.metric, data)
    if src is None or not isinstance(src.value, Decimal):
        return None
    return src.value


def rank_points(
    node: Indicator,
    rule: RankRule,
    scheme: Scheme,
    agents: dict[str, AgentData],
    scores: dict[str, dict[str, Decimal | None]],
    voice: Voice,
) -> dict[str, Outcome]:
    points = voice.pts
    out: dict[str, Outcome] = {}
    groups: dict[str | None, list[tuple[Decimal, str]]] = defaultdict(list)
    for agent_id, data in agents.items():
        value = _value(node, rule, data, scores[agent_id])
        if value is None or (rule.require_positive and value <= 0):
            out[agent_id] = Outcome(
                value,
                rule.others if value is not None else Decimal(0),
                voice.say(
                    "rank_novalue", s=points(rule.others if value is not None else Decimal(0))
                ),
            )
            continue
        if (
            rule.eligible is not None
            and rule.eligible.evaluate(agent_env(scheme, data, scores[agent_id])) is not True
        ):
            out[agent_id] = Outcome(
                value, Decimal(0), voice.say("rank_ineligible", c=str(rule.eligible), s="0")
            )
            continue
        key = data.agent.team if rule.group == "team" else None
        groups[key].append((value, agent_id))
    sign = -1 if rule.order == "desc" else 1
    for members in groups.values():
        members.sort(key=lambda x: (sign * x[0], x[1]))
        n = len(members)
        i = 0
        while i < n:
            j = i
            while j + 1 < n and members[j + 1][0] == members[i][0]:
                j += 1
            places = range(i + 1, j + 2)  # 1-based places the tie spans
            pts = [rule.points[p - 1] if p <= len(rule.points) else rule.others for p in places]
            tied = j > i
            if not tied or rule.ties == "share":
                score = pts[0]
            elif rule.ties == "average":
                score = sum(pts, Decimal(0)) / len(pts)
            else:
                score = rule.others
            for value, agent_id in members[i : j + 1]:
                if i + 1 > len(rule.points):
                    text = voice.say(
                        "rank_others", v=fmt(value), k=str(len(rule.points)), s=points(score)
                    )
                else:
                    text = voice.say(
                        "rank_tie" if tied else "rank",
                        v=fmt(value),
                        r=str(i + 1),
                        n=str(n),
                        s=points(score),
                    )
                out[agent_id] = Outcome(value, score, text)
            i = j + 1
    return out
