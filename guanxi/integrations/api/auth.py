"""API authentication: personal tokens (Bearer) or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from guanxi.core.middleware import activate_preferences
from guanxi.core.services.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gx_…``; revoked, expired or deactivated means 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            activate_preferences(request, user)
        return user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
