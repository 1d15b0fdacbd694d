"""API endpoints for deals."""

from ninja import Router

router = Router(tags=["deals"])
