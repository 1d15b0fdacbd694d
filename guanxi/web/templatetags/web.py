"""Template helpers for the shared list pattern: query strings and sortable headers."""

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, name: str, value: Any) -> str:
    """The current query string with the parameter ``name`` set to ``value`` (for a
    parameter whose name is itself a variable, such as a second list's page)."""
    return str(query_replace(context, **{name: value}))


@register.inclusion_tag("web/partials/sort_header.html", takes_context=True)
def sort_header(context: template.Context, key: str, label: str) -> dict[str, Any]:
    current = context["request"].GET.get("sort", "")
    next_sort = f"-{key}" if current == key else key
    return {
        "request": context["request"],
        "key": key,
        "label": label,
        "current_sort": current,
        "next_sort": next_sort,
    }


@register.filter
def highlight(text: Any, query: str) -> SafeString:
    """``text`` escaped, with each case-insensitive occurrence of ``query`` in ``<mark>``."""
    value = str(text or "")
    needle = (query or "").strip()
    if not needle:
        return escape(value)
    parts = re.split(f"({re.escape(needle)})", value, flags=re.IGNORECASE)
    marked = (
        f"<mark>{escape(part)}</mark>" if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )
    return mark_safe("".join(marked))  # every part is escaped above
