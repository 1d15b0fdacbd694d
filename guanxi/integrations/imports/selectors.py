"""Reads of imports: a job is seen by the person who uploaded it and administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from guanxi.integrations.imports.models import ImportJob, ImportTemplate


def imports_visible_to(user: Any) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.defer("content")
    return jobs if user.is_superuser else jobs.filter(created_by=user)


def get_import_for(user: Any, pk: Any) -> ImportJob:
    job = imports_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def templates_for(user: Any, target: str) -> QuerySet[ImportTemplate]:
    return ImportTemplate.objects.filter(created_by=user, target=target)
