"""Churn early warning: each customer's churn risk with the factors behind it, and
the history of their crossings of the alert threshold (see
docs/churn-and-cross-sell.md). Written only by ``services/churn.py``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskLevel(models.TextChoices):
    LOW = "low", pgettext_lazy("churn risk", "Low")
    MEDIUM = "medium", pgettext_lazy("churn risk", "Medium")
    HIGH = "high", pgettext_lazy("churn risk", "High")


class CrossingDirection(models.TextChoices):
    UP = "up", _("Rose above the alert threshold")
    DOWN = "down", _("Fell below the alert threshold")


class ChurnRisk(models.Model):
    """A customer's churn risk (0–1) and level, each factor's contribution, and whether
    the risk is at or above the alert threshold (an alert goes out once per crossing)."""

    account = models.OneToOneField(
        "customers.Account",
        on_delete=models.CASCADE,
        related_name="churn_risk",
        verbose_name=_("account"),
    )
    risk = models.FloatField(_("churn risk"))
    level = models.CharField(_("level"), max_length=8, choices=RiskLevel.choices)
    # [{"factor": "p_alive" | "trend" | "tickets" | "satisfaction", "contribution": x,
    #   …the inputs of that factor}], in that order.
    factors = models.JSONField(_("factors"), default=list)
    value_at_stake = models.DecimalField(
        _("value at stake"), max_digits=16, decimal_places=2, default=0
    )
    above_threshold = models.BooleanField(_("above the alert threshold"), default=False)
    crossed_at = models.DateTimeField(_("last rose above the threshold"), null=True, blank=True)
    observation_end = models.DateField(_("data up to"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["-value_at_stake", "account_id"]
        indexes = [
            models.Index(fields=["level", "-value_at_stake"], name="churn_level_stake_idx"),
            models.Index(fields=["-value_at_stake"], name="churn_stake_idx"),
        ]
        verbose_name = _("churn risk")
        verbose_name_plural = _("churn risks")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.risk:.2f}"

    @property
    def percent(self) -> int:
        return round(self.risk * 100)

    @property
    def percent_label(self) -> str:
        return f"{self.percent}%"


class ChurnCrossing(models.Model):
    """One crossing of the alert threshold, up (an alert: a task for the owner, a
    notification and the ``customer_at_risk`` signal) or down."""

    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.CASCADE,
        related_name="churn_crossings",
        verbose_name=_("account"),
    )
    direction = models.CharField(_("direction"), max_length=4, choices=CrossingDirection.choices)
    risk = models.FloatField(_("churn risk"))
    threshold = models.FloatField(_("alert threshold"))
    factors = models.JSONField(_("factors"), default=list)
    task = models.ForeignKey(
        "customers.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("task"),
    )
    crossed_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-crossed_at", "-pk"]
        indexes = [models.Index(fields=["account", "-crossed_at"], name="churn_crossing_idx")]
        verbose_name = _("churn threshold crossing")
        verbose_name_plural = _("churn threshold crossings")

    def __str__(self) -> str:
        return f"{self.account_id} {self.direction} {self.crossed_at:%Y-%m-%d}"
