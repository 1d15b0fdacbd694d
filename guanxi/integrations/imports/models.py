"""Imports (contacts, accounts, leads, products, activities, orders): the uploaded file, its
column mapping, the rows that failed and the records each import created (so it can be
rolled back)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportTarget(models.TextChoices):
    CONTACTS = "customers.contact", _("Contacts")
    ACCOUNTS = "customers.account", _("Accounts")
    LEADS = "sales.lead", _("Leads")
    PRODUCTS = "sales.product", _("Products")
    ACTIVITIES = "customers.activity", _("Activities")
    ORDERS = "sales.order", _("Orders")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking the file")  # a large file's check, in the background
    DRY_RUN_DONE = "dry_run_done", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Link to and update the existing record")
    CREATE = "create", _("Create anyway")


class LikelyDuplicates(models.TextChoices):
    """What happens to a contact or account row the duplicate engine finds likely to be
    an existing record (no exact match): it is listed either way."""

    CREATE = "create", _("Create it anyway and list it")
    SKIP = "skip", _("Skip it and list it")


class ImportTemplate(models.Model):
    """A named column mapping, reused for the next file from the same old system."""

    name = models.CharField(_("name"), max_length=100)
    target = models.CharField(_("records"), max_length=40, choices=ImportTarget.choices)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("import template")
        verbose_name_plural = _("import templates")

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One uploaded file being checked and imported. The bytes live in the row itself
    (private, capped by UPLOAD_MAX_BYTES, deleted with the job, never served by URL);
    ``next_row`` is the checkpoint a resumed import starts from."""

    target = models.CharField(_("records"), max_length=40, choices=ImportTarget.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, blank=True)
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict)
    options = models.JSONField(_("options"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    next_row = models.PositiveIntegerField(_("next row"), default=0)
    # While a large contacts file is checked (in parts): the rows checked so far.
    checked_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename


class ProblemKind(models.TextChoices):
    ERROR = "error", _("Error")  # the row is not imported
    WARNING = "warning", _("Warning")  # imported (or skipped as chosen), worth a look


class ImportRowError(models.Model):
    """Why one cell (or row) of the file cannot be imported, or a warning about it (a
    likely duplicate, a repeat of an earlier row); ``dry_run`` marks checks."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=255, blank=True)
    value = models.CharField(_("value"), max_length=500, blank=True)
    message = models.CharField(_("reason"), max_length=500)
    dry_run = models.BooleanField(_("found by the check"), default=False)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ProblemKind.choices, default=ProblemKind.ERROR
    )

    class Meta:
        ordering = ["row", "pk"]
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"


class ImportRecord(models.Model):
    """A record an import created; what a rollback moves to the trash."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField(_("row"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("record id"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self) -> str:
        return f"{self.job_id}:{self.content_type_id}:{self.object_id}"
