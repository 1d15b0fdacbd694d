"""One error format for the whole API.

Every error body is ``{"errors": [{"field": ..., "message": ..., "code": ...}]}``;
``field`` is a dotted path into the request (``body.email``, ``query.sort``) or null.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


def error_body(message: str, *, field: str | None = None, code: str = "invalid") -> dict[str, Any]:
    return {"errors": [{"field": field, "message": message, "code": code}]}


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("payload",)]
    return ".".join(parts)


def _path(request: HttpRequest, field: str) -> str:
    """Where the bad value came from: ``query.sort`` for a query parameter (every field
    of a GET), ``body.email`` for the request body."""
    root = field.split(".", 1)[0]
    if request.method in ("GET", "HEAD", "DELETE") or root in request.GET:
        return f"query.{field}"
    return f"body.{field}"


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _location(e.get("loc", ())),
                "message": e.get("msg", ""),
                "code": e.get("type", "invalid"),
            }
            for e in exc.errors
        ]
        return api.create_response(request, {"errors": errors}, status=422)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {
                    "field": _path(request, field) if field != "__all__" else None,
                    "message": msg,
                    "code": "invalid",
                }
                for field, messages in exc.message_dict.items()
                for msg in messages
            ]
        else:
            errors = [{"field": None, "message": msg, "code": "invalid"} for msg in exc.messages]
        return api.create_response(request, {"errors": errors}, status=422)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request, error_body(_("Not found."), code="not_found"), status=404
        )

    def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = error_body(_("You do not have permission to do this."), code="forbidden")
        return api.create_response(request, body, status=403)

    def on_auth(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = error_body(
            _("Authentication required: a valid API token or session."), code="unauthenticated"
        )
        return api.create_response(request, body, status=401)

    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, error_body(str(exc), code="error"), status=exc.status_code
        )

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http)
