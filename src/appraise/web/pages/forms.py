"""Forms check the shape of what a person typed; the services check everything else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from appraise.web.org import roles
from appraise.web.org.models import Team
from appraise.web.schemes.models import SchemeVersion


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    scheme_version = forms.ModelChoiceField(
        label=_("Scheme version"), queryset=SchemeVersion.objects.none()
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("2026-10 (month), 2026-Q4, 2026, 2026-W41"),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    allow_duplicate = forms.BooleanField(
        label=_("Create it even if a cycle of this scheme and period has these agents"),
        required=False,
    )

    def __init__(self, *args: Any, versions: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]


ROLE_CHOICES = [
    (roles.AGENT, _("Agent")),
    (roles.SUPERVISOR, _("Supervisor")),
    (roles.HR, _("HR")),
    (roles.ADMIN, _("Administrator")),
    (roles.QA, _("QA reviewer")),
]


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, required=False, strip=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def user_roles(user: User) -> list[str]:
    return sorted(roles.roles_of(user))
