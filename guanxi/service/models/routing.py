"""Ticket routing rules: ordered conditions on a new ticket (category, product, customer
tier, language, keywords) that send it to a team, and how a team picks the agent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Strategy(models.TextChoices):
    """How a team's agent is chosen for a new ticket."""

    LEAST_LOADED = "least_loaded", _("Least loaded")
    ROUND_ROBIN = "round_robin", _("Round robin")


class RoutingRule(models.Model):
    """Sends a new ticket to ``team`` when every condition given matches; the active
    rules are tried by ``position`` and the first match wins."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Conditions: empty ones are not checked.
    category = models.ForeignKey(
        "service.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category is"),
    )
    product = models.ForeignKey(
        "sales.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product is"),
    )
    product_category = models.CharField(_("product category is"), max_length=100, blank=True)
    tier = models.ForeignKey(
        "customers.CustomerTier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer tier is"),
    )
    language = models.CharField(_("language is"), max_length=10, blank=True)
    # Comma-separated (ASCII or Chinese commas) or one per line; any one matching will do.
    keywords = models.TextField(_("subject or message contains any of"), blank=True)
    # What it does.
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("send to team")
    )
    strategy = models.CharField(
        _("choose the agent by"), max_length=20, choices=Strategy.choices, blank=True
    )
    set_priority = models.CharField(_("set priority"), max_length=10, blank=True)
    set_category = models.ForeignKey(
        "service.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set category"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class TeamRouting(models.Model):
    """A team's way of choosing agents, with the round-robin pointer (the agent who got
    the last ticket), locked with ``select_for_update`` while the next one is chosen."""

    team = models.OneToOneField(
        "core.Team", on_delete=models.CASCADE, related_name="routing", verbose_name=_("team")
    )
    strategy = models.CharField(
        _("choose the agent by"),
        max_length=20,
        choices=Strategy.choices,
        default=Strategy.LEAST_LOADED,
    )
    last_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last agent given a ticket"),
    )

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")

    def __str__(self) -> str:
        return f"{self.team_id}: {self.strategy}"


class TicketRouting(models.Model):
    """How a new ticket was routed: by which rule (its name kept if the rule goes) and
    why it matched, with the strategy that chose the agent."""

    ticket = models.OneToOneField(
        "service.Ticket", on_delete=models.CASCADE, related_name="routing"
    )
    rule = models.ForeignKey(
        RoutingRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="routings",
        verbose_name=_("rule"),
    )
    rule_name = models.CharField(_("rule"), max_length=100)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    strategy = models.CharField(
        _("agent chosen by"), max_length=20, choices=Strategy.choices, blank=True
    )
    created_at = models.DateTimeField(_("routed"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket routing")
        verbose_name_plural = _("ticket routing")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rule_name}"
