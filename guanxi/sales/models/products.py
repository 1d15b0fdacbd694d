"""Products and the price lists that give each one its single list price.

Story 8: for one customer tier (or everyone) and one currency, a product has at most
one list price on any day. The price list services enforce it across lists (dates
overlap); the database enforces it within a list (one item per product).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Product(models.Model):
    """Something the company sells, identified by its SKU; retired, not deleted."""

    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, default=0)
    is_serialised = models.BooleanField(_("serialised"), default=False)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PriceList(models.Model):
    """Prices in one currency for one customer tier (none: everyone), valid between two
    dates (no end date: until further notice)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    tier = models.ForeignKey(
        "customers.CustomerTier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer tier"),
        help_text=_("Empty: every customer."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["currency", "tier", "-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="price_list_dates_in_order",
            )
        ]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    """A product's unit price in a price list."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="items", verbose_name=_("price list")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="prices", verbose_name=_("product")
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["price_list", "product__sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product"], name="one_price_per_product_per_list"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="price_list_item_price_not_negative"
            ),
        ]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")

    def __str__(self) -> str:
        return f"{self.price_list_id}: {self.product_id} = {self.unit_price}"
