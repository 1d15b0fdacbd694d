"""Deals moving through configurable pipelines of stages, with their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Trashable
from guanxi.sales.choices import ForecastCategory, LostReason, StageKind

# The default pipeline Guanxi ships: code, English name, probability, kind.
BUILTIN_STAGES = [
    ("first_contact", "First contact", 10, "open"),
    ("needs_analysis", "Needs analysis", 25, "open"),
    ("proposal", "Proposal", 50, "open"),
    ("negotiation", "Negotiation", 75, "open"),
    ("won", "Won", 100, "won"),
    ("lost", "Lost", 0, "lost"),
]
BUILTIN_STAGES_EN = {code: name for code, name, _p, _k in BUILTIN_STAGES}
BUILTIN_STAGE_NAMES = {
    "first_contact": _("First contact"),
    "needs_analysis": _("Needs analysis"),
    "proposal": _("Proposal"),
    "negotiation": _("Negotiation"),
    "won": _("Won"),
    "lost": _("Lost"),
}


class Pipeline(models.Model):
    """A sales process: an ordered list of stages. One pipeline is the default."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_pipeline"
            )
        ]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """One step of a pipeline, with the default probability of winning from it."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"), max_length=30, blank=True, help_text=_("Set on the stages Guanxi ships.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=10)
    kind = models.CharField(_("kind"), max_length=5, choices=StageKind.choices, default="open")

    class Meta:
        ordering = ["pipeline", "position", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        """Shipped stages read in the reader's language until someone renames them."""
        shipped = BUILTIN_STAGE_NAMES.get(self.code)
        if shipped is not None and self.name == BUILTIN_STAGES_EN.get(self.code):
            return str(shipped)
        return self.name


class Deal(Trashable):
    """An opportunity to sell to an account, moving through a pipeline's stages."""

    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.PROTECT,
        related_name="deals",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("contact"),
    )
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.PROTECT, related_name="deals", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage")
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=10)
    expected_close = models.DateField(_("expected close"), null=True, blank=True, db_index=True)
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    competitors = models.CharField(_("competitors"), max_length=300, blank=True)
    lost_reason = models.CharField(
        _("lost because"), max_length=15, choices=LostReason.choices, blank=True
    )
    lost_note = models.CharField(_("note"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    source_lead = models.ForeignKey(
        "sales.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_deals",
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
        "customers.Activity", blank=True, related_name="deals", verbose_name=_("activities")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["pipeline", "stage", "owner"], name="deal_board_idx"),
            models.Index(fields=["owner", "expected_close"], name="deal_owner_close_idx"),
            # The board's cards: the first live deals of a stage by expected close.
            models.Index(
                fields=["pipeline", "stage", "expected_close", "id"],
                condition=Q(deleted_at__isnull=True),
                name="deal_board_cards_idx",
            ),
        ]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:deal_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage.kind == StageKind.OPEN


class DealStageChange(models.Model):
    """A deal moved from one stage to another: who, when, and how long it had stayed."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    seconds_in_previous = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"
