"""Satisfaction surveys: a one-question CSAT after a ticket is solved and an NPS
question on a schedule, answered on a public page reached by the survey's token."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyKind(models.TextChoices):
    CSAT = "csat", pgettext_lazy("survey kind", "Satisfaction (CSAT)")
    NPS = "nps", pgettext_lazy("survey kind", "Net promoter (NPS)")


class Survey(models.Model):
    """One question sent to one customer; ``score`` is 1–5 for CSAT and 0–10 for NPS,
    empty until answered."""

    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    ticket = models.ForeignKey(
        "service.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("ticket"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("contact"),
    )
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("account"),
    )
    email = models.EmailField(_("sent to"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    token = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["kind", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
