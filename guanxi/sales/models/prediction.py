"""Versions of the predictive lead score model, each with its held-out AUC."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LeadScoreModel(models.Model):
    """One training of the conversion model: when, on how many leads, how good it is
    (AUC on leads it did not learn from), which features weigh most, and the model."""

    trained_at = models.DateTimeField(_("trained"), default=timezone.now)
    trained_on = models.PositiveIntegerField(_("leads learned from"))
    auc = models.FloatField(_("holdout AUC"))
    top_features = models.JSONField(_("strongest signals"), default=list)
    blob = models.BinaryField(editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("lead score model")
        verbose_name_plural = _("lead score models")

    def __str__(self) -> str:
        return f"v{self.pk} (AUC {self.auc:.2f})"
