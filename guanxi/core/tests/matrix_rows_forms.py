"""The public forms' rows in the permission matrix: the visitors' page is public, the
set-up pages are for administrators. (Wire into ``MODULES`` of test_permission_matrix.)"""

from __future__ import annotations

from typing import Any

from guanxi.core.models import FormSubmission, PublicForm
from guanxi.testing.matrix import ADMINS, PUBLIC, Case
from guanxi.testing.sales import make_lead_form


def some_form(actor: Any) -> dict[str, Any]:
    return {"pk": make_lead_form().pk}


def some_slug(actor: Any) -> dict[str, Any]:
    return {"slug": make_lead_form().slug}


FORM = {
    "name": "Matrix form",
    "slug": "matrix-form",
    "kind": "lead",
    "shown": ["family_name", "phone"],
    "required_fields": ["family_name"],
    "call_within_hours": "4",
    "is_active": "on",
}

PAGES: dict[str, Case] = {
    "core:public_form": Case("GET", PUBLIC, kwargs=some_slug),
    "core:public_form_list": Case("POST", ADMINS, data=FORM),
    "core:public_form_detail": Case("POST", ADMINS, kwargs=some_form, data=FORM),
    "core:public_form_delete": Case("POST", ADMINS, kwargs=some_form),
}
OPERATIONS: dict[tuple[str, str], Case] = {}


def state() -> tuple[Any, ...]:
    return (
        sorted(PublicForm.objects.values_list("pk", "slug", "name", "is_active")),
        FormSubmission.objects.count(),
    )
