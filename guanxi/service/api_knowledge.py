"""The API of the service module's knowledge base."""

from ninja import Router

router = Router(tags=["Knowledge base"])
