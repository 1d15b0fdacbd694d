"""Every database has a sales pipeline, also after a test database is flushed."""

from __future__ import annotations

import pytest

from guanxi.sales.models import Pipeline, Stage
from guanxi.sales.services.pipelines import ensure_default_pipeline

pytestmark = pytest.mark.django_db


def test_the_default_pipeline_is_shipped_when_there_is_none():
    Stage.objects.all().delete()
    Pipeline.objects.all().delete()
    ensure_default_pipeline()
    pipeline = Pipeline.objects.get()
    assert pipeline.is_default
    assert [(s.code, s.probability, s.kind) for s in pipeline.stages.order_by("position")] == [
        ("first_contact", 10, "open"),
        ("needs_analysis", 25, "open"),
        ("proposal", 50, "open"),
        ("negotiation", 75, "open"),
        ("won", 100, "won"),
        ("lost", 0, "lost"),
    ]


def test_an_existing_pipeline_is_never_touched():
    Pipeline.objects.update(name="Renamed")
    ensure_default_pipeline()
    assert list(Pipeline.objects.values_list("name", flat=True)) == ["Renamed"]
