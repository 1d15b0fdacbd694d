"""Leads: people and companies who may become customers, and how they are routed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Trashable
from guanxi.sales.choices import AssignmentMethod, DisqualifyReason, LeadSource, LeadStatus


class Lead(Trashable):
    """A prospect not yet qualified: a person, usually at a company.

    ``score`` and ``score_reasons`` are kept by the scoring service (each reason says
    which rule added how many points); ``assignment_reason`` says why the owner got it.
    """

    status = models.CharField(
        _("status"), max_length=15, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    source = models.CharField(
        _("source"), max_length=15, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    full_name = models.CharField(_("name"), max_length=201, editable=False, db_index=True)
    name_pinyin = models.CharField(_("name (pinyin)"), max_length=400, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    country = models.CharField(_("country"), max_length=2, default="CN")
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=20, blank=True)
    size = models.CharField(_("company size"), max_length=10, blank=True)
    description = models.TextField(_("notes"), blank=True)
    wants_call = models.BooleanField(
        _("asked to be called"),
        default=False,
        help_text=_("The visitor asked a salesperson to get in touch."),
    )
    first_contact_due = models.DateTimeField(_("first contact due"), null=True, blank=True)
    first_contacted_at = models.DateTimeField(_("first contacted"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    score = models.IntegerField(_("score"), default=0, db_index=True)
    score_reasons = models.JSONField(_("why this score"), default=list, blank=True)
    predicted_score = models.FloatField(_("predicted conversion"), null=True, blank=True)
    predicted_reasons = models.JSONField(_("why this prediction"), default=list, blank=True)
    predicted_by = models.ForeignKey(
        "sales.LeadScoreModel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disqualify_reason = models.CharField(
        _("disqualified because"), max_length=20, choices=DisqualifyReason.choices, blank=True
    )
    disqualify_note = models.CharField(_("note"), max_length=300, blank=True)
    assignment_reason = models.CharField(_("why this owner"), max_length=300, blank=True)
    consent_email = models.BooleanField(_("agreed to receive email"), default=False)
    consent_wording = models.TextField(_("consent wording shown"), blank=True)
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    converted_account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_deal = models.ForeignKey(
        "sales.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_leads",
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
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="+", verbose_name=_("tags"))
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    activities = models.ManyToManyField(
        "customers.Activity", blank=True, related_name="leads", verbose_name=_("activities")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status"], name="lead_owner_status_idx"),
            models.Index(fields=["status", "first_contact_due"], name="lead_first_contact_idx"),
        ]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.company})" if self.company else self.full_name

    def get_absolute_url(self) -> str:
        return reverse("sales:lead_detail", args=[self.pk])


class AssignmentRule(models.Model):
    """Who gets a new lead: the first active rule (by position) whose condition matches.

    A condition is one lead field (source, province, city, country, industry, size) equal
    to a value, or always; the lead goes to one user or round robin within a team."""

    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("when field"), max_length=30, blank=True)
    value = models.CharField(_("equals"), max_length=100, blank=True)
    method = models.CharField(
        _("assign"), max_length=15, choices=AssignmentMethod.choices, default=AssignmentMethod.USER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("team"),
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")

    def __str__(self) -> str:
        return self.name


class ScoringRule(models.Model):
    """Points a lead earns when one of its fields equals a value (fit), or per
    activity logged on it (engagement: field ``activities``)."""

    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("field"), max_length=30)
    value = models.CharField(_("equals"), max_length=100, blank=True)
    points = models.IntegerField(_("points"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["field", "pk"]
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")

    def __str__(self) -> str:
        return self.name
