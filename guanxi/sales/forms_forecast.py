"""Forms for the forecast filters and for setting targets; the service does the checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import Team, User
from guanxi.sales.forms_deals import DateInput


class TargetForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    period_start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"), widget=DateInput
    )
    period_end = forms.DateField(label=pgettext_lazy("end of a period", "To"), widget=DateInput)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")

    def __init__(self, *args: Any, users: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["team"].queryset = teams

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("team")):
            raise forms.ValidationError(_("Choose either a rep or a team."))
        return data
