"""The fields a file's columns can be mapped to, per kind of record, and the
conversion of one row's cells into the arguments of ``create_contact`` /
``create_account`` (which then validate exactly as the UI does)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.core.custom_fields import definitions
from guanxi.core.models import User
from guanxi.customers.choices import Industry
from guanxi.customers.models import CustomerTier

CONTACTS = "customers.contact"
ACCOUNTS = "customers.account"
CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str | Promise


COMMON = [
    ImportField("external_id", _("ID in the old system")),
    ImportField("province", _("Province")),
    ImportField("city", _("City")),
    ImportField("district", _("District")),
    ImportField("street", _("Street address")),
    ImportField("postcode", _("Postcode")),
    ImportField("tags", _("Tags (separated by commas)")),
    ImportField("owner_email", _("Owner (user's email)")),
    ImportField("tier", _("Tier (code or name)")),
    ImportField("description", _("Notes")),
]
FIELDS: dict[str, list[ImportField]] = {
    CONTACTS: [
        ImportField("full_name", _("Full name")),
        ImportField("family_name", _("Family name")),
        ImportField("given_name", _("Given name")),
        ImportField("title", _("Job title")),
        ImportField("mobile", _("Mobile phone")),
        ImportField("phone", _("Other phone")),
        ImportField("email", _("Email")),
        ImportField("email2", _("Second email")),
        ImportField("company", _("Company (account name)")),
        ImportField("birthday", _("Birthday")),
        *COMMON,
    ],
    ACCOUNTS: [
        ImportField("name", _("Name")),
        ImportField("industry", _("Industry")),
        ImportField("website", _("Website")),
        *COMMON,
    ],
}


def fields_for(target: str) -> list[ImportField]:
    """The built-in fields of the target plus its active custom fields."""
    from guanxi.integrations.imports.fields_more import MORE_FIELDS  # it builds on this module
    from guanxi.integrations.imports.fields_orders import ORDER_FIELDS, ORDERS

    if target == ORDERS:  # orders have no custom fields
        return list(ORDER_FIELDS)
    custom = [ImportField(f"{CUSTOM_PREFIX}{d.key}", d.label) for d in definitions(target)]
    if target in MORE_FIELDS:
        return MORE_FIELDS[target] + (custom if target != "sales.product" else [])
    return FIELDS[target] + custom


class RowError(Exception):
    """A cell that cannot be converted; ``field`` is the import field's key."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field, self.message = field, str(message)


# Ambiguous dates: n/n/yyyy is read month first, as US exports write it (3/5/2024 is
# March 5); n.n.yyyy is read day first, as European ones do (05.03.2024 is March 5).
DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("m", "d", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
]


def parse_date(text: str) -> date:
    """2024-03-05, 2024/3/5, 2024年3月5日, 20240305, 05.03.2024 (day first) and
    3/5/2024 (month first, as US exports write it; 13/5/2024 is read day first)."""
    value = text.strip()
    value = value.split(" ")[0].split("T")[0]
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(value)
        if match is None:
            continue
        parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
        if order == ("m", "d", "y") and parts["m"] > 12 >= parts["d"]:
            parts["m"], parts["d"] = parts["d"], parts["m"]
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            break
    raise ValueError(value)


SPLIT_TAGS = re.compile(r"[,，;；、|]")
CJK = re.compile(r"^[\u3400-\u9fff·]+$")
# Two-character family names that are common enough to matter.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")


def split_full_name(name: str) -> tuple[str, str]:
    """张伟 → (张, 伟), 欧阳修 → (欧阳, 修), Wei Zhang → (Zhang, Wei), ZHANG, Wei → (ZHANG, Wei)."""
    name = name.strip()
    if CJK.match(name):
        size = 2 if name.startswith(COMPOUND_SURNAMES) and len(name) > 2 else 1
        return name[:size], name[size:]
    if "," in name:
        family, given = name.split(",", 1)
        return family.strip(), given.strip()
    parts = name.split()
    if len(parts) < 2:
        return name, ""
    return parts[-1], " ".join(parts[:-1])


def _owner(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise RowError("owner_email", _("No active user has this email."))
    return user


def _tier(text: str) -> CustomerTier:
    tier = (
        CustomerTier.objects.filter(code__iexact=text, is_active=True).first()
        or CustomerTier.objects.filter(name__iexact=text, is_active=True).first()
    )
    if tier is None:
        raise RowError("tier", _("There is no customer tier with this code or name."))
    return tier


def industry_code(text: str) -> str:
    """An industry's code from its code or its name in English or Chinese
    (unknown text is passed on for the service to refuse)."""
    wanted = text.strip().lower()
    for code, label in Industry.choices:
        names = {code, str(label).lower()}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(label).lower())
        if wanted in names:
            return str(code)
    return text


class Lookups:
    """Owners and tiers found once per batch instead of once per row: the same look-ups
    (and the same errors) as ``_owner`` and ``_tier``, remembered by the text."""

    def __init__(self) -> None:
        self.owners: dict[str, User | RowError] = {}
        self.tiers: dict[str, CustomerTier | RowError] = {}

    @staticmethod
    def _remembered(found: dict[str, Any], text: str, look_up: Any) -> Any:
        if text not in found:
            try:
                found[text] = look_up(text)
            except RowError as error:
                found[text] = error
        if isinstance(found[text], RowError):
            raise found[text]
        return found[text]

    def owner(self, email: str) -> User:
        return self._remembered(self.owners, email, _owner)  # type: ignore[no-any-return]

    def tier(self, text: str) -> CustomerTier:
        return self._remembered(self.tiers, text, _tier)  # type: ignore[no-any-return]


def _common(
    cells: dict[str, str],
    kwargs: dict[str, Any],
    problems: list[RowError],
    lookups: Lookups | None = None,
) -> None:
    try:
        if cells.get("owner_email"):
            owner = lookups.owner if lookups is not None else _owner
            kwargs["owner"] = owner(cells["owner_email"])
    except RowError as error:
        problems.append(error)
    try:
        if cells.get("tier"):
            tier = lookups.tier if lookups is not None else _tier
            kwargs["tier"] = tier(cells["tier"])
    except RowError as error:
        problems.append(error)
    if cells.get("tags"):
        kwargs["tags"] = [t.strip() for t in SPLIT_TAGS.split(cells["tags"]) if t.strip()]
    if cells.get("description"):
        kwargs["description"] = cells["description"]
    address = {
        k: cells[k] for k in ("province", "city", "district", "street", "postcode") if cells.get(k)
    }
    if address:
        kwargs["addresses"] = [{"country": "CN", "is_primary": True, **address}]
    custom = {
        key[len(CUSTOM_PREFIX) :]: value
        for key, value in cells.items()
        if key.startswith(CUSTOM_PREFIX) and value != ""
    }
    if custom:
        kwargs["custom_fields"] = custom


def contact_arguments(
    cells: dict[str, str], problems: list[RowError], lookups: Lookups | None = None
) -> dict[str, Any]:
    """``create_contact`` keyword arguments from a row's cells keyed by import field
    (the ``company`` link is resolved by the caller); cells that cannot be converted
    are left out and added to ``problems``, so the services still check the rest."""
    kwargs: dict[str, Any] = {}
    family, given = cells.get("family_name", ""), cells.get("given_name", "")
    if not family and cells.get("full_name"):
        family, given = split_full_name(cells["full_name"])
        given = cells.get("given_name") or given
    kwargs["family_name"], kwargs["given_name"] = family, given
    if cells.get("title"):
        kwargs["title"] = cells["title"]
    kwargs["phones"] = [
        {"value": cells[k], "kind": kind}
        for k, kind in (("mobile", "mobile"), ("phone", "work"))
        if cells.get(k)
    ]
    kwargs["emails"] = [{"value": cells[k]} for k in ("email", "email2") if cells.get(k)]
    if cells.get("birthday"):
        try:
            kwargs["birthday"] = parse_date(cells["birthday"])
        except ValueError:
            problems.append(RowError("birthday", _("This is not a date (use 2024-03-05).")))
    _common(cells, kwargs, problems, lookups)
    return kwargs


def account_arguments(cells: dict[str, str], problems: list[RowError]) -> dict[str, Any]:
    """``create_account`` keyword arguments from a row's cells (see contact_arguments)."""
    kwargs: dict[str, Any] = {"name": cells.get("name", "")}
    if cells.get("website"):
        kwargs["website"] = cells["website"]
    if cells.get("industry"):
        kwargs["industry"] = industry_code(cells["industry"])
    _common(cells, kwargs, problems)
    address = (kwargs.get("addresses") or [{}])[0]
    if address.get("province"):
        kwargs["province"] = address["province"]
    if address.get("city"):
        kwargs["city"] = address["city"]
    return kwargs


def field_of_error(key: str, kwargs: dict[str, Any]) -> str:
    """The import field an error key of the services points at
    (``phones.1.value`` → the second phone column that was filled)."""
    head, _sep, rest = key.partition(".")
    if head == "phones":
        index = int(rest.split(".")[0] or 0) if rest[:1].isdigit() else 0
        kinds = [p["kind"] for p in kwargs.get("phones", [])]
        kind = kinds[index] if index < len(kinds) else "mobile"
        return "mobile" if kind == "mobile" else "phone"
    if head == "emails":
        return "email2" if rest.startswith("1") else "email"
    if head == "addresses":
        return rest.rsplit(".", 1)[-1]
    if head == "custom_fields":
        return f"{CUSTOM_PREFIX}{rest}"
    if head in ("owner", "team"):
        return "owner_email"
    return head
