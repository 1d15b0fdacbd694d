"""The duplicate-matching rules administrators edit, one version per save and kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchKind(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    ACCOUNTS = "accounts", _("Accounts")


class MatchRuleSet(models.Model):
    """One version of the matching rules of a kind of record (``rules``: threshold,
    weights, enabled evidence; see ``integrations/match_rules.py``). Saving never edits
    a row: it adds the next version, so the history shows who changed what when. With
    no row the shipped defaults apply."""

    kind = models.CharField(_("records"), max_length=10, choices=MatchKind.choices)
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"), default=dict)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_match_rules_version")
        ]
        verbose_name = _("matching rules")
        verbose_name_plural = _("matching rules")

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"
