"""Reads of leads and their rules, always narrowed to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from guanxi.core.access import get_for_or_404, restrict
from guanxi.core.search import matching_ids
from guanxi.customers.models import Account, Activity, Contact, ContactEmail, ContactPhone
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to
from guanxi.lib import companies
from guanxi.sales.choices import LeadSource, LeadStatus
from guanxi.sales.models import AssignmentRule, Lead, ScoringRule
from guanxi.sales.object_types import LEAD

OPEN = "open"  # the status filter for new, contacted and qualified leads together
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)


def leads_visible_to(user: Any, action: str = "view") -> QuerySet[Lead]:
    return (
        restrict(Lead.objects.all(), user, action)
        .select_related("owner", "team")
        .prefetch_related("tags")
    )


def get_lead_for(user: Any, pk: Any, action: str = "view") -> Lead:
    """The lead if the user may ``action`` it; 404 for missing and forbidden alike."""
    return get_for_or_404(leads_visible_to(user, action), user, pk, action)


def filter_leads(
    queryset: QuerySet[Lead],
    *,
    status: str = "",
    source: str = "",
    owner_id: Any = None,
    tags: Iterable[str] = (),
) -> QuerySet[Lead]:
    """Narrow by status (``open``: new, contacted or qualified), source, owner, tags."""
    if status == OPEN:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status in LeadStatus.values:
        queryset = queryset.filter(status=status)
    if source in LeadSource.values:
        queryset = queryset.filter(source=source)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    for name in {" ".join(str(t).split()).lower() for t in tags} - {""}:
        through = Lead.tags.through.objects.filter(tag__name__iexact=name)
        queryset = queryset.filter(pk__in=through.values("lead_id"))
    return queryset


def search_leads(queryset: QuerySet[Lead], text: str) -> QuerySet[Lead]:
    """Leads whose search document mentions ``text``: name, pinyin, company, email,
    phone (the last digits too), places, tags (see ``sales.search``)."""
    ids = matching_ids(LEAD, text)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def lead_activities(lead: Lead, limit: int = 50) -> list[Activity]:
    """The lead's follow-ups, newest first."""
    return list(lead.activities.select_related("owner", "assignee").order_by("-at", "-pk")[:limit])


def assignment_rules() -> QuerySet[AssignmentRule]:
    return AssignmentRule.objects.select_related("user", "team", "last_assigned")


def scoring_rules() -> QuerySet[ScoringRule]:
    return ScoringRule.objects.all()


# --- conversion: existing customers the lead may already be --------------------------------


@dataclass
class Candidates:
    accounts: list[tuple[Account, str]]  # (account, why it matched)
    contacts: list[tuple[Contact, str]]

    @property
    def any(self) -> bool:
        return bool(self.accounts or self.contacts)


def conversion_candidates(user: Any, lead: Lead, action: str = "change") -> Candidates:
    """Customers the user may ``action`` that the lead probably is: accounts by the
    normalised company name, contacts by email, phone (E.164) or full name."""
    accounts: list[tuple[Account, str]] = []
    key = companies.normalize_company(lead.company) if lead.company else ""
    if key:
        for account in accounts_visible_to(user, action).filter(name_key=key)[:10]:
            accounts.append((account, "name"))
    found: dict[int, tuple[Contact, str]] = {}
    visible = contacts_visible_to(user, action)
    if lead.email:
        by_email = ContactEmail.objects.filter(value=lead.email.lower()).values("contact_id")
        for contact in visible.filter(pk__in=by_email)[:10]:
            found.setdefault(contact.pk, (contact, "email"))
    if lead.phone:
        by_phone = ContactPhone.objects.filter(value=lead.phone).values("contact_id")
        for contact in visible.filter(pk__in=by_phone)[:10]:
            found.setdefault(contact.pk, (contact, "phone"))
    if lead.full_name:
        for contact in visible.filter(full_name=lead.full_name)[:10]:
            found.setdefault(contact.pk, (contact, "name"))
    # A contact found by email or phone suggests their account too.
    visible_accounts = accounts_visible_to(user, action)
    for contact, _why in found.values():
        for link in getattr(contact, "live_links", []):
            known = any(a.pk == link.account_id for a, _w in accounts)
            if (
                link.is_current
                and not known
                and visible_accounts.filter(pk=link.account_id).exists()
            ):
                accounts.append((link.account, "contact"))
    return Candidates(accounts=accounts, contacts=list(found.values()))


# --- lead quality per source (story 12) ----------------------------------------------------


@dataclass(frozen=True)
class SourceQuality:
    source: str
    label: str
    leads: int
    average_score: float
    qualified_pct: float  # qualified or converted
    converted_pct: float
    disqualified_pct: float


def lead_quality_by_source(user: Any) -> list[SourceQuality]:
    """Per source, over the leads the user may see: how many, their average score, and
    the share qualified (or since converted), converted and disqualified. One query."""
    # Through a subquery: the team condition's join would count a lead once per teammate.
    visible = restrict(Lead.objects.all(), user, "view").values("pk")
    rows = (
        Lead.objects.filter(pk__in=visible)
        .order_by()
        .values("source")
        .annotate(
            n=Count("pk"),
            avg=Avg("score"),
            qualified=Count(
                "pk", filter=Q(status__in=[LeadStatus.QUALIFIED, LeadStatus.CONVERTED])
            ),
            converted=Count("pk", filter=Q(status=LeadStatus.CONVERTED)),
            disqualified=Count("pk", filter=Q(status=LeadStatus.DISQUALIFIED)),
        )
    )
    labels = dict(LeadSource.choices)

    def pct(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 1) if whole else 0.0

    result = [
        SourceQuality(
            source=row["source"],
            label=str(labels.get(row["source"], row["source"])),
            leads=row["n"],
            average_score=round(float(row["avg"] or 0), 1),
            qualified_pct=pct(row["qualified"], row["n"]),
            converted_pct=pct(row["converted"], row["n"]),
            disqualified_pct=pct(row["disqualified"], row["n"]),
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.converted_pct, -r.average_score, r.source))
