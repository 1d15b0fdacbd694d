"""Orders, their serial numbers, returns and credit notes, and dated exchange rates.

Confirmed orders and their returns are a customer's transaction history: the timeline
shows them, warranty checks read the serial numbers, analytics reads the amounts (in
the order's currency and, at the rate of the order's date, in the base currency).
An order made by an ERP or a shop carries that system's name (``source``) and its own
number there (``external_id``); the pair is unique, so a retried push finds the order it
made the first time instead of making a second.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.sales.choices_orders import CRM_SOURCE, OrderStatus, ReturnKind, SerialStatus


class ExchangeRate(models.Model):
    """How many units of the base currency one unit of ``currency`` is worth, from
    ``valid_on`` until the next rate of that currency."""

    currency = models.CharField(_("currency"), max_length=3)
    valid_on = models.DateField(_("valid from"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_on"], name="one_rate_per_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")

    def __str__(self) -> str:
        return f"{self.currency} {self.valid_on}: {self.rate}"


class Order(models.Model):
    """A customer's order: lines of products at agreed prices, in one currency."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("contact"),
    )
    deal = models.ForeignKey(
        "sales.Deal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("deal"),
    )
    quote = models.ForeignKey(
        "sales.Quote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("quote"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    order_date = models.DateField(_("order date"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = models.DecimalField(_("subtotal"), max_digits=16, decimal_places=2, default=0)
    discount_total = models.DecimalField(_("discount"), max_digits=16, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    # The total in the base currency at the rate of the order's date (1 for the base).
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=18, decimal_places=8, default=1
    )
    base_currency = models.CharField(_("base currency"), max_length=3, default="CNY")
    total_base = models.DecimalField(
        _("total (base currency)"), max_digits=16, decimal_places=2, default=0
    )
    source = models.CharField(_("source system"), max_length=30, default=CRM_SOURCE)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_orders",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-order_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="one_order_per_external_id",
            )
        ]
        indexes = [models.Index(fields=["account", "order_date"], name="order_account_date_idx")]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:order_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == OrderStatus.DRAFT


class OrderLine(models.Model):
    """A product on an order at the price agreed (from the quote, the price list or the
    ERP), with its discount."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "sales.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=0
    )
    line_total = models.DecimalField(_("line total"), max_digits=16, decimal_places=2, default=0)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    class Meta:
        ordering = ["order", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive")
        ]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.product_id}"


class SerialNumber(models.Model):
    """One unit of a serialised product sold on an order line; under warranty until
    the order date plus the product's warranty months. A serial number is sold once at a
    time: after a return it may be sold again."""

    line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="serials", verbose_name=_("order line")
    )
    product = models.ForeignKey(
        "sales.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    serial = models.CharField(_("serial number"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=SerialStatus.choices, default=SerialStatus.SOLD
    )
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)

    class Meta:
        ordering = ["line", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "serial"],
                condition=Q(status="sold"),
                name="serial_sold_once",
            )
        ]
        indexes = [models.Index(fields=["serial"], name="serial_number_idx")]
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")

    def __str__(self) -> str:
        return self.serial


class Return(models.Model):
    """Goods sent back or money credited against an order, line by line."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReturnKind.choices, default=ReturnKind.RETURN
    )
    return_date = models.DateField(_("date"), db_index=True)
    # When it happened, for the timeline: now, or midday of an earlier return date.
    returned_at = models.DateTimeField(_("recorded"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300)
    total = models.DecimalField(_("amount credited"), max_digits=16, decimal_places=2, default=0)
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=18, decimal_places=8, default=1
    )
    total_base = models.DecimalField(
        _("amount credited (base currency)"), max_digits=16, decimal_places=2, default=0
    )
    source = models.CharField(_("source system"), max_length=30, default=CRM_SOURCE)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-return_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="one_return_per_external_id",
            )
        ]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:order_detail", args=[self.order_id]) + f"#return-{self.pk}"


class ReturnLine(models.Model):
    """What a return takes back from one order line: units (none on a credit note) and
    the amount credited for them."""

    return_doc = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount credited"), max_digits=16, decimal_places=2)
    serials = models.ManyToManyField(
        SerialNumber, blank=True, related_name="return_lines", verbose_name=_("serial numbers")
    )

    class Meta:
        ordering = ["return_doc", "order_line__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="return_quantity_not_negative"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="return_amount_not_negative"),
        ]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")

    def __str__(self) -> str:
        return f"{self.return_doc_id}: {self.quantity} of {self.order_line_id}"
