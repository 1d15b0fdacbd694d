"""Orders rows of the permission matrix."""

from __future__ import annotations

from typing import Any

from guanxi.testing.matrix import Case

PAGES: dict[str, Case] = {}
OPERATIONS: dict[tuple[str, str], Case] = {}


def state() -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    return ()
