"""Forms of the routing-rule, service-contract and warranty-lookup pages; the services
do the real checking. Choice lists are narrowed by the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Team
from guanxi.customers.models import Account, Contact, CustomerTier
from guanxi.sales.models import Product
from guanxi.service.choices import Channel, Priority
from guanxi.service.models import Category, Strategy

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_CHANGE = [("", _("Keep as it is"))]
TEAM_DEFAULT = [("", _("The team's own way"))]
ANY_LANGUAGE = [("", _("Any language"))]


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    form.fields[name].queryset = queryset  # type: ignore[attr-defined]


class RoutingRuleForm(forms.Form):
    """A rule: its conditions (all the ones given must match) and where it sends."""

    name = forms.CharField(label=_("Name"), max_length=100)
    keywords = forms.CharField(
        label=_("Subject or message contains any of"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Separate words with commas, e.g. 打印机, 卡纸, printer. Case does not matter."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category is"), queryset=Category.objects.none(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product is"), queryset=Product.objects.none(), required=False
    )
    product_category = forms.CharField(
        label=_("Product category is"), max_length=100, required=False
    )
    tier = forms.ModelChoiceField(
        label=_("Customer tier is"), queryset=CustomerTier.objects.none(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language is"), choices=ANY_LANGUAGE + list(settings.LANGUAGES), required=False
    )
    team = forms.ModelChoiceField(label=_("Send to team"), queryset=Team.objects.none())
    strategy = forms.ChoiceField(
        label=_("Choose the agent by"),
        choices=TEAM_DEFAULT + list(Strategy.choices),
        required=False,
    )
    set_priority = forms.ChoiceField(
        label=_("Set priority"), choices=NO_CHANGE + list(Priority.choices), required=False
    )
    set_category = forms.ModelChoiceField(
        label=_("Set category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=str(NO_CHANGE[0][1]),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, categories: Any, products: Any, tiers: Any, teams: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories)
        _set_queryset(self, "set_category", categories)
        _set_queryset(self, "product", products)
        _set_queryset(self, "tier", tiers)
        _set_queryset(self, "team", teams)


class RoutingTestForm(forms.Form):
    """A sample message to try the rules on."""

    text = forms.CharField(
        label=_("Sample message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What a customer might write, e.g. 我的打印机一直卡纸"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    tier = forms.ModelChoiceField(
        label=_("Customer tier"), queryset=CustomerTier.objects.none(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=ANY_LANGUAGE + list(settings.LANGUAGES), required=False
    )

    def __init__(self, *args: Any, categories: Any, products: Any, tiers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories)
        _set_queryset(self, "product", products)
        _set_queryset(self, "tier", tiers)


class TeamStrategyForm(forms.Form):
    strategy = forms.ChoiceField(label=_("Choose the agent by"), choices=Strategy.choices)


class ServiceContractForm(forms.Form):
    """A contract: with whom, which level, from when to when, covering what."""

    name = forms.CharField(label=_("Level"), max_length=100, help_text=_("e.g. Gold, 金牌服务"))
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_("For a consumer without an account."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_WIDGET)
    products = forms.ModelMultipleChoiceField(
        label=_("Covered products"), queryset=Product.objects.none(), required=False
    )
    serials = forms.CharField(
        label=_("Covered serial numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Separated by commas or new lines. No products and no serial numbers: "
            "every unit the customer bought."
        ),
    )
    response_hours = forms.IntegerField(
        label=_("Response within (hours)"), required=False, min_value=1, max_value=8760
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, accounts: Any, contacts: Any, products: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "account", accounts)
        _set_queryset(self, "contact", contacts)
        _set_queryset(self, "products", products)


class WarrantyLookupForm(forms.Form):
    q = forms.CharField(
        label=_("Serial number, phone number or email"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "type": "search"}),
    )


class UnitTicketForm(forms.Form):
    """A ticket on a unit found by the warranty lookup."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
