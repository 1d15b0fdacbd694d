"""Service contracts: what a customer bought beyond the warranty, for which units and
until when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ServiceContract(models.Model):
    """A contract of an account (or a consumer contact) covering the units listed, or
    the units of the products listed, or, when neither is listed, all the customer's
    units, from ``starts_on`` to ``ends_on`` inclusive."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    name = models.CharField(_("level"), max_length=100)
    account = models.ForeignKey(
        "customers.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_contracts",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_contracts",
        verbose_name=_("contact"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), db_index=True)
    products = models.ManyToManyField(
        "sales.Product", blank=True, related_name="+", verbose_name=_("covered products")
    )
    serials = models.ManyToManyField(
        "sales.SerialNumber",
        blank=True,
        related_name="service_contracts",
        verbose_name=_("covered serial numbers"),
    )
    response_hours = models.PositiveIntegerField(
        _("response within (hours)"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-ends_on", "-pk"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("service:contract_detail", args=[self.pk])
