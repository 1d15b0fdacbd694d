"""The filters above a dashboard: period, team and region."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guanxi.core.dashboards import Filters
from guanxi.core.models import Team
from guanxi.lib import regions

MAX_DAYS = 3 * 366  # three years at most on one page


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months: from the first of the month eleven months back to today."""
    index = today.year * 12 + today.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1), today


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("All")
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = cast(forms.ModelChoiceField, self.fields["team"])
        team.queryset = Team.objects.order_by("name")
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = [("", _("All")), *regions.province_choices(get_language() or "en")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_period(timezone.localdate())
        data["date_from"] = data.get("date_from") or start
        data["date_to"] = data.get("date_to") or end
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        elif (data["date_to"] - data["date_from"]).days > MAX_DAYS:
            self.add_error("date_from", _("Choose a period of three years or less."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        team = data.get("team")
        return Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            team_id=team.pk if team is not None else None,
            region=data.get("region") or "",
        )
