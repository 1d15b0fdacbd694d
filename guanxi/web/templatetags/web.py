"""Template helpers for the shared list pattern: query strings and sortable headers."""

from typing import Any

from django import template

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
