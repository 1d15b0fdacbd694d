"""Template helpers for customer pages: province names, phone formatting."""

from django import template
from django.utils.translation import get_language

from guanxi.lib import phones, regions

register = template.Library()


@register.filter
def province_name(code: str) -> str:
    """A province code shown in the reader's language (free text as it is)."""
    province = regions.find_province(code) if code else None
    if province is None or province.code != code:
        return code or ""
    return province.name_zh if (get_language() or "en").startswith("zh") else province.name_en


@register.filter
def phone(value: str) -> str:
    """An E.164 number grouped for reading (+86 138 0013 8000)."""
    try:
        return phones.format_phone(value)
    except ValueError:
        return value


@register.filter
def primary_of(rows: object) -> object:
    """The primary row of prefetched phones / emails / addresses (or the first)."""
    items = list(rows.all()) if hasattr(rows, "all") else list(rows)  # type: ignore[call-overload]
    for item in items:
        if getattr(item, "is_primary", False):
            return item
    return items[0] if items else None
