"""The service reports' filters (a GET form, also used to check the API's query)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.service.choices import Channel, Priority
from guanxi.service.selectors_reports import MAX_DAYS, ReportFilters, period_start

PERIOD_CHOICES = [("week", _("Week")), ("month", _("Month"))]
DEFAULT_WEEKS = 12
DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last twelve weeks, this one included."""
    today = today or timezone.localdate()
    return period_start(today, "week") - timedelta(weeks=DEFAULT_WEEKS - 1), today


def with_defaults(query: Any) -> dict[str, Any]:
    """The page's query with the default range and period filled in, so the form shows
    what the report covers."""
    data = {key: query.get(key, "") for key in query}
    first, last = default_range()
    if not data.get("date_from"):
        data["date_from"] = first.isoformat()
    if not data.get("date_to"):
        data["date_to"] = last.isoformat()
    data["period"] = data.get("period") or "week"
    return data


class ServiceReportForm(forms.Form):
    """Date range, period and the ticket fields a report is narrowed by; the team,
    agent, category and product choices are those found on the user's report tickets."""

    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DAY
    )
    date_to = forms.DateField(label=pgettext_lazy("date range", "to"), required=False, widget=DAY)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    product = forms.TypedChoiceField(
        label=_("Product"), coerce=int, required=False, empty_value=None
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, str]]] | None, **kwargs: Any):
        """``choices`` None (the API): any id is accepted for team, agent, category and
        product (an id nobody may see simply matches no ticket)."""
        super().__init__(*args, **kwargs)
        anyone = [("", _("Any"))]
        for name in ("team", "agent", "category", "product"):
            if choices is None:
                label = self.fields[name].label
                self.fields[name] = forms.IntegerField(label=label, required=False, min_value=1)
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = anyone + [(str(pk), label) for pk, label in choices[name]]
        channel = self.fields["channel"]
        priority = self.fields["priority"]
        assert isinstance(channel, forms.ChoiceField) and isinstance(priority, forms.ChoiceField)
        channel.choices = anyone + list(Channel.choices)
        priority.choices = anyone + list(Priority.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = default_range()
        date_from = data.get("date_from") or first
        date_to = data.get("date_to") or last
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if date_from > date_to:
            self.add_error("date_to", _("This is before the start date."))
        elif (date_to - date_from).days > MAX_DAYS:
            self.add_error("date_from", _("Choose a range of at most three years."))
        data["date_from"], data["date_to"] = date_from, date_to
        data["period"] = data.get("period") or "week"
        return data

    def filters(self) -> ReportFilters:
        """The report's filters (call after ``is_valid``)."""
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            period=data["period"],
            team_id=data.get("team"),
            owner_id=data.get("agent"),
            channel=data.get("channel") or "",
            category_id=data.get("category"),
            product_id=data.get("product"),
            priority=data.get("priority") or "",
        )
