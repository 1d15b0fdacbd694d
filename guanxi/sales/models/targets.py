"""Sales targets (quotas): an amount to win per user or per team over a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """What a rep (``user``) or a whole team should win between two dates, in a currency.

    Exactly one of ``user`` and ``team`` is set; one target per owner and period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
        verbose_name=_("rep"),
    )
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
        verbose_name=_("team"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(team__isnull=True))
                | (Q(user__isnull=True) & Q(team__isnull=False)),
                name="target_user_xor_team",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="target_period_order",
            ),
            models.UniqueConstraint(
                fields=["user", "period_start", "period_end"],
                condition=Q(user__isnull=False),
                name="unique_user_target_period",
            ),
            models.UniqueConstraint(
                fields=["team", "period_start", "period_end"],
                condition=Q(team__isnull=False),
                name="unique_team_target_period",
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        who = self.user if self.user_id else self.team
        return f"{who}: {self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"

    @property
    def holder(self) -> object:
        """The rep or the team the target belongs to."""
        return self.user if self.user_id else self.team
