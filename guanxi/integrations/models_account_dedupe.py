"""Duplicate accounts: pairs found by the scan, merges kept so they can be undone, and
the scan's bookmark for incremental runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.integrations.models_pairs import MergeBase, PairBase


class AccountPair(PairBase):
    """Two accounts that may be one company; ``first`` always has the smaller id."""

    first = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    second = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_account_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="account_pair_ordered"
            ),
        ]
        # The duplicates page and the API: the open pairs, best first, a page at a time.
        indexes = [models.Index(fields=["status", "-score", "id"], name="account_pair_queue")]
        verbose_name = _("possible duplicate account")
        verbose_name_plural = _("possible duplicate accounts")


class AccountMerge(MergeBase):
    """One merge of account ``other`` into ``survivor``, with what undo needs."""

    survivor = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="+", verbose_name=_("kept")
    )
    other = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="+", verbose_name=_("merged")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account merge")
        verbose_name_plural = _("account merges")


class ScanMark(models.Model):
    """When the scheduled scan of one kind of record (contacts, accounts) last ran, so the
    next run scores only what changed since."""

    kind = models.CharField(_("records"), max_length=40, unique=True)
    scanned_at = models.DateTimeField(_("last scan"))

    class Meta:
        verbose_name = _("duplicate scan")
        verbose_name_plural = _("duplicate scans")

    def __str__(self) -> str:
        return f"{self.kind} @ {self.scanned_at:%Y-%m-%d %H:%M}"
