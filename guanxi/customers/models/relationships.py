"""Relationships between people and between companies, beyond who works where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Relationship(models.Model):
    """``from`` is ``kind`` ``to``: two contacts, or two accounts.

    Who works where is ``AccountContact`` (current or former) and group / subsidiary is
    ``Account.parent``; this holds the rest (referred by, reports to, family, partner,
    competitor, supplier …).
    """

    kind = models.CharField(_("relation"), max_length=20)
    from_contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    from_account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        from_contact__isnull=False,
                        to_contact__isnull=False,
                        from_account__isnull=True,
                        to_account__isnull=True,
                    )
                    | Q(
                        from_contact__isnull=True,
                        to_contact__isnull=True,
                        from_account__isnull=False,
                        to_account__isnull=False,
                    )
                ),
                name="relationship_two_contacts_or_two_accounts",
            ),
            models.UniqueConstraint(
                fields=["kind", "from_contact", "to_contact"],
                condition=Q(from_contact__isnull=False),
                name="unique_contact_relationship",
            ),
            models.UniqueConstraint(
                fields=["kind", "from_account", "to_account"],
                condition=Q(from_account__isnull=False),
                name="unique_account_relationship",
            ),
        ]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")

    def __str__(self) -> str:
        source = self.from_contact or self.from_account
        target = self.to_contact or self.to_account
        return f"{source} {self.kind} {target}"
