"""The kanban board of a pipeline, and moving a deal to another stage.

Dragging a card (``guanxi.js``) posts the new stage with htmx and swaps in the board
returned here; without JavaScript each card's stage select and button post the same
form, and a move to a lost stage without a reason goes to the deal page to ask why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, restrict
from guanxi.core.decorators import require_action
from guanxi.core.views.redirects import redirect_back
from guanxi.sales.choices import LostReason
from guanxi.sales.forms_deals import MoveForm
from guanxi.sales.models import Deal
from guanxi.sales.object_types import DEAL
from guanxi.sales.selectors_deals import (
    board_of,
    board_pipeline,
    get_deal_for,
    owner_choices,
    pipelines_visible_to,
)
from guanxi.sales.services.deals import move_deal


def board_context(request: HttpRequest, pipeline_id: Any, owner: str) -> dict[str, Any]:
    pipeline = board_pipeline(request.user, pipeline_id)
    if pipeline is None:
        return {"board": None}
    board = board_of(request.user, pipeline, owner_id=owner if owner.isdigit() else None)
    card_ids = [deal.pk for column in board.columns for deal in column.cards]
    movable = set(
        restrict(Deal.objects.filter(pk__in=card_ids), request.user, "change").values_list(
            "pk", flat=True
        )
    )
    today = timezone.now()
    for column in board.columns:
        for deal in column.cards:
            deal.days_in_stage = (today - deal.stage_entered_at).days
            deal.may_move = deal.pk in movable
    return {
        "board": board,
        "pipeline": pipeline,
        "owner": owner,
        "lost_reasons": LostReason.choices,
        "board_url": f"{reverse('sales:deal_board')}?pipeline={pipeline.pk}"
        + (f"&owner={owner}" if owner.isdigit() else ""),
    }


@require_action(DEAL, "view")
def deal_board(request: HttpRequest) -> HttpResponse:
    pipeline_id = request.GET.get("pipeline", "")
    owner = request.GET.get("owner", "")
    context = board_context(request, pipeline_id if pipeline_id.isdigit() else None, owner)
    context.update(
        pipelines=pipelines_visible_to(request.user).filter(is_active=True),
        owners=owner_choices(),
        can_add=can(request.user, DEAL, "add"),
    )
    return render(request, "sales/deal_board.html", context)


@require_POST
@require_action(DEAL, "change")
def deal_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a deal to the posted stage. An htmx request gets the board back (or, when a
    lost reason is missing, is sent to the deal page); a plain form goes back."""
    deal = get_deal_for(request.user, pk, "change")
    form = MoveForm(request.POST, pipeline=deal.pipeline)
    htmx = request.headers.get("HX-Request") == "true"
    error = ""
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        try:
            move_deal(
                actor=request.user,
                deal=deal,
                stage=stage,
                lost_reason=form.cleaned_data["lost_reason"] or None,
                lost_note=form.cleaned_data["lost_note"],
            )
        except ValidationError as exc:
            needs_reason = "lost_reason" in getattr(exc, "error_dict", {})
            error = " ".join(exc.messages)
            if needs_reason:
                messages.error(request, error)
                url = f"{deal.get_absolute_url()}?move_to={stage.pk}#move"
                if htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        else:
            if not htmx:
                messages.success(
                    request,
                    _("“%(deal)s” is now at %(stage)s.")
                    % {"deal": deal.name, "stage": stage.display_name},
                )
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    if htmx:
        owner = request.POST.get("owner", "")
        context = board_context(request, deal.pipeline_id, owner)
        context["board_error"] = error
        return render(request, "sales/board_columns.html", context)
    if error:
        messages.error(request, error)
    fallback = f"{reverse('sales:deal_board')}?pipeline={deal.pipeline_id}"
    return redirect_back(request, fallback)
