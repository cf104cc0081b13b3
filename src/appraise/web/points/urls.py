"""The points API, included by appraise.web.api.urls under /api/points/ (names in the api
namespace, so the API's permission table sees them)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from appraise.web.points import api as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("mine/", v.mine, name="points-mine"),
    path("agents/<str:agent_id>/", v.agent, name="points-agent"),
    path("entries/", v.entries, name="points-entries"),
    path("entries/<int:pk>/correct/", v.entry_correct, name="points-entry-correct"),
    path("leaderboard/", v.leaderboard, name="points-leaderboard"),
    path("runs/", v.runs, name="points-runs"),
    path("redemptions/", v.redemptions, name="points-redemptions"),
    # Before redemptions/<month>/, which would take "preview" for a month.
    path("redemptions/preview/", v.redemption_preview, name="points-redemption-preview"),
    path("redemptions/<str:month>/", v.redemption, name="points-redemption"),
    path("redemptions/<str:month>/export/", v.redemption_export, name="points-redemption-export"),
]
