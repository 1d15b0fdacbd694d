"""Forms of the service pages; the services do the real checking.

Choice lists (accounts, contacts, products, teams, users) are narrowed by the views to
what the user may see and pick.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import Team, User
from guanxi.customers.models import Account, Contact, CustomerTier
from guanxi.sales.models import Product
from guanxi.service.choices import CalendarDayKind, Channel, Priority, TicketStatus
from guanxi.service.models import BusinessCalendar, Category

BODY_WIDGET = forms.Textarea(attrs={"rows": 5})
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
# The statuses an agent leaves a ticket in when answering.
REPLY_STATUSES = [
    (TicketStatus.OPEN.value, TicketStatus.OPEN.label),
    (TicketStatus.PENDING.value, TicketStatus.PENDING.label),
    (TicketStatus.SOLVED.value, TicketStatus.SOLVED.label),
]


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    form.fields[name].queryset = queryset  # type: ignore[attr-defined]


class TicketForm(forms.Form):
    """A ticket entered by an agent (a phone call) or a rep on behalf of a customer."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Description"), widget=BODY_WIDGET)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    requester_name = forms.CharField(label=_("Requester"), max_length=200, required=False)
    requester_email = forms.EmailField(
        label=_("Requester email"),
        required=False,
        help_text=_("Empty: the contact's email address. Replies go to this address."),
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=100,
        required=False,
        help_text=_("Of a unit sold on a confirmed order; its product is filled in."),
    )
    language = forms.ChoiceField(
        label=_("Customer's language"),
        choices=settings.LANGUAGES,
        initial="zh-hans",
        help_text=_("Of the customer's status page."),
    )

    def __init__(
        self,
        *args: Any,
        categories: Any,
        accounts: Any,
        contacts: Any,
        products: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories)
        _set_queryset(self, "account", accounts)
        _set_queryset(self, "contact", contacts)
        _set_queryset(self, "product", products)


class ReplyForm(forms.Form):
    """A public reply to the customer or an internal note, and the status after it."""

    body = forms.CharField(label=_("Message"), widget=BODY_WIDGET)
    kind = forms.ChoiceField(
        label=pgettext_lazy("ticket message", "Send as"),
        choices=[
            ("reply", _("Reply to the customer")),
            ("note", _("Internal note (the customer never sees it)")),
        ],
        initial="reply",
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        label=_("Status after replying"),
        choices=REPLY_STATUSES,
        initial=TicketStatus.PENDING,
        required=False,
        help_text=_("A note leaves the status as it is."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)


class AssignForm(forms.Form):
    """A team and/or an agent; a team alone goes to its least-loaded agent."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    owner = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the team's agent with the fewest open tickets."),
    )

    def __init__(self, *args: Any, teams: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "team", teams)
        _set_queryset(self, "owner", users)


class EscalateForm(forms.Form):
    """Hand the ticket up: why, what was tried (shown above the conversation) and, if
    chosen, to whom (empty: the team's manager)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    tried_so_far = forms.CharField(
        label=_("What was tried so far"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The receiver reads this first, so the customer need not repeat the story."),
    )
    to_user = forms.ModelChoiceField(
        label=_("Escalate to"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: a manager of the ticket's team."),
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "to_user", users)


class TicketEditForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )

    def __init__(self, *args: Any, categories: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories)
        _set_queryset(self, "product", products)


class PublicReplyForm(forms.Form):
    """The customer's answer on the status page (a honeypot field catches bots)."""

    body = forms.CharField(label=_("Your message"), widget=BODY_WIDGET, max_length=50000)


# --- set-up ----------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=100, required=False)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("New tickets of this category go to this team."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A retired category stays on its tickets but is no longer offered."),
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "team", teams)


class SlaPolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    tier = forms.ModelChoiceField(
        label=_("Customer tier"),
        queryset=CustomerTier.objects.none(),
        required=False,
        help_text=_("Empty: every customer without a policy for their own tier."),
    )
    first_response_minutes = forms.IntegerField(
        label=_("First response within (business minutes)"), min_value=1
    )
    resolution_minutes = forms.IntegerField(
        label=_("Resolution within (business minutes)"), min_value=1
    )
    warn_percent = forms.IntegerField(
        label=_("Warn at (percentage of the resolution time used)"),
        min_value=1,
        max_value=100,
        initial=80,
    )
    calendar = forms.ModelChoiceField(
        label=_("Business calendar"), queryset=BusinessCalendar.objects.none()
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, tiers: Any, calendars: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "tier", tiers)
        _set_queryset(self, "calendar", calendars)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=pgettext_lazy("calendar day", "Date"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


class OpeningHoursForm(forms.Form):
    """A weekday's opening hours as text: ``09:00-12:00, 13:00-18:00``; empty: closed."""

    hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=200,
        help_text=_("Periods like 09:00-12:00, 13:00-18:00; empty: closed all day."),
    )

    def clean_hours(self) -> list[tuple[time, time]]:
        text = self.cleaned_data["hours"].replace("，", ",")
        spans = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            match = _SPAN.match(part)
            if match is None:
                raise forms.ValidationError(
                    _("Write each period as hh:mm-hh:mm, separated by commas.")
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            try:
                spans.append((time(h1, m1), time(h2, m2)))
            except ValueError as error:
                message = _("%(period)s is not a time of day.") % {"period": part}
                raise forms.ValidationError(message) from error
        return spans
