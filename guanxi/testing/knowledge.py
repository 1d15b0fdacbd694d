"""Small factories for knowledge base articles, through the services."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.core.models import User
from guanxi.service.models import Article
from guanxi.service.services.knowledge import create_article
from guanxi.testing.users import make_user

_counter = itertools.count(1)


def make_article(*, author: User | None = None, **overrides: Any) -> Article:
    """A published public Chinese article by a service manager unless overridden
    (``publish=False`` for a draft)."""
    fields: dict[str, Any] = {
        "title": f"Article {next(_counter)}",
        "body": "Some helpful text.",
        "language": "zh-hans",
        "visibility": "public",
        "publish": True,
    }
    fields.update(overrides)
    actor = author or make_user(role="service_manager")
    return create_article(actor=actor, **fields)
