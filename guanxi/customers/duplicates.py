"""Possible duplicates of a contact about to be created, from whichever module can find
them. The matching engine lives in a module that depends on this one (integrations), so
it registers itself here instead of being imported: the contact form asks, whoever
answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# finder(user, draft fields) -> possible duplicates (objects with contact, score, reasons)
Finder = Callable[[Any, Mapping[str, Any]], list[Any]]

_finders: dict[str, Finder] = {}


def register_duplicate_finder(key: str, finder: Finder) -> None:
    _finders[key] = finder


def possible_duplicates(user: Any, fields: Mapping[str, Any]) -> list[Any]:
    """What the registered finders report for the draft, best first."""
    found = [match for finder in _finders.values() for match in finder(user, fields)]
    return sorted(found, key=lambda match: -float(getattr(match, "score", 0)))
