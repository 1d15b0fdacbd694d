"""Exports in the permission matrix."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from guanxi.integrations.models import ExportJob
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

# Roles with the export grant on contacts.
EXPORTERS = frozenset({"administrator", "sales_manager", "sales_rep", "marketer", "analyst"})


def own_export(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    job = ExportJob.objects.create(
        user=owner, object_type="customers.contact", format="csv", status="done", rows=0
    )
    job.file.save("contacts.csv", ContentFile(b"id\n"), save=True)
    return {"pk": job.pk}


PAGES: dict[str, Case] = {
    "integrations:export": Case(
        "GET", EXPORTERS, kwargs=lambda a: {"object_type": "customers.contact"}
    ),
    "integrations:export_list": Case("GET", EVERYONE),
    "integrations:export_download": Case("GET", EVERYONE, kwargs=own_export),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/exports"): Case(
        "POST", EXPORTERS, data={"object_type": "customers.contact", "format": "csv"}
    ),
    ("GET", "/api/v1/exports"): Case("GET", EVERYONE),
    ("GET", "/api/v1/exports/{export_id}"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"export_id": own_export(a)["pk"]}
    ),
    ("GET", "/api/v1/exports/{export_id}/download"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"export_id": own_export(a)["pk"]}
    ),
}


def state() -> tuple[Any, ...]:
    return (ExportJob.objects.filter(format="csv", rows=0, status="queued").count(),)
