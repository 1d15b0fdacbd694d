"""Forms for orders, returns, serial numbers and exchange rates; the services do the
real checking.

No order line form has a unit price field: the price comes from the price list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.customers.models import Account, Contact
from guanxi.sales.choices_orders import ReturnKind, SerialStatus
from guanxi.sales.forms_quotes import DateInput, QuoteLineEditForm, QuoteLineForm

NOTES_WIDGET = forms.Textarea(attrs={"rows": 3})


class OrderForm(forms.Form):
    """A new draft order for an account, by hand."""

    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("Empty: the base currency."),
    )
    order_date = forms.DateField(
        label=_("Order date"), widget=DateInput, required=False, help_text=_("Empty: today.")
    )
    notes = forms.CharField(label=_("Notes"), widget=NOTES_WIDGET, required=False)

    def __init__(self, *args: Any, accounts: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class OrderEditForm(forms.Form):
    """A draft order's date, contact, currency (while it has no lines) and notes."""

    order_date = forms.DateField(label=_("Order date"), widget=DateInput)
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("Only while the order has no lines.")
    )
    notes = forms.CharField(label=_("Notes"), widget=NOTES_WIDGET, required=False)

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class OrderLineForm(QuoteLineForm):
    """A product and how many; the unit price is the list price, never typed."""


class OrderLineEditForm(QuoteLineEditForm):
    pass


class SerialsForm(forms.Form):
    serials = forms.CharField(
        label=_("Serial numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line; an empty box removes the line's unreturned serial numbers."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ReturnForm(forms.Form):
    """A return or credit note: the document's fields, then per order line how many
    units, how much money (empty: the units' net price) and which serial numbers."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnKind.choices, initial=ReturnKind.RETURN)
    return_date = forms.DateField(
        label=pgettext_lazy("return date", "Date"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: today."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line_{line.pk}_quantity"] = forms.DecimalField(
                label=_("Quantity to return"),
                max_digits=12,
                decimal_places=2,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"aria-label": _("Quantity to return")}),
            )
            self.fields[f"line_{line.pk}_amount"] = forms.DecimalField(
                label=_("Amount to credit"),
                max_digits=16,
                decimal_places=2,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"aria-label": _("Amount to credit")}),
            )
            sold = [s.serial for s in line.serials.all() if s.status == SerialStatus.SOLD]
            if sold:
                self.fields[f"line_{line.pk}_serials"] = forms.MultipleChoiceField(
                    label=_("Serial numbers"),
                    choices=[(s, s) for s in sold],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )

    def rows(self) -> list[dict[str, Any]]:
        """Each line with its bound fields, for the template's table."""
        return [
            {
                "line": line,
                "quantity": self[f"line_{line.pk}_quantity"],
                "amount": self[f"line_{line.pk}_amount"],
                "serials": self[f"line_{line.pk}_serials"]
                if f"line_{line.pk}_serials" in self.fields
                else None,
            }
            for line in self.lines
        ]

    def items(self) -> list[dict[str, Any]]:
        """The lines the user filled in: ``line``, ``quantity``, ``amount``, ``serials``
        (ticking serial numbers without a quantity returns that many units)."""
        chosen = []
        for line in self.lines:
            data = self.cleaned_data
            quantity = data.get(f"line_{line.pk}_quantity")
            amount = data.get(f"line_{line.pk}_amount")
            serials = list(data.get(f"line_{line.pk}_serials") or [])
            if quantity is None and serials:
                quantity = len(serials)
            if not quantity and amount is None and not serials:
                continue
            chosen.append(
                {"line": line, "quantity": quantity or 0, "amount": amount, "serials": serials}
            )
        return chosen


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3)
    valid_on = forms.DateField(label=_("Valid from"), widget=DateInput)
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=18,
        decimal_places=8,
        help_text=_("Units of the base currency one unit of this currency is worth."),
    )


class WarrantyForm(forms.Form):
    serial = forms.CharField(label=_("Serial number"), max_length=100)
