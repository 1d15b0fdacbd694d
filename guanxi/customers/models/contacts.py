"""Contacts: people, their place at accounts, their phones, emails and consents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Trashable
from guanxi.customers.choices import (
    Channel,
    ConsentSource,
    ConsentStatus,
    ContactPointKind,
    Gender,
    PreferredLanguage,
)


class Contact(Trashable):
    """A person: an account's employee or a consumer with no account (then with a tier).

    Names are stored as written, family name first; ``full_name`` follows the display
    rule (Chinese: 张伟, Western: "Wei Zhang") and is kept by the services with the pinyin.
    """

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    full_name = models.CharField(_("name"), max_length=201, editable=False, db_index=True)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=400, blank=True, db_index=True)
    name_initials = models.CharField(_("initials"), max_length=100, blank=True, db_index=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=PreferredLanguage.choices, blank=True
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, blank=True
    )
    tier = models.ForeignKey(
        "customers.CustomerTier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tier"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_contacts",
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
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("customers:contact_detail", args=[self.pk])


class AccountContact(models.Model):
    """A contact's place at an account: role, primary contact, works there or former."""

    account = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="contact_links"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="account_links")
    role = models.CharField(_("role"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_current = models.BooleanField(_("works there"), default=True)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "-is_current", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "contact"], name="unique_account_contact"),
            # "One named person" per customer: at most one primary contact per account.
            models.UniqueConstraint(
                fields=["account"], condition=Q(is_primary=True), name="one_primary_contact"
            ),
        ]
        verbose_name = _("contact at account")
        verbose_name_plural = _("contacts at accounts")

    def __str__(self) -> str:
        return f"{self.contact_id}@{self.account_id}"


class ContactPhone(models.Model):
    """A phone number in E.164 form; at most one primary per contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(
        _("kind"), max_length=10, choices=ContactPointKind.choices, default=ContactPointKind.MOBILE
    )
    value = models.CharField(_("phone"), max_length=32, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="one_primary_phone"
            )
        ]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.value


class ContactEmail(models.Model):
    """An email address, validated and lower-cased; at most one primary per contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(
        _("kind"), max_length=10, choices=ContactPointKind.choices, default=ContactPointKind.WORK
    )
    value = models.EmailField(_("email"), max_length=254, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_primary=True), name="one_primary_email"
            )
        ]
        verbose_name = _("email")
        verbose_name_plural = _("emails")

    def __str__(self) -> str:
        return self.value


class Consent(models.Model):
    """One consent decision for one channel. Rows are never updated: the latest row per
    channel is the current state, the older ones are its history."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, choices=ConsentSource.choices)
    wording = models.TextField(_("wording shown"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["contact", "channel", "-recorded_at"], name="consent_latest_idx")
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.channel}: {self.status}"
