"""The API of the service module's ticket routing."""

from ninja import Router

router = Router(tags=["Ticket routing"])
