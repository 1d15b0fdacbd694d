"""The customer dashboard's panels from classification and churn: the value mix, the
moves between lifecycle stages in the period, key accounts and customers at risk —
each narrowed to what the user may see and to the chosen team and region."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.analytics.models.churn import RiskLevel
from guanxi.analytics.models.classification import LifecycleStage, ValueClass
from guanxi.analytics.selectors_churn import risks_visible_to
from guanxi.analytics.selectors_classification import (
    classes_visible_to,
    key_accounts_visible_to,
    transitions_visible_to,
)
from guanxi.core.dashboards import Filters, Table

TOP = 20  # rows of the key-account and at-risk panels (their pages list them all)


def _narrowed(queryset: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    if filters.team_id is not None:
        queryset = queryset.filter(account__team_id=filters.team_id)
    if filters.region:
        queryset = queryset.filter(account__province=filters.region)
    return queryset


def _account_url(account_id: int) -> str:
    return reverse("customers:account_detail", args=[account_id])


def value_mix_panel(user: Any, filters: Filters) -> Table:
    rows = {
        row["value"]: row
        for row in _narrowed(classes_visible_to(user), filters)
        .order_by()
        .values("value")
        .annotate(customers=Count("pk"), margin=Sum("margin"))
    }
    total = sum(row["customers"] for row in rows.values()) or 1
    classes = reverse("analytics:class_list")
    shown = [(value, label) for value, label in ValueClass.choices if value in rows]
    return Table(
        columns=[_("Value class"), _("Customers"), _("Share"), _("Net value")],
        formats=["text", "int", "percent", "money"],
        rows=[
            [str(label), rows[v]["customers"], rows[v]["customers"] / total, rows[v]["margin"]]
            for v, label in shown
        ],
        links=[f"{classes}?value={value}" for value, _label in shown],
        empty=_("No customer is classified yet."),
    )


def lifecycle_moves_panel(user: Any, filters: Filters) -> Table:
    names = dict(LifecycleStage.choices)
    moves = list(
        _narrowed(transitions_visible_to(user), filters)
        .filter(date__gte=filters.date_from, date__lte=filters.date_to)
        .order_by()
        .values_list("from_stage", "to_stage")
        .annotate(n=Count("pk"))
    )
    moves.sort(key=lambda move: (-move[2], move[0], move[1]))
    first = _("(first classified)")
    return Table(
        columns=[_("From"), _("To"), _("Customers")],
        formats=["text", "text", "int"],
        rows=[
            [str(names.get(source, first)), str(names.get(target, target)), count]
            for source, target, count in moves
        ],
        empty=_("No customer changed stage in this period."),
    )


def key_accounts_panel(user: Any, filters: Filters) -> Table:
    accounts = list(
        _narrowed(key_accounts_visible_to(user), filters).select_related("account")[:TOP]
    )
    return Table(
        columns=[_("Account"), _("Value class"), _("Net value"), _("Lifecycle stage")],
        formats=["text", "text", "money", "text"],
        rows=[
            [c.account.name, c.get_value_display(), c.margin, c.get_stage_display()]
            for c in accounts
        ],
        links=[_account_url(c.account_id) for c in accounts],
        empty=_("No key accounts."),
    )


def at_risk_panel(user: Any, filters: Filters) -> Table:
    risks = list(
        _narrowed(risks_visible_to(user), filters)
        .exclude(level=RiskLevel.LOW)
        .order_by("-value_at_stake", "account_id")[:TOP]
    )
    return Table(
        columns=[_("Account"), _("Level"), _("Churn risk"), _("Value at stake"), _("Owner")],
        formats=["text", "text", "percent", "money", "text"],
        rows=[
            [r.account.name, r.get_level_display(), r.risk, r.value_at_stake, str(r.account.owner)]
            for r in risks
        ],
        links=[_account_url(r.account_id) for r in risks],
        empty=_("No customer at medium or high risk."),
    )
