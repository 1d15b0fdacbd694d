"""API endpoints for the trash and for attachments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from guanxi.core.schemas import AttachmentPage, AttachmentSchema, RestoredSchema, TrashPage
from guanxi.core.selectors import (
    attachments_of,
    get_attachment_for,
    get_record_for,
    get_trash_item_for,
    may_attach,
    trash_visible_to,
)
from guanxi.core.services import attachments as attachment_services
from guanxi.core.services import trash as trash_services
from guanxi.integrations.api.pagination import keyset_page

router = Router(tags=["trash and attachments"])


@router.get("/trash", response=TrashPage, summary="What you may restore, newest first")
def list_trash(
    request: HttpRequest, object_type: str | None = None, cursor: str | None = None, limit: int = 50
) -> Any:
    queryset = trash_visible_to(request.user)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort="-pk", allowed=("pk",)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/trash/{item_id}/restore",
    response=RestoredSchema,
    summary="Restore a record (and what was deleted with it)",
)
def restore(request: HttpRequest, item_id: int) -> Any:
    item = get_trash_item_for(request.user, item_id)
    trash_services.restore_record(actor=request.user, item=item)
    return {"object_type": item.object_type, "object_id": item.object_id}


@router.delete(
    "/trash/{item_id}", response={204: None}, summary="Delete for good now (administrators)"
)
def purge(request: HttpRequest, item_id: int) -> Any:
    item = get_trash_item_for(request.user, item_id)
    trash_services.purge_record(actor=request.user, item=item)
    return Status(204, None)


@router.get("/attachments", response=AttachmentPage, summary="The files attached to a record")
def list_attachments(
    request: HttpRequest,
    object_type: str,
    object_id: str,
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    parent = get_record_for(request.user, object_type, object_id)
    items, next_cursor = keyset_page(
        attachments_of(parent), cursor=cursor, limit=limit, sort="-pk", allowed=("pk",)
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/attachments",
    response={201: AttachmentSchema},
    summary="Attach a file to a record (multipart form)",
)
def upload_attachment(
    request: HttpRequest,
    object_type: Form[str],
    object_id: Form[str],
    file: File[UploadedFile],
) -> Any:
    parent = get_record_for(request.user, object_type, object_id)
    if not may_attach(request.user, parent):
        raise PermissionDenied
    attachment = attachment_services.add_attachment(actor=request.user, parent=parent, upload=file)
    return Status(201, attachment)


@router.get("/attachments/{attachment_id}", response=AttachmentSchema, summary="One attachment")
def get_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment, _parent = get_attachment_for(request.user, attachment_id)
    return attachment


@router.get(
    "/attachments/{attachment_id}/download",
    summary="Download the file",
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
def download_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment, _parent = get_attachment_for(request.user, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete(
    "/attachments/{attachment_id}", response={204: None}, summary="Move a file to the trash"
)
def delete_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment, parent = get_attachment_for(request.user, attachment_id, "delete")
    attachment_services.delete_attachment(actor=request.user, attachment=attachment, parent=parent)
    return Status(204, None)
