"""Quality assurance (质检): rubrics scored per conversation, sampling, automatic checks,
calibration, figures and disputes. docs/qa.md describes it; no web framework in here."""

from __future__ import annotations

from appraise.qa.calibration import CalibrationReport, calibrate
from appraise.qa.checks import (
    QA_METRICS,
    Evidence,
    Finding,
    Message,
    Transcript,
    agent_metrics,
    check_all,
    check_transcript,
)
from appraise.qa.config import QaConfig, load_qa_config
from appraise.qa.disputes import (
    Dispute,
    assign_dispute,
    decide_dispute,
    effective_reviews,
    open_dispute,
)
from appraise.qa.figures import QaFigures, qa_figures
from appraise.qa.rubric import ReviewInput, ReviewResult, Rubric, score_review, select_rubric
from appraise.qa.sampling import Assignment, Sample, assign_reviewers, sample_conversations
from appraise.qa.store import load_contacts, load_transcripts

__all__ = [
    "QA_METRICS",
    "Assignment",
    "CalibrationReport",
    "Dispute",
    "Evidence",
    "Finding",
    "Message",
    "QaConfig",
    "QaFigures",
    "ReviewInput",
    "ReviewResult",
    "Rubric",
    "Sample",
    "Transcript",
    "agent_metrics",
    "assign_dispute",
    "assign_reviewers",
    "calibrate",
    "check_all",
    "check_transcript",
    "decide_dispute",
    "effective_reviews",
    "load_contacts",
    "load_qa_config",
    "load_transcripts",
    "open_dispute",
    "qa_figures",
    "sample_conversations",
    "score_review",
    "select_rubric",
]
