"""The API of the service module's service reports."""

from ninja import Router

router = Router(tags=["Service reports"])
