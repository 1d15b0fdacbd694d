"""Escalation rules: ordered conditions on an unresolved ticket (priority, category,
customer tier, team, status, waiting time, keywords) that escalate it, once per rule,
to a supervisor, a chosen user or a team, with the rule's reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationRule(models.Model):
    """Escalates an unresolved ticket when every condition given holds; the periodic
    job tries the active rules by ``position`` and a ticket is escalated at most once
    per rule (``Escalation.rule``)."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Conditions: empty ones are not checked.
    priorities = models.JSONField(_("priority is one of"), default=list, blank=True)
    statuses = models.JSONField(_("status is one of"), default=list, blank=True)
    category = models.ForeignKey(
        "service.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category is"),
    )
    tier = models.ForeignKey(
        "customers.CustomerTier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer tier is"),
    )
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("team is"),
    )
    # Comma-separated (ASCII or Chinese commas) or one per line; any one will do.
    keywords = models.TextField(_("subject or customer messages contain any of"), blank=True)
    no_reply_hours = models.PositiveIntegerField(
        _("customer waiting for a reply for (business hours)"), null=True, blank=True
    )
    open_hours = models.PositiveIntegerField(
        _("open for at least (business hours)"), null=True, blank=True
    )
    first_response_due_minutes = models.PositiveIntegerField(
        _("first response due within (minutes)"), null=True, blank=True
    )
    # What it does: to this user, else the default target (of ``to_team`` if given).
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalate to"),
    )
    to_team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalate to team"),
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self) -> str:
        return self.name
