"""The QA API, included by appraise.web.api.urls under /api/qa/ (names in the api namespace, so
the API's permission table sees them; tests/web/qa/test_permissions.py covers every one)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from appraise.web.qa import api as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("rubrics/", v.rubrics, name="qa-rubrics"),
    path("rubrics/<int:pk>/", v.rubric, name="qa-rubric"),
    path("imports/", v.imports, name="qa-imports"),
    path("conversations/", v.conversations, name="qa-conversations"),
    path("conversations/<int:pk>/", v.conversation, name="qa-conversation"),
    path("conversations/<int:pk>/preview/", v.conversation_preview, name="qa-conversation-preview"),
    path("runs/", v.runs, name="qa-runs"),
    path("runs/<int:pk>/", v.run, name="qa-run"),
    path("assignments/", v.assignments, name="qa-assignments"),
    path("assignments/<int:pk>/", v.assignment, name="qa-assignment"),
    path("assignments/<int:pk>/review/", v.assignment_review, name="qa-assignment-review"),
    path("reviews/", v.reviews, name="qa-reviews"),
    path("reviews/<int:pk>/", v.review, name="qa-review"),
    path("reviews/<int:pk>/dispute/", v.review_dispute, name="qa-review-dispute"),
    path("disputes/", v.disputes, name="qa-disputes"),
    path("disputes/<int:pk>/", v.dispute, name="qa-dispute"),
    path("disputes/<int:pk>/assign/", v.dispute_assign, name="qa-dispute-assign"),
    path("disputes/<int:pk>/decide/", v.dispute_decide, name="qa-dispute-decide"),
    path("calibrations/", v.calibrations, name="qa-calibrations"),
    path("calibrations/<int:pk>/", v.calibration, name="qa-calibration"),
    path("calibrations/<int:pk>/reviews/", v.calibration_review, name="qa-calibration-review"),
    path("calibrations/<int:pk>/close/", v.calibration_close, name="qa-calibration-close"),
    path("figures/", v.figures, name="qa-figures"),
    path("rules/test/", v.rules_test, name="qa-rules-test"),
]
