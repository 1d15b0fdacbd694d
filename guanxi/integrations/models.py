"""Exports: who exported which list, with which filters, and the file they got; and the
ids other systems (an ERP, a shop) give Guanxi's records."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class ExportJob(models.Model):
    """One export of a list view; large ones are written in the background."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    object_type = models.CharField(_("records"), max_length=64)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.object_type} ({self.format})"


class ExternalRef(models.Model):
    """A record's id in another system (``source``, such as ``erp``): what that
    system's pushes find the record by. One record may have ids from several systems;
    within a system and a kind of record an id names one record."""

    source = models.CharField(_("source"), max_length=30)
    external_id = models.CharField(_("external id"), max_length=100)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            # The real guarantee that two pushes of one new record make one record.
            models.UniqueConstraint(
                fields=["source", "content_type", "external_id"], name="one_record_per_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="external_ref_record_idx")
        ]
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


from guanxi.integrations.imports.models import (  # noqa: E402,F401  (the import models)
    ImportJob,
    ImportRecord,
    ImportRowError,
    ImportTemplate,
)
from guanxi.integrations.models_account_dedupe import (  # noqa: E402,F401  (accounts)
    AccountMerge,
    AccountPair,
    ScanMark,
)
from guanxi.integrations.models_dedupe import (  # noqa: E402,F401  (duplicates and merges)
    DuplicatePair,
    DuplicateScan,
    Merge,
)
from guanxi.integrations.models_match_rules import (  # noqa: E402,F401  (matching rules)
    MatchRuleSet,
)
