"""Imports in the permission matrix."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.integrations.imports.models import ImportJob, ImportRecord, ImportRowError
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

# Roles with the add grant on contacts (and accounts).
IMPORTERS = frozenset({"administrator", "sales_manager", "sales_rep"})
CSV = "姓名,手机\n张伟,13812345678\n".encode()


def own_import(actor: Any, status: str = "dry_run_done") -> dict[str, Any]:
    """An import of the actor's (for anonymous, someone else's), checked and mapped."""
    owner = actor or make_user()
    job = ImportJob.objects.create(
        target="customers.contact",
        filename="contacts.csv",
        content=CSV,
        encoding="utf-8",
        delimiter=",",
        headers=["姓名", "手机"],
        mapping={"姓名": "full_name", "手机": "mobile"},
        options={"on_duplicate": "skip", "create_accounts": True},
        status=status,
        total_rows=1,
        created_by=owner,
    )
    return {"pk": job.pk}


def finished_import(actor: Any) -> dict[str, Any]:
    return own_import(actor, status="done")


def api_kwargs(factory: Any) -> Any:
    return lambda a: {"import_id": factory(a)["pk"]}


MAPPING = {"mapping": {"姓名": "full_name"}, "on_duplicate": "skip"}

PAGES: dict[str, Case] = {
    "integrations:import_list": Case("GET", EVERYONE),
    "integrations:import_upload": Case(
        "POST",
        IMPORTERS,
        data={"target": "customers.contact", "file": SimpleUploadedFile("c.csv", CSV)},
    ),
    "integrations:import_detail": Case("GET", EVERYONE, kwargs=own_import),
    "integrations:import_mapping": Case("GET", IMPORTERS, kwargs=own_import),
    "integrations:import_dry_run": Case("POST", IMPORTERS, kwargs=own_import),
    "integrations:import_start": Case("POST", IMPORTERS, kwargs=own_import),
    "integrations:import_errors": Case("GET", EVERYONE, kwargs=own_import),
    "integrations:import_rollback": Case("POST", IMPORTERS, kwargs=finished_import),
}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/imports"): Case(
        "POST",
        IMPORTERS,
        multipart=lambda a: {
            "target": "customers.contact",
            "file": SimpleUploadedFile("c.csv", CSV),
        },
    ),
    ("GET", "/api/v1/imports/{import_id}"): Case("GET", EVERYONE, kwargs=api_kwargs(own_import)),
    ("PUT", "/api/v1/imports/{import_id}/mapping"): Case(
        "PUT", IMPORTERS, kwargs=api_kwargs(own_import), data=MAPPING
    ),
    ("POST", "/api/v1/imports/{import_id}/dry-run"): Case(
        "POST", IMPORTERS, kwargs=api_kwargs(own_import)
    ),
    ("POST", "/api/v1/imports/{import_id}/start"): Case(
        "POST", IMPORTERS, kwargs=api_kwargs(own_import)
    ),
    ("GET", "/api/v1/imports/{import_id}/errors"): Case(
        "GET", EVERYONE, kwargs=api_kwargs(own_import)
    ),
    ("POST", "/api/v1/imports/{import_id}/rollback"): Case(
        "POST", IMPORTERS, kwargs=api_kwargs(finished_import)
    ),
}


def state() -> tuple[Any, ...]:
    return (
        sorted(ImportJob.objects.values_list("pk", "status", "next_row", "mapping")),
        ImportRowError.objects.count(),
        ImportRecord.objects.count(),
    )
