"""The main navigation, grouped by module: each entry shows only when the user's roles
allow it, and a group only when one of its entries does."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
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
    _: KW_ONLY  # the rest by name, so a stray positional never lands in admin_only
    admin_only: bool = False
    action: str = "view"  # the action on object_type the entry needs
    kwargs: tuple[tuple[str, str], ...] = ()  # URL arguments


@dataclass(frozen=True)
class NavGroup:
    """A menu of entries under one heading; shown when at least one entry is."""

    label: str | Promise
    items: tuple[NavItem, ...]


NAV: list[NavItem | NavGroup] = [
    NavItem(_("My day"), "web:home"),
    NavItem(_("Calendar"), "customers:calendar"),
    NavGroup(
        _("Customers"),
        (
            NavItem(_("Accounts"), "customers:account_list", object_type="customers.account"),
            NavItem(_("Contacts"), "customers:contact_list", object_type="customers.contact"),
            NavItem(_("Activities"), "customers:activity_list", "customers.activity"),
            NavItem(_("Import"), "integrations:import_list", "customers.contact", action="add"),
            NavItem(
                _("Duplicates"),
                "integrations:duplicate_list",
                "customers.contact",
                action="change",
            ),
        ),
    ),
    NavGroup(
        _("Sales"),
        (
            NavItem(_("Leads"), "sales:lead_list", object_type="sales.lead"),
            NavItem(_("Deals"), "sales:deal_list", object_type="sales.deal"),
            NavItem(_("Quotes"), "sales:quote_list", object_type="sales.quote"),
            NavItem(_("Orders"), "sales:order_list", object_type="sales.order"),
            NavItem(_("Products"), "sales:product_list", object_type="sales.product"),
            NavItem(_("Forecast"), "sales:forecast", object_type="sales.deal"),
            NavItem(_("Performance"), "sales:performance", object_type="sales.deal"),
            NavItem(_("Revenue report"), "sales:revenue_report", object_type="sales.order"),
            NavItem(_("Exchange rates"), "sales:exchange_rate_list", "sales.exchangerate"),
        ),
    ),
    NavGroup(
        _("Service"),
        (
            NavItem(_("Tickets"), "service:ticket_list", object_type="service.ticket"),
            NavItem(_("Warranty lookup"), "service:warranty_lookup", "service.ticket"),
            NavItem(_("Knowledge base"), "service:kb_list", object_type="service.article"),
            NavItem(_("Service contracts"), "service:contract_list", "service.servicecontract"),
            NavItem(_("Dispatch board"), "service:dispatch_board", "service.visit"),
            NavItem(_("Visits"), "service:visit_list", object_type="service.visit"),
            NavItem(_("Service points"), "service:field_point_list", "service.servicepoint"),
            NavItem(_("Surveys"), "service:survey_list", object_type="service.survey"),
            NavItem(_("Service reports"), "service:service_reports", "service.report"),
            NavItem(
                _("Service point performance"),
                "service:field_performance",
                "service.fieldperformance",
            ),
        ),
    ),
    NavGroup(
        _("Analytics"),
        (
            NavItem(
                _("Customer dashboard"),
                "web:dashboard",
                "analytics.customerscore",
                kwargs=(("key", "customers"),),
            ),
            NavItem(_("Customer scores"), "analytics:score_list", "analytics.customerscore"),
            NavItem(_("Customer classes"), "analytics:class_list", "analytics.customerclass"),
            NavItem(_("Key accounts"), "analytics:key_account_list", "analytics.customerclass"),
            NavItem(
                _("Lifecycle flow"), "analytics:lifecycle_flow", "analytics.lifecycletransition"
            ),
            NavItem(_("Customers at risk"), "analytics:at_risk_list", "analytics.churnrisk"),
            NavItem(
                _("Bought together"),
                "analytics:association_list",
                "analytics.productassociation",
            ),
            NavItem(_("Analytics models"), "analytics:model_list", "analytics.modelfit"),
        ),
    ),
    NavGroup(
        _("Settings"),
        (
            NavItem(
                _("Ticket categories"),
                "service:category_list",
                "service.category",
                action="change",
            ),
            NavItem(
                _("Routing rules"),
                "service:routing_rule_list",
                "service.routingrule",
                action="change",
            ),
            NavItem(
                _("Escalation rules"),
                "service:escalation_rule_list",
                "service.escalationrule",
                action="change",
            ),
            NavItem(
                _("SLA policies"),
                "service:sla_policy_list",
                "service.slapolicy",
                action="change",
            ),
            NavItem(
                _("Business calendars"),
                "service:calendar_list",
                "service.businesscalendar",
                action="change",
            ),
            NavItem(
                _("Classification rules"),
                "analytics:rules_edit",
                "analytics.classificationrules",
            ),
            NavItem(
                _("Matching rules"),
                "integrations:match_rules_edit",
                admin_only=True,
                kwargs=(("kind", "contacts"),),
            ),
            NavItem(_("Email templates"), "customers:email_template_list", admin_only=True),
            NavItem(_("Tags"), "core:tag_list", object_type="core.tag"),
            NavItem(_("Customer tiers"), "customers:tier_list", admin_only=True),
            NavItem(_("Custom fields"), "core:custom_field_list", admin_only=True),
            NavItem(_("Web forms"), "core:public_form_list", admin_only=True),
            NavItem(_("Users"), "core:user_list", object_type="core.user"),
            NavItem(_("Teams"), "core:team_list", object_type="core.team"),
            NavItem(_("Roles"), "core:role_list", object_type="core.role", admin_only=True),
            NavItem(_("Audit log"), "core:audit_list", object_type="core.auditentry"),
        ),
    ),
]


def _shown(item: NavItem, user: Any) -> bool:
    if item.object_type and not can(user, item.object_type, item.action):
        return False
    return not (item.admin_only and not user.is_superuser)


def _entry(item: NavItem) -> dict[str, Any]:
    return {
        "label": item.label,
        "url": reverse(item.url_name, kwargs=dict(item.kwargs)),
        "name": item.url_name,
    }


def visible_items(user: Any) -> list[dict[str, Any]]:
    """The menu the user may use: single entries, and groups (``items``) with the
    entries of theirs the user may use; an empty group is left out."""
    menu: list[dict[str, Any]] = []
    for entry in NAV:
        if isinstance(entry, NavItem):
            if _shown(entry, user):
                menu.append(_entry(entry))
            continue
        items = [_entry(item) for item in entry.items if _shown(item, user)]
        if items:
            menu.append({"label": entry.label, "items": items})
    return menu
