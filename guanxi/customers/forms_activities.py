"""The activity form: log a call, email, meeting or note, or plan a task."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import User
from guanxi.customers.choices import ActivityKind, Direction, TaskStatus
from guanxi.customers.models import Account, Activity, Contact

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _minute(value: datetime | None) -> datetime | None:
    return value.replace(second=0, microsecond=0) if value is not None else None


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was said and promised."),
    )
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=DATETIME,
        help_text=_("When it happened, when the meeting starts or when the task is due."),
    )
    ends_at = forms.DateTimeField(label=_("Ends"), required=False, widget=DATETIME)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", "—"), *Direction.choices]
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices, required=False)
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=User.objects.filter(is_active=True), required=False
    )
    reminder_at = forms.DateTimeField(label=_("Reminder"), required=False, widget=DATETIME)
    accounts = forms.ModelMultipleChoiceField(
        label=_("Accounts"),
        queryset=Account.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        accounts: Any = None,
        contacts: Any = None,
        **kwargs: Any,
    ) -> None:
        """``accounts`` / ``contacts``: the customers the activity may be linked to (those
        of the page it is logged from, and those it is already linked to)."""
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = (
            accounts if accounts is not None else Account.objects.none()
        )
        self.fields["contacts"].queryset = (
            contacts if contacts is not None else Contact.objects.none()
        )

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        """The activity's values, times to the minute as the form shows them (so an
        untouched time does not count as changed)."""
        return {
            "kind": activity.kind,
            "subject": activity.subject,
            "body": activity.body,
            "at": _minute(activity.at),
            "ends_at": _minute(activity.ends_at),
            "direction": activity.direction,
            "location": activity.location,
            "status": activity.status,
            "assignee": activity.assignee_id,
            "reminder_at": _minute(activity.reminder_at),
            "accounts": [a.pk for a in activity.accounts.all()],
            "contacts": [c.pk for c in activity.contacts.all()],
        }
