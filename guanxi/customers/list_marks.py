"""Marks beside the accounts on the account list, from whichever module has something
to warn about (the service module: unresolved tickets, story 10). Modules that depend
on customers register a finder here instead of being imported by it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mark:
    text: str
    url: str
    css: str = "warn"


# finder(user, account ids on the page) -> {account id: mark}, in one query
MarkFinder = Callable[[Any, list[int]], dict[int, Mark]]

_finders: dict[str, MarkFinder] = {}


def register_account_marks(key: str, finder: MarkFinder) -> None:
    _finders[key] = finder


def account_marks(user: Any, account_ids: list[int]) -> dict[int, list[Mark]]:
    """Every registered finder's marks for the accounts, by account id."""
    marks: dict[int, list[Mark]] = {}
    if not account_ids:
        return marks
    for finder in _finders.values():
        for account_id, mark in finder(user, account_ids).items():
            marks.setdefault(account_id, []).append(mark)
    return marks
