"""The points pages' forms: they check the shape of what a person typed; the services check the
rest (who may, which period, whether a month was redeemed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from appraise.web.org.models import Agent


class RunForm(forms.Form):
    """Score a points scheme for one period from uploaded tables or raw events, or from the
    files stored with a cycle (its metric values), or both (an upload replaces the cycle's file
    of the same name)."""

    scheme_version = forms.TypedChoiceField(label=_("Points scheme"), coerce=int)
    period = forms.CharField(
        label=_("Period of the run"),
        max_length=20,
        help_text=_("a day (2026-05-31) for a daily scheme, a month (2026-05) for a monthly one"),
    )
    cycle = forms.TypedChoiceField(
        label=_("Use the files of a cycle"), coerce=int, required=False, empty_value=None
    )
    events = forms.BooleanField(label=_("The uploaded files are raw events"), required=False)

    def __init__(
        self,
        *args: Any,
        versions: list[tuple[int, str]],
        cycles: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_version"].choices = versions  # type: ignore[attr-defined]
        self.fields["cycle"].choices = [("", "—"), *cycles]  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    """A manual award or deduction (an opening balance, an incident outside the schemes)."""

    agent = forms.ModelChoiceField(label=_("Agent"), queryset=Agent.objects.none())
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=12,
        decimal_places=2,
        help_text=_("negative for a deduction"),
    )
    on = forms.DateField(
        label=_("Day the points belong to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
        self.fields["agent"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.agent_id} {a.name}"
        )


class CorrectForm(forms.Form):
    points = forms.DecimalField(
        label=_("Right value"),
        max_digits=12,
        decimal_places=2,
        help_text=_("0 takes the entry back entirely"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RedemptionForm(forms.Form):
    """The month and the figures of its exchange rate (1 point = ¥1 × this month's bookings ÷
    last month's)."""

    month = forms.CharField(label=_("Month"), max_length=7, help_text="2026-05")
    this_month_bookings = forms.DecimalField(
        label=_("This month's bookings"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("the center's bookings at partner restaurants this month"),
    )
    last_month_bookings = forms.DecimalField(
        label=_("Last month's bookings"),
        max_digits=14,
        decimal_places=2,
        help_text=_("the same figure for last month; the rate divides by it"),
    )
    scheme_version = forms.TypedChoiceField(
        label=_("Share and yuan per point from"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("a points scheme's redeemed_share and yuan_per_point; else 80% and ¥1"),
    )

    def __init__(self, *args: Any, versions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_version"].choices = [  # type: ignore[attr-defined]
            ("", _("the seed's 80% and ¥1")),
            *versions,
        ]
