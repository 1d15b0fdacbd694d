"""The API of the service module's field service."""

from ninja import Router

router = Router(tags=["Field service"])
