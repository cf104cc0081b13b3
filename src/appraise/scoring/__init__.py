"""Scoring: scheme + metric values + ratings + incidents -> scores, grades, ranks, pay.

Every number comes with an explanation an agent can read. No Django here.
"""

from appraise.scoring.engine import score_period
from appraise.scoring.results import AgentResult, IndicatorResult, ScoreRun

__all__ = ["AgentResult", "IndicatorResult", "ScoreRun", "score_period"]
