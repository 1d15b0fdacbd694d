"""API endpoints for orders, returns, serial numbers and exchange rates."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Orders"])
