"""The export columns of each module's lists (registered from the app's ``ready``).

Integrations sits on top of every module, so it may read their selectors and list
filters; the modules themselves know nothing of exports.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import AccountContact, Activity
from guanxi.customers.selectors import activities_visible_to, primary_contact_of
from guanxi.customers.templatetags.customers import province_name
from guanxi.customers.views.accounts import filtered_accounts
from guanxi.customers.views.contacts import filtered_contacts
from guanxi.integrations.exports import Column, ExportSpec, register_export
from guanxi.sales.views.deals import filtered_deals
from guanxi.sales.views.leads import filtered_leads


def _tags(obj: Any) -> str:
    return ", ".join(sorted(t.name for t in obj.tags.all()))


def _primary(values: Any) -> str:
    rows = sorted(values, key=lambda v: (not v.is_primary, v.pk))
    return rows[0].value if rows else ""


def _accounts(user: Any, params: Any) -> QuerySet[Any]:
    return (
        # accounts_visible_to already joins the owner and tier and prefetches the tags
        filtered_accounts(user, params, "export").order_by("name_pinyin", "pk")
    )


def _contacts(user: Any, params: Any) -> QuerySet[Any]:
    links = Prefetch(
        "account_links",
        queryset=AccountContact.objects.filter(
            is_current=True, account__deleted_at__isnull=True
        ).select_related("account"),
        to_attr="export_links",
    )
    return (
        filtered_contacts(user, params, "export")
        .select_related("owner", "tier")
        .prefetch_related("tags", "phones", "emails", links)
        .order_by("name_pinyin", "pk")
    )


def _activities(user: Any, params: Any) -> QuerySet[Activity]:
    queryset = activities_visible_to(user, "export").prefetch_related("accounts", "contacts")
    for name in ("kind", "status"):
        if params.get(name):
            queryset = queryset.filter(**{name: params.get(name)})
    if params.get("mine", "1") == "1":
        queryset = queryset.filter(owner=user) | queryset.filter(assignee=user)
    return queryset.distinct().order_by("-at", "-pk")


def _leads(user: Any, params: Any) -> QuerySet[Any]:
    return (
        filtered_leads(user, params, "export")
        .select_related("owner")
        .prefetch_related("tags")
        .order_by("-created_at", "-pk")
    )


def _deals(user: Any, params: Any) -> QuerySet[Any]:
    return (
        filtered_deals(user, params, "export")
        .select_related("account", "stage", "owner", "pipeline")
        .prefetch_related("tags")
        .order_by("-updated_at", "-pk")
    )


def register_sales() -> None:
    register_export(
        ExportSpec(
            key="sales.lead",
            label=_("Leads"),
            rows=_leads,
            columns=[
                Column("id", "ID", lambda x: x.pk),
                Column("name", _("Name"), lambda x: x.full_name),
                Column("company", _("Company"), lambda x: x.company),
                Column("status", _("Status"), lambda x: x.get_status_display()),
                Column("source", _("Source"), lambda x: x.get_source_display()),
                Column("score", _("Score"), lambda x: x.score),
                Column("phone", _("Phone"), lambda x: x.phone),
                Column("email", _("Email"), lambda x: x.email),
                Column("owner", _("Owner"), lambda x: str(x.owner)),
                Column("tags", _("Tags"), _tags),
                Column("created_at", _("Created"), lambda x: x.created_at),
            ],
        )
    )
    register_export(
        ExportSpec(
            key="sales.deal",
            label=_("Deals"),
            rows=_deals,
            columns=[
                Column("id", "ID", lambda d: d.pk),
                Column("name", _("Name"), lambda d: d.name),
                Column("account", _("Account"), lambda d: d.account.name),
                Column("stage", _("Stage"), lambda d: d.stage.display_name),
                Column("amount", _("Amount"), lambda d: d.amount),
                Column("currency", _("Currency"), lambda d: d.currency),
                Column("expected_close", _("Expected close"), lambda d: d.expected_close),
                Column("owner", _("Owner"), lambda d: str(d.owner)),
                Column("tags", _("Tags"), _tags),
            ],
        )
    )


def register_all() -> None:
    register_export(
        ExportSpec(
            key="customers.account",
            label=_("Accounts"),
            rows=_accounts,
            columns=[
                Column("id", "ID", lambda a: a.pk),
                Column("name", _("Name"), lambda a: a.name),
                Column("tier", _("Tier"), lambda a: a.tier.display_name if a.tier else ""),
                Column("industry", _("Industry"), lambda a: a.get_industry_display()),
                Column(
                    "region",
                    _("Region"),
                    lambda a: " ".join(p for p in (province_name(a.province), a.city) if p),
                ),
                Column(
                    "primary_contact",
                    _("Primary contact"),
                    lambda a: str(primary_contact_of(a) or ""),
                ),
                Column("owner", _("Owner"), lambda a: str(a.owner)),
                Column("website", _("Website"), lambda a: a.website),
                Column("tags", _("Tags"), _tags),
                Column("created_at", _("Created"), lambda a: a.created_at),
            ],
        )
    )
    register_export(
        ExportSpec(
            key="customers.contact",
            label=_("Contacts"),
            rows=_contacts,
            columns=[
                Column("id", "ID", lambda c: c.pk),
                Column("name", _("Name"), lambda c: c.full_name),
                Column("title", _("Job title"), lambda c: c.title),
                Column(
                    "accounts",
                    _("Accounts"),
                    lambda c: ", ".join(link.account.name for link in c.export_links),
                ),
                Column("phone", _("Phone"), lambda c: _primary(c.phones.all())),
                Column("email", _("Email"), lambda c: _primary(c.emails.all())),
                Column("owner", _("Owner"), lambda c: str(c.owner)),
                Column("tags", _("Tags"), _tags),
                Column("created_at", _("Created"), lambda c: c.created_at),
            ],
        )
    )
    register_export(
        ExportSpec(
            key="customers.activity",
            label=_("Activities"),
            rows=_activities,
            fixed=("id", "at", "kind", "subject"),
            columns=[
                Column("id", "ID", lambda a: a.pk),
                Column("at", _("When"), lambda a: a.at),
                Column("kind", _("Type"), lambda a: a.get_kind_display()),
                Column("subject", _("Subject"), lambda a: a.subject),
                Column("status", _("Status"), lambda a: a.get_status_display()),
                Column(
                    "customers",
                    _("Customers"),
                    lambda a: ", ".join(
                        [*(x.name for x in a.accounts.all()), *(str(x) for x in a.contacts.all())]
                    ),
                ),
                Column("owner", _("Owner"), lambda a: str(a.owner)),
                Column("body", _("Notes"), lambda a: a.body),
            ],
        )
    )
    register_sales()
