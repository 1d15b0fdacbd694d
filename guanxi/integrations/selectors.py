"""Reads of exports: a user only ever sees their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from guanxi.integrations.models import ExportJob, ExportStatus


def exports_of(user: Any) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(user=user)


def get_export_for(user: Any, pk: Any) -> ExportJob:
    job = exports_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def get_finished_export_for(user: Any, pk: Any) -> ExportJob:
    """One of the user's exports whose file is ready; 404 otherwise."""
    job = exports_of(user).filter(pk=pk, status=ExportStatus.DONE).first()
    if job is None or not job.file:
        raise Http404
    return job
