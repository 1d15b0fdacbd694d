"""Forms for accounts and contacts; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guanxi.core.access import can
from guanxi.core.custom_fields import add_form_fields
from guanxi.core.models import Team, User
from guanxi.customers.choices import (
    AddressKind,
    Channel,
    CompanySize,
    ConsentSource,
    ConsentStatus,
    ContactPointKind,
    Gender,
    Industry,
    PreferredLanguage,
)
from guanxi.customers.models import Account, Contact
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.customers.selectors import account_choices, active_tiers
from guanxi.lib import regions

BLANK = [("", "—")]


def province_field(**kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Province"),
        required=False,
        choices=lambda: BLANK + regions.province_choices(get_language() or "en"),
        **kwargs,
    )


def tags_field() -> forms.CharField:
    return forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        help_text=_("Separate tags with commas, for example: VIP, 展会 2025."),
    )


def tags_text(record: Account | Contact) -> str:
    return ", ".join(tag.name for tag in record.tags.all())


class OwnershipMixin:
    """Adds owner and team fields for users who may give records to someone else."""

    object_type = ""

    def add_ownership_fields(self, user: Any) -> None:
        if not can(user, self.object_type, "assign"):
            return
        fields = self.fields  # type: ignore[attr-defined]
        fields["owner"] = forms.ModelChoiceField(
            label=_("Owner"), queryset=User.objects.filter(is_active=True)
        )
        fields["team"] = forms.ModelChoiceField(
            label=_("Team"),
            queryset=Team.objects.all(),
            required=False,
            help_text=_("Empty: the owner's first team."),
        )


class AccountForm(OwnershipMixin, forms.Form):
    object_type = "customers.account"

    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Parent account"),
        queryset=Account.objects.none(),
        required=False,
        help_text=_("The group this company belongs to."),
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=BLANK + Industry.choices, required=False
    )
    size = forms.ChoiceField(
        label=pgettext_lazy("company", "Size"), choices=BLANK + CompanySize.choices, required=False
    )
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=active_tiers(), required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="CN")
    province = province_field()
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tags = tags_field()

    def __init__(self, *args: Any, user: Any, account: Account | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        parents = account_choices(user)
        if account is not None:
            parents = parents.exclude(pk=account.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.add_ownership_fields(user)
        # The administrator's fields, read now: a field added a second ago is here.
        add_form_fields(self, ACCOUNT, account.custom_fields if account is not None else None)

    @staticmethod
    def initial_for(account: Account) -> dict[str, Any]:
        return {
            "name": account.name,
            "parent": account.parent_id,
            "industry": account.industry,
            "size": account.size,
            "website": account.website,
            "tier": account.tier_id,
            "country": account.country,
            "province": account.province,
            "city": account.city,
            "description": account.description,
            "owner": account.owner_id,
            "team": account.team_id,
            "tags": tags_text(account),
        }


class ContactForm(OwnershipMixin, forms.Form):
    object_type = "customers.contact"

    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=BLANK + Gender.choices, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=BLANK + PreferredLanguage.choices, required=False
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=BLANK + Channel.choices, required=False
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        queryset=active_tiers(),
        required=False,
        help_text=_("For consumers with no account."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tags = tags_field()

    def __init__(
        self,
        *args: Any,
        user: Any,
        with_account: bool = False,
        contact: Contact | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.add_ownership_fields(user)
        add_form_fields(self, CONTACT, contact.custom_fields if contact is not None else None)
        if with_account:
            self.fields["account"] = forms.ModelChoiceField(
                label=_("Works at"), queryset=account_choices(user), required=False
            )
            self.fields["role"] = forms.CharField(
                label=_("Role at the account"), max_length=100, required=False
            )
            self.fields["is_primary"] = forms.BooleanField(
                label=_("Primary contact of the account"), required=False
            )

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        return {
            "family_name": contact.family_name,
            "given_name": contact.given_name,
            "title": contact.title,
            "birthday": contact.birthday,
            "gender": contact.gender,
            "preferred_language": contact.preferred_language,
            "preferred_channel": contact.preferred_channel,
            "tier": contact.tier_id,
            "description": contact.description,
            "owner": contact.owner_id,
            "team": contact.team_id,
            "tags": tags_text(contact),
        }


class PhoneForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ContactPointKind.choices, initial=ContactPointKind.MOBILE
    )
    value = forms.CharField(label=_("Phone"), max_length=40, required=False)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("value", "").strip()


class EmailForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ContactPointKind.choices, initial=ContactPointKind.WORK
    )
    value = forms.CharField(label=_("Email"), max_length=254, required=False)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("value", "").strip()


class AddressForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AddressKind.choices, initial=AddressKind.OFFICE
    )
    country = forms.CharField(label=_("Country"), max_length=2, initial="CN")
    province = province_field()
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    street = forms.CharField(label=_("Street"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(f) for f in ("province", "city", "district", "street", "postcode"))


PhoneFormSet = forms.formset_factory(PhoneForm, extra=2)
EmailFormSet = forms.formset_factory(EmailForm, extra=2)
AddressFormSet = forms.formset_factory(AddressForm, extra=1)


class LinkAccountForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    is_current = forms.BooleanField(label=_("Works there now"), required=False, initial=True)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = account_choices(user)  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ConsentStatus.choices)
    source = forms.ChoiceField(
        label=_("Source"), choices=ConsentSource.choices, initial=ConsentSource.MANUAL
    )
    wording = forms.CharField(
        label=_("Wording shown"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("The exact text the contact agreed to."),
    )


class BulkForm(forms.Form):
    """The bulk bar of the account and contact lists; ids come as repeated ``ids``."""

    action = forms.ChoiceField(
        label=_("With the selected"),
        choices=[
            ("tag", _("Add a tag")),
            ("untag", _("Remove a tag")),
            ("assign", _("Give to another owner")),
            ("delete", _("Move to the trash")),
        ],
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=User.objects.filter(is_active=True), required=False
    )
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the selectors decide which the user may change.
        posted = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(value, value) for value in posted]  # type: ignore[attr-defined]
