"""The history of lifecycle stages: one row each time a customer's stage changed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.models.classification import LifecycleStage


class LifecycleTransition(models.Model):
    """A customer moved from one stage to another (``from_stage`` empty: first
    classified) on ``date``, for ``reason`` (the measures and the rule that decided)."""

    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.CASCADE,
        related_name="lifecycle_transitions",
        verbose_name=_("account"),
    )
    from_stage = models.CharField(
        _("from"), max_length=10, choices=LifecycleStage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=10, choices=LifecycleStage.choices)
    date = models.DateField(_("date"))
    reason = models.JSONField(_("reason"), default=dict)
    rules_version = models.PositiveIntegerField(_("rules version"), default=1)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["account", "-date"], name="transition_account_idx"),
            models.Index(fields=["date"], name="transition_date_idx"),
        ]
        verbose_name = _("lifecycle transition")
        verbose_name_plural = _("lifecycle transitions")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.from_stage or '-'} → {self.to_stage} ({self.date})"
