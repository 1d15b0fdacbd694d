"""Cross-sell: product associations ("customers who bought X also bought Y") from the
order history, per-product buyers and average price (for up-sell), and the refresh
that computed them. Written only by ``services/cross_sell.py``, every night."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductAssociation(models.Model):
    """The rule antecedent → consequent over customers: of ``antecedent_buyers``
    customers who bought the antecedent, ``pair_buyers`` also bought the consequent."""

    antecedent = models.ForeignKey(
        "sales.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("bought")
    )
    consequent = models.ForeignKey(
        "sales.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("also bought")
    )
    pair_buyers = models.PositiveIntegerField(_("customers who bought both"))
    antecedent_buyers = models.PositiveIntegerField(_("customers who bought the first"))
    consequent_buyers = models.PositiveIntegerField(_("customers who bought the second"))
    support = models.FloatField(_("support"))
    confidence = models.FloatField(_("confidence"))
    lift = models.FloatField(_("lift"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["-lift", "-confidence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["antecedent", "consequent"], name="one_association_per_pair"
            )
        ]
        indexes = [
            models.Index(fields=["antecedent", "-confidence"], name="association_rule_idx"),
        ]
        verbose_name = _("product association")
        verbose_name_plural = _("product associations")

    def __str__(self) -> str:
        return f"{self.antecedent_id} → {self.consequent_id}"


class ProductStat(models.Model):
    """How many customers bought a product and the average net unit price they paid
    (base currency), for up-sell within a category."""

    product = models.OneToOneField(
        "sales.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    buyers = models.PositiveIntegerField(_("customers"))
    average_price = models.DecimalField(
        _("average unit price"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["product_id"]
        verbose_name = _("product sales summary")
        verbose_name_plural = _("product sales summaries")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.buyers}"


class AssociationRefresh(models.Model):
    """One refresh of the associations: how many customers' purchases it read and the
    thresholds it used."""

    customers = models.PositiveIntegerField(_("customers"))
    products = models.PositiveIntegerField(_("products"))
    rules = models.PositiveIntegerField(_("rules"))
    min_support = models.FloatField(_("minimum support"))
    min_pair_buyers = models.PositiveIntegerField(_("minimum customers per pair"))
    observation_end = models.DateField(_("data up to"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["-computed_at", "-pk"]
        verbose_name = _("association refresh")
        verbose_name_plural = _("association refreshes")

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"
