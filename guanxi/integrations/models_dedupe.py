"""Duplicate contacts: pairs found by the scan, and merges kept so they can be undone."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.integrations.models_pairs import MergeBase, PairBase, PairStatus

__all__ = ["DuplicatePair", "DuplicateScan", "Merge", "PairStatus", "ScanStatus"]


class DuplicatePair(PairBase):
    """Two contacts that may be one person; ``first`` always has the smaller id."""

    first = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    second = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_duplicate_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]
        # The duplicates page: the open pairs, best first, a page at a time.
        indexes = [models.Index(fields=["status", "-score", "id"], name="duplicate_pair_queue")]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")


class Merge(MergeBase):
    """One merge of ``other`` into ``survivor``, with everything needed to undo it."""

    survivor = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("kept")
    )
    other = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("merged")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Scanning")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DuplicateScan(models.Model):
    """A full scan someone asked for ("Scan now"). It runs in the background: over a
    large base it takes minutes, longer than a page may wait."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ScanStatus.choices, default=ScanStatus.QUEUED
    )
    accounts = models.BooleanField(_("accounts too"), default=False)
    open_pairs = models.PositiveIntegerField(_("possible duplicate contacts"), null=True)
    open_account_pairs = models.PositiveIntegerField(_("possible duplicate accounts"), null=True)
    error = models.TextField(_("error"), blank=True)
    # True while waiting or running, NULL after: at most one scan is ever under way
    # (a unique column admits many NULLs), however many people ask at once.
    active = models.BooleanField(null=True, default=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["active"], name="one_duplicate_scan_under_way")
        ]
        verbose_name = _("duplicate scan request")
        verbose_name_plural = _("duplicate scan requests")

    def __str__(self) -> str:
        return f"{self.get_status_display()} @ {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def lost(self) -> bool:
        """Under way for longer than any scan takes: its worker stopped."""
        return self.active is True and self.requested_at < timezone.now() - LOST_AFTER

    @property
    def in_progress(self) -> bool:
        under_way = self.status in (ScanStatus.QUEUED, ScanStatus.RUNNING)
        return under_way and self.active is True and not self.lost


# A scan not finished this long after it was asked for is taken as lost (its worker
# died): the page stops waiting for it and asking again starts another.
LOST_AFTER = timedelta(hours=6)
