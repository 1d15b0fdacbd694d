"""The API of the duplicate-matching rules."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["duplicates"])
