from __future__ import annotations

from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "appraise.web.interviews"
    label = "interviews"
