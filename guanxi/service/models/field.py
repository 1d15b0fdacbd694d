"""Field service: service points covering areas of the country, their technicians,
and visits to customers' sites for tickets, with the parts used and the outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("visit status", "Requested")
    SCHEDULED = "scheduled", pgettext_lazy("visit status", "Scheduled")
    EN_ROUTE = "en_route", pgettext_lazy("visit status", "En route")
    ON_SITE = "on_site", pgettext_lazy("visit status", "On site")
    DONE = "done", pgettext_lazy("visit status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("visit status", "Cancelled")
    NO_ACCESS = "no_access", pgettext_lazy("visit status", "No access")


# A visit in one of these still needs the service point's work.
OPEN_VISIT = (
    VisitStatus.REQUESTED,
    VisitStatus.SCHEDULED,
    VisitStatus.EN_ROUTE,
    VisitStatus.ON_SITE,
)
# A technician is busy in the window of a visit in one of these.
BOOKED_VISIT = (VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE)


class VisitOutcome(models.TextChoices):
    FIXED = "fixed", pgettext_lazy("visit outcome", "Fixed")
    ANOTHER_VISIT = "another_visit", pgettext_lazy("visit outcome", "Needs another visit")
    NOT_FIXABLE = "not_fixable", pgettext_lazy("visit outcome", "Not fixable")
    CUSTOMER_ABSENT = "customer_absent", pgettext_lazy("visit outcome", "Customer absent")


class ServicePoint(models.Model):
    """A place technicians set out from, with the provinces, cities and districts it
    covers (``coverage``: a list of ``{"province", "city", "district"}``, the province a
    code of ``guanxi.lib.regions``, city and district blank for "all of it")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    street = models.CharField(_("street"), max_length=300, blank=True)
    coverage = models.JSONField(_("coverage area"), default=list, blank=True)
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    calendar = models.ForeignKey(
        "service.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("business calendar"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("service:field_point_detail", args=[self.pk])


class Technician(models.Model):
    """A user who visits customers from one service point, with the product categories
    or free tags they can work on (``skills``, a list of strings)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="technician",
        verbose_name=_("user"),
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        related_name="technicians",
        verbose_name=_("service point"),
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["service_point", "pk"]
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")

    def __str__(self) -> str:
        return str(self.user)

    def has_skill(self, skill: str) -> bool:
        wanted = skill.strip().casefold()
        return not wanted or wanted in {str(s).strip().casefold() for s in self.skills}


class Visit(models.Model):
    """A technician's visit to the customer of a ticket: requested, scheduled in a
    window, worked, and done with an outcome. ``owner`` is the technician's user and
    ``team`` the service point's team (copied, so access rules are single-valued)."""

    ticket = models.ForeignKey(
        "service.Ticket", on_delete=models.CASCADE, related_name="visits", verbose_name=_("ticket")
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("service point"),
    )
    technician = models.ForeignKey(
        Technician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
        verbose_name=_("technician"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("technician"),
    )
    team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    skill = models.CharField(_("skill needed"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scheduled_start = models.DateTimeField(_("window start"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("window end"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    travel_minutes = models.PositiveIntegerField(_("travel minutes"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=VisitOutcome.choices, blank=True
    )
    report = models.TextField(_("report"), blank=True)
    notes = models.TextField(_("notes for the technician"), blank=True)
    # Set once by the overdue check; the managers were told then.
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True, db_index=True)
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        verbose_name=_("repeat repair of"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["service_point", "status"], name="visit_point_status_idx"),
            models.Index(fields=["technician", "scheduled_start"], name="visit_tech_window_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_start__isnull=True)
                | Q(scheduled_end__isnull=True)
                | Q(scheduled_end__gt=F("scheduled_start")),
                name="visit_window_ends_after_start",
            )
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"V-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("service:visit_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_VISIT

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.status in OPEN_VISIT


class VisitPart(models.Model):
    """A part used on a visit: the product, how many and, for a serialised part, its
    serial number."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="parts")
    product = models.ForeignKey(
        "sales.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"
