"""Pipelines and their stages: create, rename, reorder, retire; one default pipeline.

Every pipeline keeps at least one open stage and exactly one won and one lost stage,
so any deal can always be moved on, won or lost. A stage with deals is never deleted:
its deals are moved to another stage of the pipeline first (each move recorded), and a
stage named in a deal's stage history is kept (rename it instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guanxi.core.choices import AuditEvent
from guanxi.core.models import User
from guanxi.core.services.audit import diff, record_audit
from guanxi.customers.services.common import Errors, clean_choice, clean_text
from guanxi.sales.choices import StageKind
from guanxi.sales.models import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.services.deals import move_deal

PIPELINE_FIELDS = ("name", "position", "is_default", "is_active")


def pipeline_snapshot(pipeline: Pipeline) -> dict[str, Any]:
    return {
        "name": pipeline.name,
        "position": pipeline.position,
        "is_default": pipeline.is_default,
        "is_active": pipeline.is_active,
        "stages": [
            f"{s.name} ({s.kind}, {s.probability}%)"
            for s in Stage.objects.filter(pipeline=pipeline).order_by("position", "pk")
        ]
        if pipeline.pk
        else [],
    }


def _clean_name(errors: Errors, value: Any, pipeline: Pipeline | None) -> str:
    name = clean_text(errors, "name", value, max_length=100, required=True)
    others = Pipeline.objects.filter(name__iexact=name)
    if pipeline is not None and pipeline.pk:
        others = others.exclude(pk=pipeline.pk)
    if name and others.exists():
        errors.add("name", _("A pipeline with this name already exists."))
    return name


def _clean_stage_rows(errors: Errors, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each row's name, probability and kind; at least one open stage, exactly one won
    and one lost stage. Errors are named ``stages.<index>.<field>``."""
    cleaned: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        prefix = f"stages.{index}."
        kind = clean_choice(errors, f"{prefix}kind", row.get("kind") or "open", StageKind)
        try:
            probability = int(row.get("probability", 0))
        except (TypeError, ValueError):
            probability = -1
        if not 0 <= probability <= 100:
            errors.add(f"{prefix}probability", _("Enter a whole number from 0 to 100."))
        cleaned.append(
            {
                "id": row.get("id"),
                "name": clean_text(
                    errors, f"{prefix}name", row.get("name"), max_length=100, required=True
                ),
                "probability": probability,
                "kind": kind,
            }
        )
    kinds = [row["kind"] for row in cleaned]
    if kinds.count(StageKind.OPEN) < 1:
        errors.add("stages", _("A pipeline needs at least one open stage."))
    if kinds.count(StageKind.WON) != 1:
        errors.add("stages", _("A pipeline needs exactly one won stage."))
    if kinds.count(StageKind.LOST) != 1:
        errors.add("stages", _("A pipeline needs exactly one lost stage."))
    names = [str(row["name"]).lower() for row in cleaned]
    for index, name in enumerate(names):
        if name and name in names[:index]:
            errors.add(f"stages.{index}.name", _("Two stages cannot have the same name."))
    return cleaned


def _default_rows() -> list[dict[str, Any]]:
    return [
        {"name": _("New"), "probability": 10, "kind": StageKind.OPEN},
        {"name": _("Won"), "probability": 100, "kind": StageKind.WON},
        {"name": _("Lost"), "probability": 0, "kind": StageKind.LOST},
    ]


def _make_default(pipeline: Pipeline) -> None:
    """The one default pipeline: unset the old one first (a partial unique index)."""
    Pipeline.objects.filter(is_default=True).exclude(pk=pipeline.pk).update(is_default=False)


@transaction.atomic
def create_pipeline(
    *,
    actor: User,
    name: str,
    stages: Iterable[Mapping[str, Any]] | None = None,
    is_default: bool = False,
    position: int | None = None,
) -> Pipeline:
    """Create a pipeline with its stages (default: New, Won, Lost), placed last."""
    errors = Errors()
    clean_name = _clean_name(errors, name, None)
    rows = _clean_stage_rows(errors, list(stages) if stages is not None else _default_rows())
    errors.raise_if_any()
    if position is None:
        position = (Pipeline.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    pipeline = Pipeline(name=clean_name, position=position, is_default=False)
    pipeline.save()
    if is_default:
        _make_default(pipeline)
        pipeline.is_default = True
        pipeline.save(update_fields=["is_default"])
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, position=i, **{k: v for k, v in row.items() if k != "id"})
        for i, row in enumerate(rows)
    )
    record_audit(
        actor=actor,
        event=AuditEvent.CREATE,
        obj=pipeline,
        changes=diff({}, pipeline_snapshot(pipeline)),
    )
    return pipeline


@transaction.atomic
def update_pipeline(
    *,
    actor: User,
    pipeline: Pipeline,
    stages: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Pipeline:
    """Rename, reorder, retire or make default a pipeline; ``stages`` (when given) is the
    whole ordered list: rows with an ``id`` change that stage, rows without one add a
    stage, and stages left out are deleted — refused while they still have deals."""
    errors = Errors()
    for unknown in set(fields) - set(PIPELINE_FIELDS):
        errors.add(unknown, _("This field cannot be changed here."))
    errors.raise_if_any()
    pipeline.refresh_from_db(fields=["is_default"])  # another pipeline may have taken it
    before = pipeline_snapshot(pipeline)
    if "name" in fields:
        pipeline.name = _clean_name(errors, fields["name"], pipeline)
    if "position" in fields:
        try:
            pipeline.position = max(0, int(fields["position"]))
        except (TypeError, ValueError):
            errors.add("position", _("Enter a whole number."))
    is_default = bool(fields.get("is_default", pipeline.is_default))
    is_active = bool(fields.get("is_active", pipeline.is_active))
    if pipeline.is_default and not is_default:
        errors.add("is_default", _("Make another pipeline the default instead."))
    if is_default and not is_active:
        errors.add("is_active", _("The default pipeline cannot be retired."))
    rows = None
    existing = {s.pk: s for s in pipeline.stages.all()}
    if stages is not None:
        rows = _clean_stage_rows(errors, list(stages))
        for index, row in enumerate(rows):
            if row["id"] is not None and row["id"] not in existing:
                errors.add(f"stages.{index}.id", _("This stage belongs to another pipeline."))
        kept = {row["id"] for row in rows if row["id"] is not None}
        for pk, stage in existing.items():
            reason = _stage_in_use(stage) if pk not in kept else None
            if reason:
                errors.add("stages", reason)
    if errors.messages:
        pipeline.refresh_from_db()
        errors.raise_if_any()
    if is_default:
        _make_default(pipeline)
    pipeline.is_default, pipeline.is_active = is_default, is_active
    pipeline.save()
    if rows is not None:
        _replace_stages(pipeline, rows, existing)
    changes = diff(before, pipeline_snapshot(pipeline))
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=pipeline, changes=changes)
    return pipeline


def _replace_stages(
    pipeline: Pipeline, rows: list[dict[str, Any]], existing: dict[int, Stage]
) -> None:
    kept = {row["id"] for row in rows if row["id"] is not None}
    Stage.objects.filter(pk__in=[pk for pk in existing if pk not in kept]).delete()
    for position, row in enumerate(rows):
        stage = existing.get(row["id"]) if row["id"] is not None else None
        if stage is None:
            stage = Stage(pipeline=pipeline)
        stage.name, stage.probability, stage.kind = row["name"], row["probability"], row["kind"]
        stage.position = position
        stage.save()


def _stage_in_use(stage: Stage) -> str | None:
    """Why the stage cannot be deleted now, or None."""
    if Deal.all_objects.filter(stage=stage).exists():
        return _("“%(stage)s” still has deals: move them to another stage first.") % {
            "stage": stage.display_name
        }
    if DealStageChange.objects.filter(to_stage=stage).exists():
        # The stage history names it; deleting it would rewrite what happened.
        return _(
            "Deals have passed through “%(stage)s” and their history names it: rename it "
            "instead of deleting it."
        ) % {"stage": stage.display_name}
    return None


@transaction.atomic
def move_stage_deals(*, actor: User, stage: Stage, move_to: Stage) -> int:
    """Move every deal of a stage to ``move_to``, another open or won stage of the same
    pipeline, each move recorded on the deal. Returns how many moved."""
    errors = Errors()
    if move_to.pipeline_id != stage.pipeline_id or move_to.pk == stage.pk:
        errors.add("move_to", _("Choose another stage of the same pipeline."))
    elif move_to.kind == StageKind.LOST:
        errors.add("move_to", _("Deals cannot be moved to a lost stage without a reason."))
    errors.raise_if_any()
    deals = list(Deal.all_objects.filter(stage=stage).select_related("stage").order_by("pk"))
    for deal in deals:
        move_deal(actor=actor, deal=deal, stage=move_to)
    return len(deals)


@transaction.atomic
def delete_stage(*, actor: User, stage: Stage) -> None:
    """Delete a stage nobody has used; the pipeline keeps its open, won and lost stages."""
    errors = Errors()
    pipeline = stage.pipeline
    reason = _stage_in_use(stage)
    if reason:
        errors.add("stage", reason)
    remaining = [s.kind for s in pipeline.stages.all() if s.pk != stage.pk]
    if stage.kind != StageKind.OPEN or StageKind.OPEN not in remaining:
        errors.add(
            "stage",
            _("A pipeline needs at least one open stage and exactly one won and one lost stage."),
        )
    errors.raise_if_any()
    before = pipeline_snapshot(pipeline)
    stage.delete()
    record_audit(
        actor=actor,
        event=AuditEvent.CHANGE,
        obj=pipeline,
        changes=diff(before, pipeline_snapshot(pipeline)),
    )


def ensure_default_pipeline() -> None:
    """Ship the default pipeline when a database has none (first contact → needs
    analysis → proposal → negotiation → won / lost); never changes an existing one."""
    from guanxi.sales.models.deals import BUILTIN_STAGES

    if Pipeline.objects.exists():
        return
    pipeline = Pipeline.objects.create(name="Sales", is_default=True, position=0)
    Stage.objects.bulk_create(
        Stage(
            pipeline=pipeline,
            code=code,
            name=name,
            probability=probability,
            kind=kind,
            position=position,
        )
        for position, (code, name, probability, kind) in enumerate(BUILTIN_STAGES)
    )
