"""The follow-up pages, included at the root by appraise.web.pages.urls;
tests/web/followups/test_followup_permissions.py has a wrong-person case for every name here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from appraise.web.followups import pages as v

app_name = "followups"

urlpatterns: list[URLPattern | URLResolver] = [
    path("todo/", v.todo, name="todo"),
    path("followups/", v.followup_list, name="list"),
    path("followups/<int:pk>/", v.followup_detail, name="detail"),
    path("followups/<int:pk>/plan/", v.followup_plan, name="plan"),
    path("followups/<int:pk>/review/", v.followup_review, name="review"),
    path("followups/<int:pk>/complete/", v.followup_complete, name="complete"),
    path("team/<int:cycle_id>/basis/<str:agent_id>/", v.basis_form, name="basis"),
    path("basis/files/<int:pk>/", v.basis_attachment, name="basis-file"),
    path(
        "cycles/<int:cycle_id>/interviews/<str:agent_id>.pdf",
        v.interview_form,
        name="interview-form",
    ),
    path("notify/", v.notify_page, name="notify"),
    path("notify/channels/", v.channel_new, name="channel-new"),
    path("notify/channels/<int:pk>/delete/", v.channel_delete, name="channel-delete"),
    path("notify/deliveries/<int:pk>/retry/", v.delivery_retry, name="delivery-retry"),
]
