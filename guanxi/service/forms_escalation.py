"""The form of an escalation rule; the service does the real checking. Choice lists are
narrowed by the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Team, User
from guanxi.customers.models import CustomerTier
from guanxi.service.choices import UNRESOLVED, Priority, TicketStatus
from guanxi.service.models import Category
from guanxi.service.services.escalation_rules import MAX_HOURS, MAX_MINUTES

UNRESOLVED_CHOICES = [
    (value, label) for value, label in TicketStatus.choices if value in UNRESOLVED
]


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    form.fields[name].queryset = queryset  # type: ignore[attr-defined]


class EscalationRuleForm(forms.Form):
    """A rule: its conditions (all the ones given must hold), to whom and why."""

    name = forms.CharField(label=_("Name"), max_length=100)
    priorities = forms.MultipleChoiceField(
        label=_("Priority is one of"),
        choices=Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statuses = forms.MultipleChoiceField(
        label=_("Status is one of"),
        choices=UNRESOLVED_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every unresolved status."),
    )
    category = forms.ModelChoiceField(
        label=_("Category is"), queryset=Category.objects.none(), required=False
    )
    tier = forms.ModelChoiceField(
        label=_("Customer tier is"), queryset=CustomerTier.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team is"), queryset=Team.objects.none(), required=False)
    keywords = forms.CharField(
        label=_("Subject or customer messages contain any of"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separate words with commas, e.g. 投诉, 退款, refund. Case does not matter."),
    )
    no_reply_hours = forms.IntegerField(
        label=_("Customer waiting for a reply for (business hours)"),
        required=False,
        min_value=1,
        max_value=MAX_HOURS,
        help_text=_("Since the customer's first message after the last public reply."),
    )
    open_hours = forms.IntegerField(
        label=_("Open for at least (business hours)"),
        required=False,
        min_value=1,
        max_value=MAX_HOURS,
    )
    first_response_due_minutes = forms.IntegerField(
        label=_("First response due within (minutes)"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES,
        help_text=_("Not answered yet; 0: when the first-response time is breached."),
    )
    to_user = forms.ModelChoiceField(
        label=_("Escalate to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The supervisor (the team's manager)"),
    )
    to_team = forms.ModelChoiceField(
        label=_("Escalate to team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("The ticket's team"),
        help_text=_("Without a user: the manager of this team receives the ticket."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the escalation above the conversation."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, categories: Any, tiers: Any, teams: Any, users: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories)
        _set_queryset(self, "tier", tiers)
        _set_queryset(self, "team", teams)
        _set_queryset(self, "to_team", teams)
        _set_queryset(self, "to_user", users)
