"""Postal addresses of accounts and contacts."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.customers.choices import AddressKind


class Address(models.Model):
    """An address of either an account or a contact; at most one primary per record.

    ``province`` is a code of ``guanxi.lib.regions`` for Chinese addresses, free text
    elsewhere."""

    account = models.ForeignKey(
        "customers.Account",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=AddressKind.choices, default=AddressKind.OFFICE
    )
    country = models.CharField(_("country"), max_length=2, default="CN")
    province = models.CharField(_("province"), max_length=50, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    street = models.CharField(_("street"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(account__isnull=False, contact__isnull=True)
                    | Q(account__isnull=True, contact__isnull=False)
                ),
                name="address_has_one_parent",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(is_primary=True, account__isnull=False),
                name="one_primary_account_address",
            ),
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(is_primary=True, contact__isnull=False),
                name="one_primary_contact_address",
            ),
        ]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district, self.street) if p)
