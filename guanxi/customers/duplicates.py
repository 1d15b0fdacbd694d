"""Possible duplicates of a contact or an account about to be created, from whichever
module can find them. The matching engine lives in a module that depends on this one
(integrations), so it registers itself here instead of being imported: the create forms
and the API ask, whoever answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

CONTACTS = "contacts"
ACCOUNTS = "accounts"

# finder(user, draft fields) -> possible duplicates: objects with ``name``, ``url``,
# ``score``, ``reasons`` (as stored, English), ``reason_text`` (in the reader's language)
# and the record (``contact`` or ``account``)
Finder = Callable[[Any, Mapping[str, Any]], list[Any]]

_finders: dict[str, dict[str, Finder]] = {CONTACTS: {}, ACCOUNTS: {}}


def register_duplicate_finder(key: str, finder: Finder, *, kind: str = CONTACTS) -> None:
    """Register ``finder`` under ``key`` for drafts of ``kind`` (contacts or accounts)."""
    _finders.setdefault(kind, {})[key] = finder


def possible_duplicates(user: Any, fields: Mapping[str, Any], *, kind: str = CONTACTS) -> list[Any]:
    """What the registered finders of ``kind`` report for the draft, best first."""
    found = [match for finder in _finders.get(kind, {}).values() for match in finder(user, fields)]
    return sorted(found, key=lambda match: -float(getattr(match, "score", 0)))
