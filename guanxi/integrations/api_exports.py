"""API endpoints for exports of list views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from guanxi.integrations.selectors import exports_of, get_export_for, get_finished_export_for
from guanxi.integrations.services import start_export
from guanxi.integrations.views import download_response

router = Router(tags=["exports"])


class ExportIn(Schema):
    object_type: str = Field(description="customers.account, customers.contact, customers.activity")
    format: str = Field(default="csv", description="csv or xlsx")
    query: str = Field(default="", description="the list's filters as a query string")


class ExportSchema(Schema):
    id: int
    object_type: str
    format: str
    query: str
    status: str
    rows: int
    error: str
    created_at: datetime
    finished_at: datetime | None


@router.post(
    "/exports",
    response={201: ExportSchema},
    summary="Export a list (done at once when small; otherwise queued — poll it)",
)
def create_export(request: HttpRequest, payload: ExportIn) -> Any:
    job = start_export(
        actor=request.user, object_type=payload.object_type, fmt=payload.format, query=payload.query
    )
    return Status(201, job)


@router.get("/exports", response=list[ExportSchema], summary="Your exports, newest first")
def list_exports(request: HttpRequest) -> Any:
    return list(exports_of(request.user)[:50])


@router.get("/exports/{export_id}", response=ExportSchema, summary="One of your exports")
def get_export(request: HttpRequest, export_id: int) -> Any:
    return get_export_for(request.user, export_id)


@router.get(
    "/exports/{export_id}/download",
    summary="Download the file of a finished export",
    response={200: bytes},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_export(request: HttpRequest, export_id: int) -> FileResponse:
    return download_response(get_finished_export_for(request.user, export_id))
