"""The API of customer classification."""

from ninja import Router

router = Router(tags=["Customer classification"])
