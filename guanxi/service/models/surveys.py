"""Satisfaction surveys: a one-question CSAT after a ticket is solved and an NPS
question on a schedule, answered on a public page reached by the survey's token."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyKind(models.TextChoices):
    CSAT = "csat", pgettext_lazy("survey kind", "Satisfaction (CSAT)")
    NPS = "nps", pgettext_lazy("survey kind", "Net promoter (NPS)")


# The scale of each kind: CSAT 1 (very dissatisfied) to 5, NPS 0 (not at all likely) to 10.
SCALES = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}


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
    # The last time the customer changed the answer (answered_at is the first answer).
    changed_at = models.DateTimeField(_("answer changed"), null=True, blank=True)
    # The e-mail goes after the commit: queued, then sent or failed.
    delivery = models.CharField(_("delivery"), max_length=10, blank=True)
    # The task a low score opened for the ticket's or the account's owner.
    follow_up = models.ForeignKey(
        "customers.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up task"),
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "answered_at"]),
            models.Index(fields=["contact", "kind", "sent_at"], name="survey_contact_idx"),
        ]
        constraints = [
            # Never two unanswered CSAT surveys for one ticket (a reopened and solved
            # again ticket keeps its first link).
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(kind="csat", answered_at__isnull=True),
                name="one_open_csat_per_ticket",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(kind="csat", score__gte=1, score__lte=5)
                | Q(kind="nps", score__lte=10),
                name="survey_score_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("service:survey_detail", args=[self.pk])

    @property
    def scale(self) -> range:
        low, high = SCALES[SurveyKind(self.kind)]
        return range(low, high + 1)
