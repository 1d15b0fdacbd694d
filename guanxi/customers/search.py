"""What the global search box knows of an account or a contact.

A document lists the ways people type a customer: the name as written, its pinyin with
and without spaces and its initials, a company without its legal suffix, places in
Chinese and English, every email and its domain, every phone as E.164, as national
digits and as plain digits (so the last four digits match), tags and custom fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import phonenumbers
from django.db.models import Prefetch, QuerySet
from django.utils.translation import override

from guanxi.core import custom_fields
from guanxi.core.models import Tag
from guanxi.core.search import Document
from guanxi.customers.models import Account, AccountContact, Contact, ContactEmail, ContactPhone
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.lib import companies, regions
from guanxi.lib.names import compact, initials_of, pinyin_of
from guanxi.lib.phones import phone_digits


def _name_terms(name: str) -> list[str]:
    return [name, pinyin_of(name), compact(name), initials_of(name)]


def _place_terms(province_code: str, city: str) -> list[str]:
    terms = [city]
    province = regions.find_province(province_code) if province_code else None
    if province is not None and province.code == province_code:
        terms += [province.name_zh, province.name_en]
        for known in regions.CITIES.get(province.code, ()):
            if city and city == known.name_zh:
                terms.append(known.name_en)
    else:
        terms.append(province_code)
    return terms


def _domain(website: str) -> str:
    host = (urlparse(website).hostname or "") if website else ""
    return host.removeprefix("www.")


# ``rebuild_index`` reads records through ``accounts_for_index`` / ``contacts_for_index``,
# whose prefetches land in ``search_*`` attributes that nothing else sets. The builders
# use them when present and query otherwise: ``index_record`` runs right after a service
# changed phones, emails, links or tags, when the record's ordinary prefetch caches
# (``phones``, ``live_links`` ...) may predate the change.


def accounts_for_index() -> QuerySet[Account]:
    """Live accounts with what ``account_document`` needs, for a rebuild."""
    return Account.objects.prefetch_related(_tags())


def contacts_for_index() -> QuerySet[Contact]:
    """Live contacts with what ``contact_document`` needs, for a rebuild."""
    return Contact.objects.prefetch_related(
        Prefetch(
            "phones",
            queryset=ContactPhone.objects.order_by("-is_primary", "pk"),
            to_attr="search_phones",
        ),
        Prefetch(
            "emails",
            queryset=ContactEmail.objects.order_by("-is_primary", "pk"),
            to_attr="search_emails",
        ),
        Prefetch("account_links", queryset=_live_links(), to_attr="search_links"),
        _tags(),
    )


def _live_links() -> QuerySet[AccountContact]:
    return (
        AccountContact.objects.filter(account__deleted_at__isnull=True)
        .select_related("account")
        .only("contact_id", "account", "is_current", "is_primary", "account__name")
        .order_by("-is_current", "-is_primary", "pk")
    )


def _tags() -> Prefetch:
    return Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="search_tags")


def _tag_names(record: Account | Contact) -> list[str]:
    tags = getattr(record, "search_tags", None)
    if tags is None:  # a fresh query: a prefetched list may predate the change being indexed
        tags = record.tags.order_by("name")
    return [tag.name for tag in tags]


def account_document(account: Account) -> Document:
    stripped = companies.strip_legal_suffix(account.name)
    with override("en"):
        industry = str(account.get_industry_display()) if account.industry else ""
    subtitle = " · ".join(p for p in (account.city, industry) if p)
    return Document(
        title=account.name,
        subtitle=subtitle,
        terms=[
            *_name_terms(account.name),
            *_name_terms(stripped),
            companies.normalize_company(account.name),
            _domain(account.website),
            *_place_terms(account.province, account.city),
            *_tag_names(account),
            *custom_fields.search_terms(ACCOUNT, account.custom_fields),
        ],
    )


def _phone_terms(e164: str) -> list[str]:
    terms = [e164, phone_digits(e164)]
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return terms
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    spaced = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return [*terms, national, phone_digits(national), str(number.national_number), spaced]


def contact_document(contact: Contact) -> Document:
    phones = getattr(contact, "search_phones", None)
    if phones is None:
        phones = list(ContactPhone.objects.filter(contact=contact).order_by("-is_primary", "pk"))
    emails = getattr(contact, "search_emails", None)
    if emails is None:
        emails = list(ContactEmail.objects.filter(contact=contact).order_by("-is_primary", "pk"))
    links = getattr(contact, "search_links", None)
    if links is None:
        links = list(_live_links().filter(contact=contact))
    account_names = [link.account.name for link in links]
    primary_email = emails[0].value if emails else ""
    subtitle = " · ".join(p for p in (*account_names[:1], primary_email) if p)
    terms: list[Any] = [
        *_name_terms(contact.full_name),
        contact.family_name,
        contact.given_name,
        contact.name_pinyin,
        contact.name_pinyin.replace(" ", ""),
        contact.name_initials,
    ]
    for email in emails:
        terms += [email.value, email.value.rpartition("@")[2]]
    for phone in phones:
        terms += _phone_terms(phone.value)
    for name in account_names:
        terms += [name, companies.strip_legal_suffix(name)]
    terms += _tag_names(contact)
    terms += custom_fields.search_terms(CONTACT, contact.custom_fields)
    return Document(title=contact.full_name, subtitle=subtitle, terms=terms)
