"""API endpoints for tickets, their conversation, categories, calendars and SLA policies."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Service"])
