"""The permission matrix: every page and API operation × every built-in role.

Modules add their rows to ``PAGES`` and ``OPERATIONS`` (see the platform's rows in
``guanxi/integrations/tests/test_permission_matrix.py``); the test fails when a URL or
an OpenAPI operation has no row, so nothing new ships unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from guanxi.core.permissions import BUILTIN_ROLES

ANONYMOUS = "anonymous"
ROLES = (*BUILTIN_ROLES, ANONYMOUS)
EVERYONE = frozenset(BUILTIN_ROLES)
PUBLIC = frozenset(ROLES)
ADMINS = frozenset({"administrator"})

# A factory gets the acting user (None for anonymous) and returns URL kwargs.
KwargsFactory = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """Who may use one page or operation; everyone else is refused."""

    method: str
    allowed: frozenset[str]
    kwargs: KwargsFactory | None = None
    data: dict[str, Any] = field(default_factory=dict)
    lands_on_login: bool = False  # e.g. log out: the login page is the success page
    query: KwargsFactory | None = None  # API: query-string parameters
    multipart: KwargsFactory | None = None  # API: a multipart form (file uploads)
    # Both URL kwargs and request data from one factory, when the data names records
    # the factory creates (e.g. the other end of a relationship).
    setup: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]] | None = None


def iter_url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL of the site, namespaced (``core:user_list``); the API excluded."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def iter_api_operations(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (METHOD, path) the OpenAPI schema describes."""
    for path, item in schema["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method.upper(), path
