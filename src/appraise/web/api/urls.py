"""The API's URL map (docs/web.md has the table)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from appraise.web.api import views as v
from appraise.web.api.errors import not_found

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("me/", v.me, name="me"),
    path("users/", v.users, name="users"),
    path("users/<int:pk>/roles/", v.user_roles, name="user-roles"),
    path("users/<int:pk>/token/", v.user_token, name="user-token"),
    path("teams/", v.teams, name="teams"),
    path("agents/", v.agents, name="agents"),
    path("agents/upload/", v.agents_upload, name="agents-upload"),
    path("schemes/", v.schemes, name="schemes"),
    path("schemes/validate/", v.scheme_validate, name="scheme-validate"),
    path("schemes/<int:pk>/", v.scheme_detail, name="scheme-detail"),
    path("cycles/", v.cycles, name="cycles"),
    path("cycles/<int:pk>/", v.cycle_detail, name="cycle-detail"),
    path("cycles/<int:pk>/import/", v.cycle_import, name="cycle-import"),
    path("cycles/<int:pk>/compute/", v.cycle_compute, name="cycle-compute"),
    path("cycles/<int:pk>/files/<path:name>", v.cycle_file, name="cycle-file"),
    path("cycles/<int:pk>/distribution/", v.cycle_distribution, name="cycle-distribution"),
    path("cycles/<int:pk>/results/", v.cycle_results, name="cycle-results"),
    path("cycles/<int:pk>/scorecards/", v.cycle_scorecards, name="cycle-scorecards"),
    path("cycles/<int:pk>/results/<str:agent_id>/", v.cycle_result, name="cycle-result"),
    path(
        "cycles/<int:pk>/results/<str:agent_id>/history/",
        v.cycle_result_history,
        name="cycle-result-history",
    ),
    path("cycles/<int:pk>/ratings/", v.cycle_ratings, name="cycle-ratings"),
    path("cycles/<int:pk>/corrections/", v.cycle_corrections, name="cycle-corrections"),
    path("cycles/<int:pk>/gaps/", v.cycle_gaps, name="cycle-gaps"),
    path("cycles/<int:pk>/assignments/", v.cycle_assignments, name="cycle-assignments"),
    path("assignments/mine/", v.assignments_mine, name="assignments-mine"),
    path("assignments/<int:pk>/", v.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/ratings/", v.assignment_rate, name="assignment-rate"),
    *[
        path(
            f"cycles/<int:pk>/{action}/",
            v.cycle_transition,
            {"action": action},
            name=f"cycle-{action}",
        )
        for action in v.TRANSITIONS
    ],
    path("gaps/<int:pk>/reassess/", v.gap_reassess, name="gap-reassess"),
    path("results/mine/", v.results_mine, name="results-mine"),
    path("results/team/", v.results_team, name="results-team"),
    path("appeals/", v.appeals, name="appeals"),
    path("appeals/<int:pk>/", v.appeal_detail, name="appeal-detail"),
    path("appeals/<int:pk>/decide/", v.appeal_decide, name="appeal-decide"),
    path("appeals/<int:pk>/escalate/", v.appeal_escalate, name="appeal-escalate"),
    path("appeals/<int:pk>/rescore/", v.appeal_rescore, name="appeal-rescore"),
    path("interviews/", v.interviews, name="interviews"),
    path("interviews/<int:pk>/", v.interview_detail, name="interview-detail"),
    path("interviews/<int:pk>/sign/", v.interview_sign, name="interview-sign"),
    path("tasks/<int:pk>/", v.task_detail, name="task-detail"),
    path("tasks/<int:pk>/rerun/", v.task_rerun, name="task-rerun"),
    path("audit/", v.audit, name="audit"),
    path("points/", include("appraise.web.points.urls")),
    path("qa/", include("appraise.web.qa.urls")),
    # Last: any other path is a JSON 404, not Django's HTML page (nor a slash redirect).
    re_path(r"^(?P<path>[\s\S]*)$", not_found),  # [\s\S]: a newline in a path too
]
