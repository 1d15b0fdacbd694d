from typing import Any

from django.http import HttpRequest

from guanxi.core.services.notifications import unread_count
from guanxi.web.navigation import visible_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": visible_items(user), "unread_notifications": unread_count(user)}
