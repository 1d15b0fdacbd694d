"""What the global search box knows of a lead: the name as written, its pinyin and
initials, the company (without its legal suffix), email and its domain, the phone in
its usual forms (the last digits match), places, tags and custom fields."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core import custom_fields
from guanxi.core.search import Document, Searchable, register_searchable
from guanxi.customers.search import _name_terms, _phone_terms, _place_terms
from guanxi.lib import companies
from guanxi.sales.models import Lead
from guanxi.sales.object_types import LEAD


def lead_document(lead: Lead) -> Document:
    terms: list[str] = [*_name_terms(lead.full_name), lead.family_name, lead.given_name]
    terms += [lead.name_pinyin, lead.name_pinyin.replace(" ", "")]
    if lead.company:
        terms += [
            *_name_terms(lead.company),
            companies.strip_legal_suffix(lead.company),
            companies.normalize_company(lead.company),
        ]
    if lead.email:
        terms += [lead.email, lead.email.rpartition("@")[2]]
    if lead.phone:
        terms += _phone_terms(lead.phone)
    terms += _place_terms(lead.province, lead.city)
    terms += [tag.name for tag in lead.tags.order_by("name")]
    terms += custom_fields.search_terms(LEAD, lead.custom_fields)
    subtitle = " · ".join(p for p in (lead.company, lead.email) if p)
    return Document(title=lead.full_name, subtitle=subtitle, terms=terms)


def register() -> None:
    register_searchable(
        Searchable(
            key=LEAD,
            label=_("Leads"),
            document=lead_document,
            url=lambda pk: reverse("sales:lead_detail", args=[pk]),
        )
    )
