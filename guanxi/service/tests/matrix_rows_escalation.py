"""Permission-matrix rows (pages and API); filled by the part that owns them."""

from __future__ import annotations

from guanxi.testing.matrix import Case

PAGES: dict[str, Case] = {}
OPERATIONS: dict[tuple[str, str], Case] = {}
