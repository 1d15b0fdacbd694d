"""Duplicate contacts: pairs found by the scan, and merges kept so they can be undone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.integrations.models_pairs import MergeBase, PairBase, PairStatus

__all__ = ["DuplicatePair", "Merge", "PairStatus"]


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
