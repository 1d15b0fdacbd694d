"""Activities: calls, emails, meetings, notes and tasks, linked to accounts and contacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Trashable
from guanxi.customers.choices import ActivityKind, Direction, TaskStatus


class Activity(Trashable):
    """One touchpoint with customers, or a task about them.

    ``at`` is when it happened (call, email, note), when it starts (meeting) or when it
    is due (task); the timeline is ordered by it.
    """

    kind = models.CharField(_("type"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("notes"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    at = models.DateTimeField(_("when"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.DONE
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_activities",
        verbose_name=_("assigned to"),
    )
    reminder_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    accounts = models.ManyToManyField(
        "customers.Account", blank=True, related_name="activities", verbose_name=_("accounts")
    )
    contacts = models.ManyToManyField(
        "customers.Contact", blank=True, related_name="activities", verbose_name=_("contacts")
    )
    # E-mail thread headers, so that replies can be joined to the conversation.
    email_from = models.CharField(_("from"), max_length=254, blank=True)
    email_to = models.CharField(_("to"), max_length=1000, blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_activities",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["assignee", "status", "at"], name="activity_agenda_idx"),
            models.Index(fields=["status", "reminder_at"], name="activity_reminder_idx"),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("customers:activity_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN
