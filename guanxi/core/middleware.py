"""Request logging, security headers and per-user language and time zone."""

from __future__ import annotations

import logging
import time
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from guanxi.core.auth import client_ip
from guanxi.core.choices import Origin
from guanxi.core.context import reset_context, set_context

logger = logging.getLogger("guanxi.request")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestLogMiddleware:
    """Gives each request an id, sets the audit context, logs one JSON line per request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if 0 < len(incoming) <= 64 else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        origin = Origin.API if request.path.startswith("/api/") else Origin.UI
        token = set_context(origin=origin, ip_address=client_ip(request), request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header from settings."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


def activate_preferences(request: HttpRequest, user: Any) -> None:
    """The user's language and time zone for the rest of the request. Called by the
    middleware for sessions and by the API's token authentication (which runs later)."""
    translation.activate(user.language)
    request.LANGUAGE_CODE = translation.get_language()
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class UserPreferencesMiddleware:
    """Activates the logged-in user's language and time zone for the request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_preferences(request, user)
        response = self.get_response(request)
        timezone.deactivate()
        return response


class RestoreLanguageMiddleware:
    """Gives the thread back the language it had before the request once the response
    is done (placed before ``LocaleMiddleware``, so the response's Content-Language is
    still the request's): the next request, task or test the thread runs is not served
    in the previous user's language."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            if before:
                translation.activate(before)
            else:
                translation.deactivate()
