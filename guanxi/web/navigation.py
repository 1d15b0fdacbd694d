"""The main navigation: each entry shows only when the user's roles allow it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.core.access import can


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    object_type: str | None = None  # shown when the user may ``action`` this type
    admin_only: bool = False
    action: str = "view"  # the action on object_type the entry needs


NAV_ITEMS: list[NavItem] = [
    NavItem(_("My day"), "web:home"),
    NavItem(_("Accounts"), "customers:account_list", object_type="customers.account"),
    NavItem(_("Contacts"), "customers:contact_list", object_type="customers.contact"),
    NavItem(_("Leads"), "sales:lead_list", object_type="sales.lead"),
    NavItem(_("Activities"), "customers:activity_list", object_type="customers.activity"),
    NavItem(_("Deals"), "sales:deal_list", object_type="sales.deal"),
    NavItem(_("Quotes"), "sales:quote_list", object_type="sales.quote"),
    NavItem(_("Orders"), "sales:order_list", object_type="sales.order"),
    NavItem(_("Revenue report"), "sales:revenue_report", object_type="sales.order"),
    NavItem(_("Exchange rates"), "sales:exchange_rate_list", object_type="sales.exchangerate"),
    NavItem(_("Products"), "sales:product_list", object_type="sales.product"),
    NavItem(_("Forecast"), "sales:forecast", object_type="sales.deal"),
    NavItem(_("Performance"), "sales:performance", object_type="sales.deal"),
    NavItem(_("Customer scores"), "analytics:score_list", "analytics.customerscore"),
    NavItem(_("Tickets"), "service:ticket_list", object_type="service.ticket"),
    NavItem(_("Ticket categories"), "service:category_list", "service.category", action="change"),
    NavItem(_("SLA policies"), "service:sla_policy_list", "service.slapolicy", action="change"),
    NavItem(
        _("Business calendars"),
        "service:calendar_list",
        object_type="service.businesscalendar",
        action="change",
    ),
    NavItem(_("Calendar"), "customers:calendar"),
    NavItem(_("Email templates"), "customers:email_template_list", admin_only=True),
    NavItem(_("Import"), "integrations:import_list", "customers.contact", action="add"),
    NavItem(_("Duplicates"), "integrations:duplicate_list", "customers.contact", action="change"),
    NavItem(_("Tags"), "core:tag_list", object_type="core.tag"),
    NavItem(_("Customer tiers"), "customers:tier_list", admin_only=True),
    NavItem(_("Custom fields"), "core:custom_field_list", admin_only=True),
    NavItem(_("Web forms"), "core:public_form_list", admin_only=True),
    NavItem(_("Users"), "core:user_list", object_type="core.user"),
    NavItem(_("Teams"), "core:team_list", object_type="core.team"),
    NavItem(_("Roles"), "core:role_list", object_type="core.role", admin_only=True),
    NavItem(_("Audit log"), "core:audit_list", object_type="core.auditentry"),
]


def visible_items(user: Any) -> list[dict[str, Any]]:
    items = []
    for item in NAV_ITEMS:
        if item.object_type and not can(user, item.object_type, item.action):
            continue
        if item.admin_only and not user.is_superuser:
            continue
        items.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
    return items
