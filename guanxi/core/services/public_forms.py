"""Public forms: set them up, and take a visitor's submission (rate-limited, recorded,
handed to the kind's handler in one transaction)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import FormSubmission, PublicForm, User
from guanxi.core.public_forms import SubmissionContext, form_kind
from guanxi.core.services.audit import diff, record_audit, snapshot

RATE_LIMIT = 5  # submissions per form and IP address ...
RATE_WINDOW = timedelta(minutes=10)  # ... in this window
FORM_FIELDS = (
    "slug",
    "name",
    "kind",
    "title",
    "title_zh",
    "fields",
    "consent_text",
    "consent_text_zh",
    "success_message",
    "success_message_zh",
    "call_within_hours",
    "is_active",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class RateLimited(Exception):
    """Too many submissions from one address: nothing was stored."""


def _clean(form: PublicForm, values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for name in set(values) - set(FORM_FIELDS):
        add(name, _("This field cannot be changed here."))
    for name, value in values.items():
        if name in FORM_FIELDS:
            setattr(form, name, value.strip() if isinstance(value, str) else value)
    if not _SLUG.match(form.slug or ""):
        add("slug", _("Use lower-case letters, digits and dashes (at most 60)."))
    elif PublicForm.objects.filter(slug=form.slug).exclude(pk=form.pk).exists():
        add("slug", _("Another form already uses this address."))
    if not form.name:
        add("name", _("This field is required."))
    handler = form_kind(form.kind)
    if handler is None:
        add("kind", _("Unknown kind of form."))
    else:
        form.fields = _clean_fields(handler, form.fields, add)
    if form.call_within_hours is None or not 1 <= int(form.call_within_hours) <= 720:
        add("call_within_hours", _("Give between 1 and 720 hours."))
    if errors:
        raise ValidationError(errors)


def _clean_fields(handler: Any, rows: Any, add: Any) -> list[dict[str, Any]]:
    """The fields chosen, each once, known to the handler; always-required ones forced."""
    if not isinstance(rows, list):
        add("fields", _("Give the fields as a list."))
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        name = str((row or {}).get("name") or "")
        spec = handler.spec(name)
        if spec is None:
            add(
                f"fields.{index}.name",
                _("This kind of form has no field “%(name)s”.") % {"name": name},
            )
            continue
        if name in seen:
            add(f"fields.{index}.name", _("This field is listed twice."))
            continue
        seen.add(name)
        cleaned.append(
            {
                "name": name,
                "required": bool(row.get("required")) or spec.always_required,
                "label": str(row.get("label") or "").strip()[:100],
                "label_zh": str(row.get("label_zh") or "").strip()[:100],
            }
        )
    for spec in handler.fields:
        if spec.always_required and spec.name not in seen:
            add("fields", _("The field “%(name)s” must be on the form.") % {"name": spec.name})
    return cleaned


@transaction.atomic
def create_public_form(*, actor: User, **values: Any) -> PublicForm:
    """Create a public form; without ``fields``, the kind's default fields are shown."""
    handler = form_kind(values.get("kind", "lead"))
    if not values.get("fields") and handler is not None:
        values["fields"] = [
            {"name": name, "required": bool(handler.spec(name).always_required)}  # type: ignore[union-attr]
            for name in handler.default_fields
        ]
    form = PublicForm(created_by=actor)
    _clean(form, values)
    form.save()
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=form,
        changes=diff({}, snapshot(form, FORM_FIELDS)),
    )
    return form


@transaction.atomic
def update_public_form(*, actor: User, form: PublicForm, **values: Any) -> PublicForm:
    before = snapshot(form, FORM_FIELDS)
    _clean(form, values)
    form.save()
    changes = diff(before, snapshot(form, FORM_FIELDS))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=form, changes=changes)
    return form


@transaction.atomic
def delete_public_form(*, actor: User, form: PublicForm) -> None:
    """Delete a form and its submissions (the records they created are kept)."""
    record_audit(
        actor=actor, event=AuditEvent.DELETE, obj=form, changes={"slug": [form.slug, None]}
    )
    form.delete()


def is_rate_limited(form: PublicForm, ip_address: str | None) -> bool:
    """Whether this address already sent ``RATE_LIMIT`` submissions in the window."""
    if not ip_address:
        return False
    since = timezone.now() - RATE_WINDOW
    recent = FormSubmission.objects.filter(form=form, ip_address=ip_address, created_at__gte=since)
    return recent.count() >= RATE_LIMIT


@transaction.atomic
def submit_public_form(
    *,
    form: PublicForm,
    data: dict[str, Any],
    consent_given: bool = False,
    consent_wording: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    language: str = "",
) -> FormSubmission:
    """Record a visitor's answers and let the kind's handler make its record.

    All or nothing: a handler's ValidationError (naming the field) leaves no submission
    behind. Raises RateLimited when the address sent too many already."""
    handler = form_kind(form.kind)
    if handler is None or not form.is_active:
        raise ValidationError(_("This form is closed."))
    if is_rate_limited(form, ip_address):
        raise RateLimited
    stored = {**data, "consent": consent_given}
    if consent_given:
        stored["consent_wording"] = consent_wording
    submission = FormSubmission.objects.create(
        form=form,
        data=stored,
        ip_address=ip_address,
        user_agent=user_agent[:300],
        language=language[:10],
    )
    context = SubmissionContext(
        form=form,
        submission=submission,
        consent_given=consent_given,
        consent_wording=consent_wording if consent_given else "",
    )
    result = handler.handle(dict(data), context)
    if result is not None:
        submission.result_type = result._meta.label_lower
        submission.result_id = str(result.pk)
        submission.save(update_fields=["result_type", "result_id"])
    return submission
