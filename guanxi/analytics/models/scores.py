"""Stored results of customer analytics: one score row per customer, the model fits
they came from and the recompute runs. Pages and the API read these rows; only the
recompute services write them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.choices import SEGMENT_MEANINGS, FitKind, RunKind, RunStatus, Segment


class ModelFit(models.Model):
    """One fitted model: BG/NBD or Gamma-Gamma parameters (maximum likelihood), or the
    RFM quintile cut-offs of a full run. The latest of each kind scores new data."""

    kind = models.CharField(_("kind"), max_length=12, choices=FitKind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    log_likelihood = models.FloatField(_("log-likelihood"), null=True, blank=True)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    iterations = models.PositiveIntegerField(_("iterations"), default=0)
    observation_end = models.DateField(_("data up to"))
    fitted_at = models.DateTimeField(_("fitted"), auto_now_add=True)
    # The full run that fitted it: a run's fits are used together (a run that could
    # fit no BG/NBD model must not fall back on an older one).
    run = models.ForeignKey(
        "analytics.RecomputeRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fits",
        verbose_name=_("run"),
    )

    class Meta:
        ordering = ["-fitted_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-fitted_at"], name="modelfit_kind_idx")]
        verbose_name = _("model fit")
        verbose_name_plural = _("model fits")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fitted_at:%Y-%m-%d}"


class CustomerScore(models.Model):
    """A customer's RFM scores and segment and, when a model could be fitted, their
    BG/NBD and Gamma-Gamma predictions and lifetime value. Times in weeks, money in the
    base currency; see docs/analytics.md."""

    account = models.OneToOneField(
        "customers.Account",
        on_delete=models.CASCADE,
        related_name="score",
        verbose_name=_("account"),
    )
    recency_score = models.PositiveSmallIntegerField(_("R score"))
    frequency_score = models.PositiveSmallIntegerField(_("F score"))
    monetary_score = models.PositiveSmallIntegerField(_("M score"))
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    # Inputs of the RFM scores.
    orders_count = models.PositiveIntegerField(_("orders"))
    first_order_date = models.DateField(_("first order"))
    last_order_date = models.DateField(_("last order"))
    recency_days = models.PositiveIntegerField(_("days since last order"))
    total_spend = models.DecimalField(_("net spend"), max_digits=16, decimal_places=2)
    # The BG/NBD and Gamma-Gamma summary (lifetimes' conventions, in weeks).
    frequency = models.PositiveIntegerField(_("repeat purchases (x)"))
    recency = models.FloatField(_("weeks from first to last purchase (t_x)"))
    age = models.FloatField(_("weeks since first purchase (T)"))
    monetary = models.DecimalField(
        _("mean repeat purchase"), max_digits=16, decimal_places=2, default=0
    )
    # Predictions: empty while no model could be fitted.
    p_alive = models.FloatField(_("probability still active"), null=True, blank=True)
    expected_purchases = models.FloatField(_("expected purchases"), null=True, blank=True)
    expected_spend = models.DecimalField(
        _("expected spend per purchase"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    predicted_value = models.DecimalField(
        _("predicted value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    clv = models.DecimalField(
        _("lifetime value"), max_digits=16, decimal_places=2, null=True, blank=True, db_index=True
    )
    horizon_months = models.PositiveSmallIntegerField(_("horizon (months)"), default=12)
    observation_end = models.DateField(_("data up to"))
    computed_at = models.DateTimeField(_("computed"))
    # The same three fits for every row of a full run, new ones at every refit: no
    # index on them (never looked up from this side; each would get a new entry for
    # every row every night) and no database constraint (PostgreSQL would check each
    # changed id row by row when the run commits). Django still sets them to NULL
    # when a fit is deleted (``on_delete``). See docs/benchmarks.md.
    rfm_fit = models.ForeignKey(
        ModelFit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    model_fit = models.ForeignKey(
        ModelFit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("BG/NBD fit"),
        db_index=False,
        db_constraint=False,
    )
    spend_fit = models.ForeignKey(
        ModelFit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Gamma-Gamma fit"),
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["account_id"]
        indexes = [models.Index(fields=["segment", "account"], name="score_segment_idx")]
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.segment}"

    @property
    def rfm(self) -> str:
        return f"{self.recency_score}{self.frequency_score}{self.monetary_score}"

    @property
    def segment_meaning(self) -> str:
        return str(SEGMENT_MEANINGS[Segment(self.segment)])


class RecomputeRun(models.Model):
    """One recompute (full or of the changed customers): its progress while it runs,
    and what it found (e.g. why no lifetime-value model could be fitted)."""

    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    customers_total = models.PositiveIntegerField(_("customers"), default=0)
    customers_done = models.PositiveIntegerField(_("done"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if not self.customers_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, self.customers_done * 100 // self.customers_total)

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
