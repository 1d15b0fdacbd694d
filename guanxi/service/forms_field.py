"""Forms of field service: service points and technicians (their hours and time off),
requesting, scheduling, moving on and completing visits."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.lib import regions
from guanxi.sales.models import Product
from guanxi.service.forms import WEEKDAYS
from guanxi.service.models import Technician, TimeOffReason, VisitOutcome, VisitStatus

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
_SPLIT = re.compile(r"\s*[/,，、]\s*")


def parse_coverage(text: str) -> list[dict[str, str]]:
    """One area a line: ``province[/city[/district]]`` (slashes or commas)."""
    areas = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [*_SPLIT.split(line.strip()), "", ""][:3]
        areas.append({"province": parts[0], "city": parts[1], "district": parts[2]})
    return areas


def coverage_text(areas: list[dict[str, str]], language: str = "zh-hans") -> str:
    """The coverage as the form shows it, provinces by name."""
    names = dict(regions.province_choices(language))
    lines = []
    for area in areas or []:
        parts = [names.get(area.get("province", ""), area.get("province", ""))]
        parts += [p for p in (area.get("city", ""), area.get("district", "")) if p]
        lines.append(" / ".join(parts))
    return "\n".join(lines)


class ServicePointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    province = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    street = forms.CharField(label=_("Street"), max_length=300, required=False)
    coverage = forms.CharField(
        label=_("Coverage area"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One area a line: a province, or province / city, or province / city / district."
        ),
    )
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False
    )
    calendar: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Business calendar"), queryset=None, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, teams: QuerySet[Any], calendars: QuerySet[Any], **kwargs: Any
    ) -> None:
        language = kwargs.pop("language", "zh-hans")
        super().__init__(*args, **kwargs)
        province: Any = self.fields["province"]
        province.choices = [("", "—"), *regions.province_choices(language)]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["calendar"].queryset = calendars  # type: ignore[attr-defined]

    def clean_coverage(self) -> list[dict[str, str]]:
        return parse_coverage(self.cleaned_data.get("coverage", ""))


class TechnicianForm(forms.Form):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("User"), queryset=None)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=500,
        help_text=_("Product categories or tags, separated by commas."),
    )

    def __init__(self, *args: Any, users: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class TechnicianEditForm(forms.Form):
    service_point: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Service point"), queryset=None
    )
    skills = forms.CharField(label=_("Skills"), required=False, max_length=500)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, points: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_point"].queryset = points  # type: ignore[attr-defined]


class VisitRequestForm(forms.Form):
    service_point: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=None,
        required=False,
        empty_label=_("The point covering the customer's address"),
    )
    skill = forms.CharField(
        label=_("Skill needed"),
        required=False,
        max_length=100,
        help_text=_("Empty: the product's category."),
    )
    notes = forms.CharField(
        label=_("Notes for the technician"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, points: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_point"].queryset = points  # type: ignore[attr-defined]


class TechnicianChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Technician) -> str:
        skills = ", ".join(str(s) for s in obj.skills)
        return f"{obj.user} ({skills})" if skills else str(obj.user)


class ScheduleForm(forms.Form):
    technician: forms.ModelChoiceField[Any] = TechnicianChoice(label=_("Technician"), queryset=None)
    scheduled_start = forms.DateTimeField(
        label=_("Window start"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    scheduled_end = forms.DateTimeField(
        label=_("Window end"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )

    def __init__(self, *args: Any, technicians: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians  # type: ignore[attr-defined]


class VisitStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status: Any = self.fields["status"]
        status.choices = [(s, VisitStatus(s).label) for s in statuses]


class CompleteVisitForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices)
    travel_minutes = forms.IntegerField(
        label=_("Travel minutes"), required=False, min_value=0, max_value=1440
    )
    report = forms.CharField(label=_("Report"), required=False, widget=forms.Textarea)
    parts = forms.CharField(
        label=pgettext_lazy("visit", "Parts used"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One part a line: SKU, quantity, serial number (optional)."),
    )

    def clean_parts(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        problems: list[str] = []
        for number, line in enumerate(self.cleaned_data.get("parts", "").splitlines(), 1):
            if not line.strip():
                continue
            sku, quantity, serial = [*_SPLIT.split(line.strip()), "1", ""][:3]
            product = Product.objects.filter(sku__iexact=sku).first()
            if product is None:
                problems.append(
                    str(_("Line %(n)s: no product has the SKU %(sku)s."))
                    % {"n": number, "sku": sku}
                )
                continue
            rows.append({"product": product, "quantity": quantity or "1", "serial": serial})
        if problems:
            raise forms.ValidationError(problems)
        return rows


class VisitEditForm(forms.Form):
    service_point: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Service point"), queryset=None
    )
    skill = forms.CharField(label=_("Skill needed"), required=False, max_length=100)
    travel_minutes = forms.IntegerField(
        label=_("Travel minutes"), required=False, min_value=0, max_value=1440
    )
    notes = forms.CharField(
        label=_("Notes for the technician"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, points: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_point"].queryset = points  # type: ignore[attr-defined]


_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})$")


def parse_periods(text: str) -> list[tuple[time, time]]:
    """``09:00-12:00, 13:00-18:00`` as (start, end) pairs; empty text: none."""
    periods = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        match = _PERIOD.match(part)
        if match is None:
            raise forms.ValidationError(_("Write each period as hh:mm-hh:mm, separated by commas."))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError as error:
            message = _("%(period)s is not a time of day.") % {"period": part}
            raise forms.ValidationError(message) from error
        if end <= start:
            raise forms.ValidationError(_("The hours must end after they start."))
        periods.append((start, end))
    return periods


class TechnicianHoursForm(forms.Form):
    """A technician's own weekly hours, one weekday a field; all empty: they work by
    their service point's business calendar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=name,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 13:00-18:00"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rows: list[dict[str, Any]] = []
        for day in range(7):
            name = f"day_{day}"
            if name not in cleaned:
                continue
            try:
                periods = parse_periods(cleaned[name])
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            rows += [{"weekday": day, "starts": s, "ends": e} for s, e in periods]
        cleaned["hours"] = rows
        return cleaned

    @staticmethod
    def initial_for(rows: Any) -> dict[str, str]:
        """The form's initial text from hours rows (``weekday``, ``starts``, ``ends``)."""
        texts: dict[str, list[str]] = {}
        for row in rows:
            texts.setdefault(f"day_{row.weekday}", []).append(
                f"{row.starts:%H:%M}-{row.ends:%H:%M}"
            )
        return {name: ", ".join(parts) for name, parts in texts.items()}


class TimeOffForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("time off", "From"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("time off", "Until"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=TimeOffReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
