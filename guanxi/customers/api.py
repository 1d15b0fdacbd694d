"""API endpoints for accounts and contacts."""

from ninja import Router

router = Router(tags=["customers"])
