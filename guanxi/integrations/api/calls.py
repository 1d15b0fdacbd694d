"""Calling a service from an API operation: the caller, and the service's field errors
named as the request's fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja.errors import ValidationError as RequestError

from guanxi.core.models import User


def caller(request: HttpRequest) -> User:
    """The authenticated caller (the API's auth lets no anonymous request through)."""
    return cast(User, request.user)


def call_service(
    call: Callable[[], Any],
    *,
    names: Mapping[str, str] | None = None,
    path: Mapping[str, str] | None = None,
) -> Any:
    """Run a service, naming its errors as the request's fields: ``names`` renames keys
    to body fields (``account`` → ``account_id``); a key in ``path`` names a path
    parameter (``path.source``); dotted keys stay paths into the body
    (``body.lines.0.quantity``)."""
    try:
        return call()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed = {(names or {}).get(key, key): msgs for key, msgs in error.message_dict.items()}
        if not path or not set(renamed) & set(path):
            raise ValidationError(renamed) from error
        raise RequestError(
            [
                {
                    "loc": ("path", path[key]) if key in path else ("body", *key.split(".")),
                    "msg": message,
                    "type": "invalid",
                }
                for key, messages in renamed.items()
                for message in messages
            ]
        ) from error
