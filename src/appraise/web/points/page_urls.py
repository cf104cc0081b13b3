"""The points pages under /points/, included by appraise.web.pages.urls (docs/web.md, "Points
pages"); tests/web/points/test_points_pages_permissions.py has a wrong-person case for every
name here and fails when one is added without a case."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from appraise.web.points import pages as v

app_name = "points"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.points_home, name="home"),
    path("me/", v.my_ledger, name="me"),
    path("agents/<str:agent_id>/", v.agent_ledger, name="agent"),
    path("boards/", v.boards, name="boards"),
    path("teams/", v.teams, name="teams"),
    path("runs/", v.runs, name="runs"),
    path("runs/<int:pk>/", v.run_detail, name="run"),
    path("entries/", v.entries, name="entries"),
    path("entries/<int:pk>/correct/", v.correct_entry, name="correct"),
    path("redemptions/", v.redemptions, name="redemptions"),
    path("redemptions/preview/", v.redemption_preview, name="redemption-preview"),
    path("redemptions/confirm/", v.redemption_confirm, name="redemption-confirm"),
    path("redemptions/<str:month>/", v.redemption_detail, name="redemption"),
    path(
        "redemptions/<str:month>/payouts.<str:fmt>", v.redemption_export, name="redemption-export"
    ),
]
