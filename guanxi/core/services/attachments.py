"""Files attached to records: checked on the way in, trashed and purged like records."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Attachment, TrashItem, User
from guanxi.core.services.audit import record_audit
from guanxi.core.services.trash import trash_record
from guanxi.core.uploads import SNIFF_BYTES, sniff_content_type


def _check_upload(upload: UploadedFile) -> tuple[str, str]:
    """The sniffed content type and SHA-256 of an acceptable upload, else ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            }
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    content_type = sniff_content_type(head, upload.name or "")
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "This kind of file cannot be attached. Attach documents (PDF, Office, "
                    "text, CSV), images, audio, video or ZIP archives."
                )
            }
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def _parent_audit(actor: Any, parent: Model, key: str, before: Any, after: Any) -> None:
    record_audit(actor=actor, event=AuditEvent.CHANGE, obj=parent, changes={key: [before, after]})


@transaction.atomic
def add_attachment(*, actor: User, parent: Model, upload: UploadedFile) -> Attachment:
    """Attach a file to ``parent``; the caller has checked the actor may change it."""
    content_type, sha256 = _check_upload(upload)
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255]
    attachment = Attachment(
        object_type=parent._meta.label_lower,
        object_id=str(parent.pk),
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        sha256=sha256,
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    try:  # the file is written before the row: never leave it behind without one
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    _parent_audit(actor, parent, "attachments", None, name)
    return attachment


@transaction.atomic
def delete_attachment(*, actor: User, attachment: Attachment, parent: Model) -> TrashItem:
    """Move an attachment to the trash (restorable for 30 days like any record)."""
    item = trash_record(actor=actor, obj=attachment)
    _parent_audit(actor, parent, "attachments", attachment.name, None)
    return item


def remove_file(attachment: Model) -> None:
    """Delete the stored file of an attachment that is being purged."""
    file = getattr(attachment, "file", None)
    if file:
        file.delete(save=False)


def delete_attachments_of(*, object_type: str, object_id: str) -> int:
    """Delete for good every attachment of a purged record, files included."""
    rows = list(Attachment.all_objects.filter(object_type=object_type, object_id=object_id))
    for attachment in rows:
        remove_file(attachment)
        TrashItem.objects.filter(
            object_type="core.attachment", object_id=str(attachment.pk)
        ).delete()
        attachment.delete()
    return len(rows)
