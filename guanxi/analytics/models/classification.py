"""Customer classification: the four classes of each customer (purchase behaviour,
value, needs, loyalty), their lifecycle stage and the key-account flag, computed from
data by configurable rules. Only ``services/classification.py`` writes these rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PurchaseClass(models.TextChoices):
    REGULAR = "regular", pgettext_lazy("purchase class", "Regular")
    OCCASIONAL = "occasional", pgettext_lazy("purchase class", "Occasional")
    POTENTIAL = "potential", pgettext_lazy("purchase class", "Potential")
    LOST = "lost", pgettext_lazy("purchase class", "Lost")


class ValueClass(models.TextChoices):
    HIGH = "high", pgettext_lazy("value class", "High value")
    MEDIUM = "medium", pgettext_lazy("value class", "Medium value")
    LOW = "low", pgettext_lazy("value class", "Low value")
    NEGATIVE = "negative", pgettext_lazy("value class", "Negative value")


class NeedsClass(models.TextChoices):
    FUNCTIONAL = "functional", pgettext_lazy("needs class", "Functional")
    QUALITY = "quality", pgettext_lazy("needs class", "Quality")
    EMOTIONAL = "emotional", pgettext_lazy("needs class", "Emotional")
    SOCIAL = "social", pgettext_lazy("needs class", "Social")


class LoyaltyClass(models.TextChoices):
    HIGH = "high", pgettext_lazy("loyalty class", "High loyalty")
    MEDIUM = "medium", pgettext_lazy("loyalty class", "Medium loyalty")
    LOW = "low", pgettext_lazy("loyalty class", "Low loyalty")
    NONE = "none", pgettext_lazy("loyalty class", "No loyalty")


class LifecycleStage(models.TextChoices):
    POTENTIAL = "potential", pgettext_lazy("lifecycle stage", "Potential")
    NEW = "new", pgettext_lazy("lifecycle stage", "New")
    GROWTH = "growth", pgettext_lazy("lifecycle stage", "Growth")
    MATURE = "mature", pgettext_lazy("lifecycle stage", "Mature")
    DECLINE = "decline", pgettext_lazy("lifecycle stage", "Decline")
    CHURNED = "churned", pgettext_lazy("lifecycle stage", "Churned")


class ClassificationRules(models.Model):
    """One version of the thresholds and mappings (``rules``, see
    ``services/classification_rules.py``). Saving never edits a row: it adds the next
    version, so every stored class names the rules it was computed with."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    rules = models.JSONField(_("rules"), default=dict)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("classification rules")
        verbose_name_plural = _("classification rules")

    def __str__(self) -> str:
        return f"v{self.version}"


class CustomerClass(models.Model):
    """A customer's classes, lifecycle stage and key-account flag, with the numbers
    they came from (``inputs``) and the rules version used."""

    account = models.OneToOneField(
        "customers.Account",
        on_delete=models.CASCADE,
        related_name="customer_class",
        verbose_name=_("account"),
    )
    purchase = models.CharField(
        _("purchase behaviour"), max_length=12, choices=PurchaseClass.choices
    )
    value = models.CharField(_("value"), max_length=10, choices=ValueClass.choices)
    needs = models.CharField(_("needs"), max_length=12, choices=NeedsClass.choices, blank=True)
    loyalty = models.CharField(_("loyalty"), max_length=8, choices=LoyaltyClass.choices)
    stage = models.CharField(_("lifecycle stage"), max_length=10, choices=LifecycleStage.choices)
    stage_since = models.DateField(_("in this stage since"))
    is_key_account = models.BooleanField(_("key account"), default=False)
    key_reasons = models.JSONField(_("key-account reasons"), default=list, blank=True)
    # The measures the rules were applied to (see docs/customer-classification.md).
    inputs = models.JSONField(_("inputs"), default=dict)
    margin = models.DecimalField(_("net value"), max_digits=16, decimal_places=2, default=0)
    rules = models.ForeignKey(
        ClassificationRules,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rules version"),
    )
    observation_end = models.DateField(_("data up to"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["account_id"]
        indexes = [
            models.Index(fields=["stage", "account"], name="class_stage_idx"),
            models.Index(fields=["value", "account"], name="class_value_idx"),
            models.Index(fields=["is_key_account", "account"], name="class_key_idx"),
        ]
        verbose_name = _("customer class")
        verbose_name_plural = _("customer classes")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.purchase}/{self.value}/{self.stage}"
