"""The API of the service module's surveys."""

from ninja import Router

router = Router(tags=["Surveys"])
