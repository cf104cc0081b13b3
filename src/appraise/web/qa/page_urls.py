"""The QA pages under /qa/ (included by appraise.web.pages.urls); tests/web/qa/test_permissions.py
has a wrong-person case for every name here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from appraise.web.qa import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.qa_home, name="qa-home"),
    path("queue/", v.queue, name="qa-queue"),
    path("assignments/<int:pk>/", v.assignment, name="qa-assignment"),
    path("conversations/<int:pk>/preview/<int:rubric_pk>/", v.preview, name="qa-preview"),
    path("conversations/<int:pk>/", v.conversation_detail, name="qa-conversation"),
    path("reviews/", v.reviews, name="qa-reviews"),
    path("reviews/<int:pk>/", v.review_detail, name="qa-review"),
    path("reviews/<int:pk>/dispute/", v.dispute_open, name="qa-dispute-open"),
    path("disputes/", v.disputes, name="qa-disputes"),
    path("disputes/<int:pk>/", v.dispute_detail, name="qa-dispute"),
    path("disputes/<int:pk>/decide/", v.dispute_decide, name="qa-dispute-decide"),
    path("disputes/<int:pk>/assign/", v.dispute_assign, name="qa-dispute-assign"),
    path("calibration/", v.calibrations, name="qa-calibrations"),
    path("calibration/<int:pk>/", v.calibration_detail, name="qa-calibration"),
    path(
        "calibration/<int:pk>/conversations/<int:conversation_pk>/",
        v.calibration_score,
        name="qa-calibration-score",
    ),
    path("calibration/<int:pk>/close/", v.calibration_close, name="qa-calibration-close"),
    path("figures/", v.figures, name="qa-figures"),
    path("manage/", v.manage, name="qa-manage"),
    path("manage/rubrics/", v.manage_rubric, name="qa-manage-rubric"),
    path("manage/imports/", v.manage_import, name="qa-manage-import"),
    path("manage/samples/", v.manage_sample, name="qa-manage-sample"),
    path("rules/test/", v.rule_bench, name="qa-rule-bench"),
]
