"""Technicians' calendars: their own weekly working hours (overriding their service
point's business calendar) and their time off, both checked when visits are scheduled."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeOffReason(models.TextChoices):
    LEAVE = "leave", pgettext_lazy("time off", "Leave")
    SICK = "sick", pgettext_lazy("time off", "Sick")
    TRAINING = "training", pgettext_lazy("time off", "Training")
    OTHER = "other", pgettext_lazy("time off", "Other")


class TechnicianHours(models.Model):
    """One working interval of a weekday (0 = Monday) of a technician; a technician with
    any such rows works by them instead of their service point's opening hours."""

    technician = models.ForeignKey(
        "service.Technician", on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))

    class Meta:
        ordering = ["technician", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="technician_weekday_0_to_6"),
            models.CheckConstraint(
                condition=Q(starts__lt=F("ends")), name="technician_hours_start_before_end"
            ),
        ]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.weekday}: {self.starts:%H:%M}–{self.ends:%H:%M}"


class TimeOff(models.Model):
    """A technician's absence (leave, sickness, training…): no visit may be scheduled
    for them in it."""

    technician = models.ForeignKey(
        "service.Technician",
        on_delete=models.CASCADE,
        related_name="time_off",
        verbose_name=_("technician"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(
        _("reason"), max_length=10, choices=TimeOffReason.choices, default=TimeOffReason.LEAVE
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["technician", "starts_at", "pk"]
        indexes = [models.Index(fields=["technician", "ends_at"], name="time_off_tech_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="time_off_ends_after_start"
            )
        ]
        verbose_name = _("time off")
        verbose_name_plural = _("time off")

    def __str__(self) -> str:
        return (
            f"{self.technician_id}: {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"
        )
