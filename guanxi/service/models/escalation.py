"""Escalations: a ticket handed up to a supervisor or a higher tier with why and what
was tried, so the receiver reads the story instead of the customer telling it again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Escalation(models.Model):
    """One step up of a ticket (level 1, 2, …), by an agent, or automatically on a breach
    or by an escalation rule."""

    ticket = models.ForeignKey(
        "service.Ticket", on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalated to"),
    )
    to_team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    reason = models.TextField(_("reason"))
    tried_so_far = models.TextField(_("tried so far"))
    automatic = models.BooleanField(_("automatic"), default=False)
    # The rule that escalated it (its name kept if the rule goes): once per rule.
    rule = models.ForeignKey(
        "service.EscalationRule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
        verbose_name=_("escalation rule"),
    )
    rule_name = models.CharField(_("escalation rule"), max_length=100, blank=True)
    # Set by the service (the clocks pass their "now"), so a re-run finds it.
    created_at = models.DateTimeField(_("escalated"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "rule"],
                condition=models.Q(rule__isnull=False),
                name="escalation_once_per_rule",
            )
        ]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.level}"
