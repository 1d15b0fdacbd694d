"""Forms for leads, their conversion and their rules; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.custom_fields import add_form_fields
from guanxi.core.models import Team, User
from guanxi.customers.choices import ActivityKind, CompanySize, Direction, Industry
from guanxi.customers.forms import BLANK, OwnershipMixin, province_field, tags_field
from guanxi.sales.choices import AssignmentMethod, DisqualifyReason, LeadSource
from guanxi.sales.lead_fields import RULE_FIELDS, SCORING_FIELDS
from guanxi.sales.models import Lead
from guanxi.sales.object_types import LEAD

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LeadForm(OwnershipMixin, forms.Form):
    object_type = LEAD

    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices, initial="manual")
    country = forms.CharField(label=_("Country"), max_length=2, initial="CN")
    province = province_field()
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    industry = forms.ChoiceField(
        label=_("Industry"), choices=BLANK + Industry.choices, required=False
    )
    size = forms.ChoiceField(
        label=_("Company size"), choices=BLANK + CompanySize.choices, required=False
    )
    wants_call = forms.BooleanField(label=_("Asked to be called"), required=False)
    description = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tags = tags_field()

    def __init__(self, *args: Any, user: Any, lead: Lead | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_ownership_fields(user)
        if "owner" in self.fields:
            self.fields["owner"].required = False
            self.fields["owner"].help_text = _("Empty: the assignment rules choose.")
            if lead is not None:
                self.fields["owner"].required = True
                self.fields["owner"].help_text = ""
        add_form_fields(self, LEAD, lead.custom_fields if lead is not None else None)

    @staticmethod
    def initial_for(lead: Lead) -> dict[str, Any]:
        names = (
            "family_name",
            "given_name",
            "company",
            "title",
            "email",
            "phone",
            "source",
            "country",
            "province",
            "city",
            "industry",
            "size",
            "wants_call",
            "description",
        )
        return {
            **{name: getattr(lead, name) for name in names},
            "owner": lead.owner_id,
            "team": lead.team_id,
            "tags": ", ".join(tag.name for tag in lead.tags.all()),
        }


class LeadActivityForm(forms.Form):
    """The quick-add on a lead's page: a call, email, meeting, note or task."""

    kind = forms.ChoiceField(label=_("Log"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    at = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", "—"), *Direction.choices]
    )


class DisqualifyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=DisqualifyReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConvertForm(forms.Form):
    """Create or link: ``account`` / ``contact`` are "new" or an existing id offered."""

    account = forms.ChoiceField(label=_("Account"))
    contact = forms.ChoiceField(label=_("Contact"))
    create_deal = forms.BooleanField(label=_("Open a deal"), required=False, initial=True)
    deal_name = forms.CharField(label=_("Deal name"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[str, str]],
        contacts: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = accounts  # type: ignore[attr-defined]
        self.fields["contact"].choices = contacts  # type: ignore[attr-defined]


class AssignmentRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    field = forms.ChoiceField(
        label=_("When field"),
        required=False,
        choices=[("", _("(always)")), *RULE_FIELDS.items()],
    )
    value = forms.CharField(
        label=_("Equals"),
        max_length=100,
        required=False,
        help_text=_("As stored: a province code such as 11, a source such as web_form."),
    )
    method = forms.ChoiceField(label=_("Assign"), choices=AssignmentMethod.choices)
    user = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.filter(is_active=True), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ScoringRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    field = forms.ChoiceField(label=_("Field"), choices=list(SCORING_FIELDS.items()))
    value = forms.CharField(
        label=_("Equals"),
        max_length=100,
        required=False,
        help_text=_("Not used for activities: those points count per activity."),
    )
    points = forms.IntegerField(label=_("Points"), min_value=-1000, max_value=1000)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
