"""Accounts: the companies (and groups of companies) we do business with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import Trashable
from guanxi.customers.choices import CompanySize, Industry


class Account(Trashable):
    """A company. ``name_pinyin``, ``name_initials`` and ``name_key`` are kept by the
    services, for sorting and for matching Chinese names and names without a legal suffix."""

    name = models.CharField(_("name"), max_length=200)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=400, blank=True, db_index=True)
    name_initials = models.CharField(_("initials"), max_length=100, blank=True, db_index=True)
    name_key = models.CharField(_("matching key"), max_length=200, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
        verbose_name=_("parent account"),
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    size = models.CharField(
        pgettext_lazy("company", "size"), max_length=10, choices=CompanySize.choices, blank=True
    )
    website = models.URLField(_("website"), max_length=200, blank=True)
    tier = models.ForeignKey(
        "customers.CustomerTier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tier"),
    )
    country = models.CharField(_("country"), max_length=2, default="CN")
    province = models.CharField(_("province"), max_length=50, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_accounts",
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
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="+", verbose_name=_("tags"))
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name_pinyin", "pk"]
        indexes = [
            # An import finds the accounts its rows name by their name in any case
            # (besides ``name_key``): an index lookup, not a scan of every account.
            models.Index(Upper("name"), name="account_upper_name"),
        ]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("customers:account_detail", args=[self.pk])

    @property
    def visible_parent(self) -> Account | None:
        """The parent, unless it is in the trash (then it is hidden until restored)."""
        parent = self.parent
        return parent if parent is not None and not parent.is_trashed else None
