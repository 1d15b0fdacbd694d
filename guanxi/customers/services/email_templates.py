"""Reusable e-mail texts, shared by everyone who writes to customers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.models import User
from guanxi.core.services.audit import delete_audited, save_audited, snapshot
from guanxi.customers.models import EmailTemplate
from guanxi.customers.services.common import Errors, clean_text
from guanxi.customers.services.email import check_placeholders

FIELDS = ("name", "language", "subject", "body")


def _clean(values: dict[str, Any], exclude_pk: int | None) -> dict[str, Any]:
    errors = Errors()
    cleaned = {
        "name": clean_text(errors, "name", values.get("name"), max_length=100, required=True),
        "language": str(values.get("language") or ""),
        "subject": clean_text(
            errors, "subject", values.get("subject"), max_length=200, required=True
        ),
        "body": clean_text(errors, "body", values.get("body"), max_length=50000, required=True),
    }
    if cleaned["language"] and cleaned["language"] not in dict(settings.LANGUAGES):
        errors.add("language", _("Choose English or Simplified Chinese."))
    others = EmailTemplate.objects.filter(name__iexact=cleaned["name"])
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if cleaned["name"] and others.exists():
        errors.add("name", _("A template with this name already exists."))
    check_placeholders(errors, "subject", cleaned["subject"])
    check_placeholders(errors, "body", cleaned["body"])
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def create_email_template(*, actor: User, **values: Any) -> EmailTemplate:
    template = EmailTemplate(created_by=actor, **_clean(values, None))
    save_audited(actor=actor, obj=template, fields=FIELDS)
    return template


@transaction.atomic
def update_email_template(*, actor: User, template: EmailTemplate, **values: Any) -> EmailTemplate:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = snapshot(template, FIELDS)
    for name, value in _clean({**before, **values}, template.pk).items():
        setattr(template, name, value)
    save_audited(actor=actor, obj=template, fields=FIELDS, before=before)
    return template


@transaction.atomic
def delete_email_template(*, actor: User, template: EmailTemplate) -> None:
    delete_audited(actor=actor, obj=template, fields=FIELDS)
