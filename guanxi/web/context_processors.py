from functools import partial
from typing import Any

from django.http import HttpRequest

from guanxi.core.selectors import unread_count
from guanxi.web.navigation import visible_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Callables: the template engine calls them only where a template shows them,
    # so htmx partials do not pay for the navigation or the unread count.
    return {
        "nav_items": partial(visible_items, user),
        "unread_notifications": partial(unread_count, user),
    }
