"""Pipelines (administrators and sales managers): list and create, edit name, order,
default, retirement and stages; empty and delete a stage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.core.access import can
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors, flash_errors
from guanxi.customers.views.common import Rows, add_errors
from guanxi.sales.forms_deals import PipelineForm, StageFormSet, StageMoveForm
from guanxi.sales.object_types import PIPELINE
from guanxi.sales.selectors_deals import get_pipeline_for, get_stage_for, pipelines_visible_to
from guanxi.sales.services import pipelines as services


@require_action(PIPELINE, "view")
def pipeline_list(request: HttpRequest) -> HttpResponse:
    """Every pipeline with its stages; managers create new ones here."""
    may_add = can(request.user, PIPELINE, "add")
    form = PipelineForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST":
        if not may_add:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pipeline = services.create_pipeline(
                    actor=request.user,
                    name=data["name"],
                    is_default=data["is_default"],
                    position=data["position"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The pipeline was created: now set its stages."))
                return redirect("sales:pipeline_detail", pk=pipeline.pk)
    context = {
        "pipelines": pipelines_visible_to(request.user),
        "form": form,
        "can_add": may_add,
        "can_change": can(request.user, PIPELINE, "change"),
    }
    return render(request, "sales/pipeline_list.html", context)


def _stage_initial(pipeline: Any) -> list[dict[str, Any]]:
    return [
        {"id": s.pk, "name": s.name, "probability": s.probability, "kind": s.kind}
        for s in pipeline.stages.all()
    ]


@require_action(PIPELINE, "change")
def pipeline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, reorder, retire or make default a pipeline, and edit its stages in order."""
    pipeline = get_pipeline_for(request.user, pk, "change")
    data = request.POST if request.method == "POST" else None
    form = PipelineForm(
        data,
        initial={
            "name": pipeline.name,
            "position": pipeline.position,
            "is_default": pipeline.is_default,
            "is_active": pipeline.is_active,
        },
    )
    stages = Rows("stages", StageFormSet(data, prefix="stages", initial=_stage_initial(pipeline)))
    if request.method == "POST" and form.is_valid() and stages.is_valid():
        rows = stages.data()
        for row in rows:
            row["probability"] = row.get("probability") or 0
        try:
            services.update_pipeline(
                actor=request.user, pipeline=pipeline, stages=rows, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, [stages], error)
        else:
            messages.success(request, _("The pipeline was saved."))
            return redirect("sales:pipeline_detail", pk=pipeline.pk)
    context = {
        "pipeline": pipeline,
        "form": form,
        "stages": stages.formset,
        "existing": list(pipeline.stages.all()),
    }
    return render(request, "sales/pipeline_detail.html", context)


@require_action(PIPELINE, "change")
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Empty a stage (its deals move to another stage) and delete it when nothing names it."""
    stage = get_stage_for(request.user, pk, "change")
    deal_count = stage.deals.count()
    form = StageMoveForm(request.POST or None, stage=stage)
    if request.method == "POST":
        try:
            if deal_count:
                if not form.is_valid():
                    raise ValidationError({"move_to": _("Choose where to move its deals.")})
                moved = services.move_stage_deals(
                    actor=request.user, stage=stage, move_to=form.cleaned_data["move_to"]
                )
                messages.success(
                    request,
                    ngettext("%(n)s deal was moved.", "%(n)s deals were moved.", moved)
                    % {"n": moved},
                )
            services.delete_stage(actor=request.user, stage=stage)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The stage was deleted."))
        return redirect("sales:pipeline_detail", pk=stage.pipeline_id)
    context = {"stage": stage, "deal_count": deal_count, "form": form}
    return render(request, "sales/pipeline_stage_delete.html", context)
