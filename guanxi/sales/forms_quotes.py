"""Forms for products, price lists and quotes; the services do the real checking.

No form has a unit price field for a quote line: the price comes from the price list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import CustomerTier
from guanxi.sales.models import Product


class DateInput(forms.DateInput):
    input_type = "date"


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="pcs")
    cost = forms.DecimalField(label=_("Cost"), max_digits=14, decimal_places=2, initial=0)
    is_serialised = forms.BooleanField(
        label=_("Serialised"), required=False, help_text=_("Each unit sold has a serial number.")
    )
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"), min_value=0, max_value=600, initial=0
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True, help_text=_("Untick to retire it.")
    )

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        return {name: getattr(product, name) for name in ProductForm.base_fields}


class PriceListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    tier = forms.ModelChoiceField(
        label=_("Customer tier"),
        queryset=CustomerTier.objects.filter(is_active=True),
        required=False,
        empty_label=_("Every customer"),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DateInput, required=False, help_text=_("Empty: no end date.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class PriceListItemForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=14, decimal_places=2)

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]


class QuoteForm(forms.Form):
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("Empty: the deal's.")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=DateInput, required=False, help_text=_("Empty: 30 days.")
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class QuoteEditForm(forms.Form):
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class QuoteLineForm(forms.Form):
    """A product and how many; the unit price is the list price, never typed."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=2, initial=1, min_value=0
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        max_digits=5,
        decimal_places=2,
        initial=0,
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products  # type: ignore[attr-defined]


class QuoteLineEditForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), max_digits=5, decimal_places=2, required=False
    )


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Refuse"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
