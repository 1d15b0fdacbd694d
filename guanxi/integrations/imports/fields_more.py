"""Import fields and cell conversion for leads, products and activities; the record
is then created by the same services as the UI (``create_lead``, ``create_product``,
``log_activity``), which validate it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from guanxi.customers.choices import ActivityKind, CompanySize, Direction
from guanxi.integrations.imports.fields import (
    CUSTOM_PREFIX,
    SPLIT_TAGS,
    ImportField,
    RowError,
    industry_code,
    parse_date,
    split_full_name,
)
from guanxi.sales.choices import LeadSource

LEADS = "sales.lead"
PRODUCTS = "sales.product"
ACTIVITIES = "customers.activity"

LEAD_FIELDS = [
    ImportField("external_id", _("ID in the old system")),
    ImportField("full_name", _("Full name")),
    ImportField("family_name", _("Family name")),
    ImportField("given_name", _("Given name")),
    ImportField("company", _("Company")),
    ImportField("title", _("Job title")),
    ImportField("email", _("Email")),
    ImportField("phone", _("Phone")),
    ImportField("province", _("Province")),
    ImportField("city", _("City")),
    ImportField("industry", _("Industry")),
    ImportField("size", _("Company size")),
    ImportField("source", _("Lead source")),
    ImportField("tags", _("Tags (separated by commas)")),
    ImportField("owner_email", _("Owner (user's email)")),
    ImportField("description", _("Notes")),
]
PRODUCT_FIELDS = [
    ImportField("external_id", _("ID in the old system")),
    ImportField("sku", _("SKU")),
    ImportField("name", _("Name")),
    ImportField("category", _("Category")),
    ImportField("unit", _("Unit")),
    ImportField("cost", _("Cost")),
    ImportField("warranty_months", _("Warranty (months)")),
    ImportField("is_serialised", _("Serialised (yes/no)")),
]
ACTIVITY_FIELDS = [
    ImportField("external_id", _("ID in the old system")),
    ImportField("kind", _("Type (call, email, meeting, note, task)")),
    ImportField("subject", _("Subject")),
    ImportField("body", _("Notes")),
    ImportField("at", _("When (date and time)")),
    ImportField("direction", _("Direction (inbound/outbound)")),
    ImportField("location", _("Location")),
    ImportField("contact_email", _("Contact (email)")),
    ImportField("contact_name", _("Contact (name)")),
    ImportField("account_name", _("Account (name)")),
    ImportField("owner_email", _("Owner (user's email)")),
]

MORE_FIELDS: dict[str, list[ImportField]] = {
    LEADS: LEAD_FIELDS,
    PRODUCTS: PRODUCT_FIELDS,
    ACTIVITIES: ACTIVITY_FIELDS,
}
YES = {"1", "y", "yes", "true", "x", "是", "有", "对"}
NO = {"", "0", "n", "no", "false", "否", "无", "没有"}
# Chinese words for activity types, as old systems label them.
KIND_WORDS = {
    "电话": ActivityKind.CALL,
    "通话": ActivityKind.CALL,
    "来电": ActivityKind.CALL,
    "邮件": ActivityKind.EMAIL,
    "电子邮件": ActivityKind.EMAIL,
    "会议": ActivityKind.MEETING,
    "拜访": ActivityKind.MEETING,
    "会面": ActivityKind.MEETING,
    "备注": ActivityKind.NOTE,
    "笔记": ActivityKind.NOTE,
    "记录": ActivityKind.NOTE,
    "任务": ActivityKind.TASK,
    "待办": ActivityKind.TASK,
}
TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")


def choice_code(choices: Any, text: str, extra: Mapping[str, str] | None = None) -> str:
    """A choice's code from its code or its label in English or Chinese (unknown text is
    passed on for the service to refuse, naming the field)."""
    wanted = text.strip().lower()
    if extra and wanted in extra:
        return str(extra[wanted])
    for code, label in choices:
        names = {str(code).lower()}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(label).lower())
        if wanted in names:
            return str(code)
    return text.strip()


def parse_datetime(text: str) -> datetime:
    """A date as ``parse_date`` reads it, optionally followed by ``HH:MM[:SS]``, in the
    current time zone (a date alone is 09:00)."""
    value = text.strip().replace("T", " ")
    day_text, _sep, time_text = value.partition(" ")
    day = parse_date(day_text)
    at = time(9, 0)
    if time_text.strip():
        match = TIME.match(time_text.strip())
        if match is None:
            raise ValueError(text)
        hour, minute, second = (int(g or 0) for g in match.groups())
        at = time(hour, minute, second)  # ValueError for 25:00
    return timezone.make_aware(datetime.combine(day, at))


def _flag(field: str, text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowError(field, _("Write yes or no."))


def _custom(cells: dict[str, str], kwargs: dict[str, Any]) -> None:
    custom = {
        key[len(CUSTOM_PREFIX) :]: value
        for key, value in cells.items()
        if key.startswith(CUSTOM_PREFIX) and value != ""
    }
    if custom:
        kwargs["custom_fields"] = custom


def lead_arguments(cells: dict[str, str], problems: list[RowError]) -> dict[str, Any]:
    """``create_lead`` keyword arguments (owner resolved by the caller)."""
    family, given = cells.get("family_name", ""), cells.get("given_name", "")
    if not family and cells.get("full_name"):
        family, given = split_full_name(cells["full_name"])
        given = cells.get("given_name") or given
    kwargs: dict[str, Any] = {
        "family_name": family,
        "given_name": given,
        "source": choice_code(LeadSource.choices, cells.get("source") or LeadSource.IMPORT),
    }
    for key in ("company", "title", "email", "phone", "province", "city", "description"):
        if cells.get(key):
            kwargs[key] = cells[key]
    if cells.get("industry"):
        kwargs["industry"] = industry_code(cells["industry"])
    if cells.get("size"):
        kwargs["size"] = choice_code(CompanySize.choices, cells["size"])
    if cells.get("tags"):
        kwargs["tags"] = [t.strip() for t in SPLIT_TAGS.split(cells["tags"]) if t.strip()]
    _custom(cells, kwargs)
    return kwargs


def product_arguments(cells: dict[str, str], problems: list[RowError]) -> dict[str, Any]:
    """``create_product`` keyword arguments; money and months are checked by the service."""
    kwargs: dict[str, Any] = {"sku": cells.get("sku", ""), "name": cells.get("name", "")}
    for key in ("category", "unit", "warranty_months"):
        if cells.get(key):
            kwargs[key] = cells[key].strip()
    if cells.get("cost"):
        kwargs["cost"] = re.sub(r"[,，\s¥￥$]", "", cells["cost"])
    if cells.get("is_serialised"):
        try:
            kwargs["is_serialised"] = _flag("is_serialised", cells["is_serialised"])
        except RowError as error:
            problems.append(error)
    return kwargs


def activity_arguments(cells: dict[str, str], problems: list[RowError]) -> dict[str, Any]:
    """``log_activity`` keyword arguments (links and owner resolved by the caller); the
    type defaults to a note."""
    kwargs: dict[str, Any] = {
        "kind": choice_code(ActivityKind.choices, cells.get("kind") or "note", KIND_WORDS),
        "subject": cells.get("subject", ""),
    }
    for key in ("body", "location"):
        if cells.get(key):
            kwargs[key] = cells[key]
    if cells.get("direction"):
        words = {"呼入": Direction.INBOUND, "来": Direction.INBOUND, "呼出": Direction.OUTBOUND}
        kwargs["direction"] = choice_code(Direction.choices, cells["direction"], words)
    if cells.get("at"):
        try:
            kwargs["at"] = parse_datetime(cells["at"])
        except ValueError:
            problems.append(
                RowError("at", _("This is not a date and time (use 2024-03-05 14:30)."))
            )
    _custom(cells, kwargs)
    return kwargs
