"""Quotes: priced only from the price lists, discounts above the limit approved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.sales.choices_quotes import QuoteApproval, QuoteStatus


class Quote(models.Model):
    """An offer to a deal's account. Who may see it follows its deal (owner and team)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    deal = models.ForeignKey(
        "sales.Deal", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("deal")
    )
    # The customer the quote is addressed to, fixed when the quote is made.
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name=_("account"),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    price_date = models.DateField(_("prices as of"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    approval = models.CharField(
        _("approval"),
        max_length=10,
        choices=QuoteApproval.choices,
        default=QuoteApproval.NOT_NEEDED,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    subtotal = models.DecimalField(_("subtotal"), max_digits=16, decimal_places=2, default=0)
    discount_total = models.DecimalField(_("discount"), max_digits=16, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:quote_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == QuoteStatus.DRAFT


class QuoteLine(models.Model):
    """A product on a quote: its unit price is the list price, never typed by anyone."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "sales.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    description = models.CharField(_("description"), max_length=200)
    price_list = models.ForeignKey(
        "sales.PriceList",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("price list"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, editable=False
    )
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=0
    )
    line_total = models.DecimalField(_("line total"), max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["quote", "position", "pk"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.quantity} × {self.product_id}"
