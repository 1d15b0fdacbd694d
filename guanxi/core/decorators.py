"""View guards built on the access rules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from guanxi.core.access import can


def require_action(object_type: str, action: str) -> Callable[..., Any]:
    """Log-in required, and the user must hold ``action`` on ``object_type`` at some scope."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, object_type, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
