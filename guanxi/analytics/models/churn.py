"""Churn early warning: each customer's churn risk with the factors behind it, and
the history of their crossings of the alert threshold (see
docs/churn-and-cross-sell.md). Written only by ``services/churn.py``."""

from __future__ import annotations

from typing import Any

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


def factor_list(
    *,
    p_alive: float | None,
    p_alive_contribution: float,
    recent: int,
    earlier: int,
    window_days: int,
    trend_contribution: float,
    open_tickets: int,
    tickets_contribution: float,
    low_answers: int,
    satisfaction_days: int,
    satisfaction_contribution: float,
) -> list[dict[str, Any]]:
    """A risk's four factors as a list (the shape the API, the pages and the threshold
    crossings show)."""
    return [
        {"factor": "p_alive", "p_alive": p_alive, "contribution": p_alive_contribution},
        {
            "factor": "trend",
            "recent": recent,
            "earlier": earlier,
            "window_days": window_days,
            "contribution": trend_contribution,
        },
        {"factor": "tickets", "open_tickets": open_tickets, "contribution": tickets_contribution},
        {
            "factor": "satisfaction",
            "low_answers": low_answers,
            "days": satisfaction_days,
            "contribution": satisfaction_contribution,
        },
    ]


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
    # The four factors, each with its inputs and what it adds to the risk (``factors``
    # gives them as a list). Columns, not JSON: a nightly run rewrites every row.
    p_alive = models.FloatField(_("P(alive)"), null=True, blank=True)
    p_alive_contribution = models.FloatField(_("P(alive) contribution"), default=0)
    recent_orders = models.PositiveIntegerField(_("orders in the recent window"), default=0)
    earlier_orders = models.PositiveIntegerField(_("orders in the window before"), default=0)
    window_days = models.PositiveIntegerField(_("window (days)"), default=0)
    trend_contribution = models.FloatField(_("trend contribution"), default=0)
    open_tickets = models.PositiveIntegerField(_("open tickets"), default=0)
    tickets_contribution = models.FloatField(_("tickets contribution"), default=0)
    low_answers = models.PositiveIntegerField(_("low satisfaction answers"), default=0)
    satisfaction_days = models.PositiveIntegerField(_("satisfaction period (days)"), default=0)
    satisfaction_contribution = models.FloatField(_("satisfaction contribution"), default=0)
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
    def factors(self) -> list[dict[str, Any]]:
        """The factors in order, each ``{"factor": name, …its inputs, "contribution"}``."""
        return factor_list(
            p_alive=self.p_alive,
            p_alive_contribution=self.p_alive_contribution,
            recent=self.recent_orders,
            earlier=self.earlier_orders,
            window_days=self.window_days,
            trend_contribution=self.trend_contribution,
            open_tickets=self.open_tickets,
            tickets_contribution=self.tickets_contribution,
            low_answers=self.low_answers,
            satisfaction_days=self.satisfaction_days,
            satisfaction_contribution=self.satisfaction_contribution,
        )

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
