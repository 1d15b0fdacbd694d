"""Attachments: the panel on record pages, upload, download (permission-checked), delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.selectors import attachments_of, get_attachment_for, get_record_for, may_attach
from guanxi.core.services.attachments import add_attachment, delete_attachment
from guanxi.core.views.errors import flash_errors
from guanxi.core.views.redirects import redirect_back


def attachment_panel(user: Any, obj: Model) -> dict[str, Any]:
    """Context for ``core/_attachments.html`` on a record's page."""
    return {
        "attachments": list(attachments_of(obj)),
        "attach_type": obj._meta.label_lower,
        "attach_id": obj.pk,
        "can_attach": may_attach(user, obj),
    }


def _page_of(parent: Model) -> str:
    return parent.get_absolute_url() if hasattr(parent, "get_absolute_url") else reverse("web:home")


@require_POST
@login_required
def attachment_upload(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    parent = get_record_for(request.user, object_type, object_id, "view")
    if not may_attach(request.user, parent):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect_back(
            request, parent.get_absolute_url() if hasattr(parent, "get_absolute_url") else "/"
        )
    try:
        add_attachment(actor=request.user, parent=parent, upload=upload)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The file was attached."))
    return redirect_back(
        request, parent.get_absolute_url() if hasattr(parent, "get_absolute_url") else "/"
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _parent = get_attachment_for(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, parent = get_attachment_for(request.user, pk, "delete")
    delete_attachment(actor=request.user, attachment=attachment, parent=parent)
    messages.success(request, _("The file was moved to the trash."))
    return redirect_back(
        request, parent.get_absolute_url() if hasattr(parent, "get_absolute_url") else "/"
    )
