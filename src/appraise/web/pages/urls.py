"""The pages' URL map (docs/web.md, "Pages"); tests/web/pages/test_page_permissions.py has a
wrong-person case for every name here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from appraise.web.pages import (
    views_agent,
    views_appeals,
    views_builder,
    views_corrections,
    views_cycles,
    views_exports,
    views_import,
    views_logins,
    views_misc,
    views_org,
    views_raters,
    views_rows,
    views_schemes,
    views_team,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_misc.home, name="home"),
    path("login/", views_misc.LoginView.as_view(), name="login"),
    path("logout/", views_misc.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # agent
    path("me/", views_agent.my_scorecard, name="me"),
    path("me/<int:cycle_id>/", views_agent.my_scorecard, name="me-cycle"),
    path("me/<int:cycle_id>/self/", views_agent.self_assess, name="self-assess"),
    path("me/<int:cycle_id>/appeal/", views_agent.appeal_file, name="appeal-file"),
    path("interviews/<int:pk>/sign/", views_agent.interview_sign, name="interview-sign"),
    # supervisor
    path("team/", views_team.team_dashboard, name="team"),
    path("team/<int:cycle_id>/rate/<str:agent_id>/", views_team.rate_agent, name="rate"),
    path(
        "team/<int:cycle_id>/interview/<str:agent_id>/",
        views_team.interview_write,
        name="interview-write",
    ),
    path("gaps/<int:pk>/reassess/", views_team.gap_reassess, name="gap-reassess"),
    path(
        "cycles/<int:cycle_id>/confirm/<int:team_id>/",
        views_team.confirm_team,
        name="confirm-team",
    ),
    # appeals
    path("appeals/", views_appeals.appeal_queue, name="appeals"),
    path("appeals/<int:pk>/", views_appeals.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/decide/", views_appeals.appeal_decide, name="appeal-decide"),
    path("appeals/<int:pk>/escalate/", views_appeals.appeal_escalate, name="appeal-escalate"),
    path("appeals/<int:pk>/correct/", views_appeals.appeal_correct, name="appeal-correct"),
    # HR: cycles
    path("cycles/", views_cycles.cycle_list, name="cycles"),
    path("cycles/<int:pk>/", views_cycles.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/import/", views_cycles.cycle_import, name="cycle-import"),
    path(
        "cycles/<int:pk>/import/preview/",
        views_import.cycle_import_preview,
        name="cycle-import-preview",
    ),
    path("import/templates/<str:table>.csv", views_import.import_template, name="import-template"),
    path("cycles/<int:pk>/compute/", views_cycles.cycle_compute, name="cycle-compute"),
    path("cycles/<int:pk>/files/remove/", views_cycles.cycle_file_remove, name="cycle-file-remove"),
    path("cycles/<int:pk>/calibrate/", views_cycles.cycle_calibrate, name="cycle-calibrate"),
    path("cycles/<int:pk>/delete/", views_cycles.cycle_delete, name="cycle-delete"),
    path("cycles/<int:pk>/do/<str:action>/", views_cycles.cycle_action, name="cycle-action"),
    path(
        "cycles/<int:cycle_id>/agents/<str:agent_id>/",
        views_agent.agent_scorecard,
        name="agent-scorecard",
    ),
    path(
        "cycles/<int:cycle_id>/agents/<str:agent_id>/correct/",
        views_corrections.agent_correct,
        name="agent-correct",
    ),
    path(
        "cycles/<int:cycle_id>/agents/<str:agent_id>/rows/<str:metric>/",
        views_rows.metric_rows_page,
        name="metric-rows",
    ),
    path("cycles/<int:pk>/raters/", views_raters.cycle_raters, name="cycle-raters"),
    path(
        "cycles/<int:pk>/raters/<int:assignment_id>/remove/",
        views_raters.cycle_rater_remove,
        name="cycle-rater-remove",
    ),
    # assigned raters (peers, another department): their own assignments only
    path("ratings/assigned/", views_raters.my_assignments, name="my-assignments"),
    path("ratings/assigned/<int:pk>/", views_raters.assignment_rate, name="assignment-rate"),
    path("tasks/<int:pk>/", views_cycles.task_progress, name="task"),
    path("tasks/<int:pk>/rerun/", views_cycles.task_rerun, name="task-rerun"),
    # exports
    path(
        "cycles/<int:cycle_id>/scorecards/<str:agent_id>.pdf",
        views_exports.scorecard_download,
        name="scorecard-pdf",
    ),
    path(
        "cycles/<int:cycle_id>/scorecards.<str:fmt>",
        views_exports.scorecards_download,
        name="scorecards-bulk",
    ),
    path("cycles/<int:cycle_id>/results.xlsx", views_exports.payroll_download, name="payroll-xlsx"),
    # schemes
    path("schemes/", views_schemes.scheme_list, name="schemes"),
    path("schemes/new/", views_schemes.scheme_editor, name="scheme-new"),
    path("schemes/builder/", views_builder.scheme_builder, name="scheme-builder"),
    path("schemes/builder/sync/", views_builder.builder_sync, name="scheme-builder-sync"),
    path("schemes/builder/op/", views_builder.builder_op, name="scheme-builder-op"),
    path("schemes/builder/yaml/", views_builder.builder_yaml, name="scheme-builder-yaml"),
    path("schemes/<int:pk>/", views_schemes.scheme_editor, name="scheme"),
    path("schemes/validate/", views_schemes.scheme_validate, name="scheme-validate"),
    path("schemes/preview/", views_schemes.scheme_preview, name="scheme-preview"),
    # points (积分): the pages live in the points app
    path("points/", include("appraise.web.points.page_urls")),
    # HR: the organisation
    path("org/", views_org.org_page, name="org"),
    path("org/teams/", views_org.team_create, name="org-team-new"),
    path(
        "org/teams/<int:pk>/supervisors/", views_org.team_supervisors, name="org-team-supervisors"
    ),
    path("org/agents/", views_org.agent_create, name="org-agent-new"),
    path("org/agents/upload/", views_org.agents_upload, name="org-agents-upload"),
    path("org/agents/<str:agent_id>/", views_org.agent_edit, name="org-agent-edit"),
    path("org/logins/", views_logins.org_logins, name="org-logins"),
    path("org/logins/create/", views_logins.org_logins_create, name="org-logins-create"),
    path(
        "org/agents/<str:agent_id>/password/",
        views_logins.org_login_reset,
        name="org-login-reset",
    ),
    path(
        "org/agents/<str:agent_id>/login/", views_logins.org_login_active, name="org-login-active"
    ),
    # audit and administration
    path("audit/", views_misc.audit_page, name="audit"),
    path("people/", views_misc.people, name="people"),
    path("people/<int:pk>/roles/", views_misc.people_roles, name="people-roles"),
    path("people/<int:pk>/token/", views_misc.people_token, name="people-token"),
    # follow-ups and the to-do list (their own app; tests/web/followups covers their pages)
    path("", include("appraise.web.followups.page_urls")),
    # quality assurance (its own app; tests/web/qa/test_permissions.py covers its pages)
    path("qa/", include("appraise.web.qa.page_urls")),
]
