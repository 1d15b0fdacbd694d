"""Customer classification pages: the classes list, key accounts, the lifecycle flow,
one account's stage history and the rules page (preview before saving)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.analytics.charts_classification import COLOURS, flow_svg
from guanxi.analytics.forms_classification import RulesForm
from guanxi.analytics.models.classification import LifecycleStage
from guanxi.analytics.object_types import CUSTOMER_CLASS, RULES, TRANSITION
from guanxi.analytics.selectors_classification import (
    CLASS_SORTS,
    FILTERS,
    classes_visible_to,
    filter_classes,
    key_accounts_visible_to,
    lifecycle_flow,
    rules_history,
    transitions_of_account,
)
from guanxi.analytics.services.classification import DIMENSIONS, Preview, preview
from guanxi.analytics.services.classification_explain import (
    class_label,
    dimension_titles,
    key_reason_text,
    stage_label,
    stage_text,
)
from guanxi.analytics.services.classification_rules import clean_rules, current_rules, save_rules
from guanxi.core.access import can, restrict
from guanxi.core.decorators import require_action
from guanxi.customers.models import Account
from guanxi.lib.listing import PAGE_SIZE
from guanxi.sales.services.exchange_rates import base_currency


def _key_flag(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


@require_action(CUSTOMER_CLASS, "view")
def class_list(request: HttpRequest) -> HttpResponse:
    """The customers' classes and stages the user may see, filtered by any class, the
    stage and the key-account flag; sorted by net value by default."""
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    key_text = request.GET.get("key", "")
    queryset = filter_classes(classes_visible_to(request.user), key=_key_flag(key_text), **chosen)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in CLASS_SORTS:
        sort = "-margin"
    field = F(sort.lstrip("-"))
    ordering = field.desc() if sort.startswith("-") else field.asc()
    queryset = queryset.order_by(ordering, "-pk" if sort.startswith("-") else "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/class_list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "filters": [(name, choices.choices) for name, choices in FILTERS.items()],
            "chosen": chosen,
            "key": key_text,
            "sort": sort,
            "base_currency": base_currency(),
        },
    )


@require_action(CUSTOMER_CLASS, "view")
def key_account_list(request: HttpRequest) -> HttpResponse:
    """Key accounts (high value or growing fast) with the reasons, by net value."""
    page = Paginator(key_accounts_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    currency = base_currency()
    rows = [
        (row, [key_reason_text(reason, currency) for reason in row.key_reasons])
        for row in page.object_list
    ]
    return render(
        request,
        "analytics/key_account_list.html",
        {"page_obj": page, "rows": rows, "base_currency": currency},
    )


@require_action(TRANSITION, "view")
def lifecycle_flow_page(request: HttpRequest) -> HttpResponse:
    """Customers moving between lifecycle stages per month: chart, table, from × to."""
    try:
        months = min(max(int(request.GET.get("months", 12)), 1), 36)
    except ValueError:
        months = 12
    flow = lifecycle_flow(request.user, months=months, as_of=timezone.localdate())
    stages = list(LifecycleStage)
    return render(
        request,
        "analytics/lifecycle_flow.html",
        {
            "flow": flow,
            "chart": flow_svg(flow),
            "stages": stages,
            "legend": [(stage, COLOURS[stage.value]) for stage in stages],
            "months": months,
            "month_rows": [
                (
                    month,
                    [month.entered.get(stage.value, 0) for stage in stages],
                    [(stage_label(a), stage_label(b), n) for a, b, n in month.moves],
                )
                for month in flow.months
            ],
            "matrix_rows": [
                (
                    origin,
                    [
                        flow.matrix.get(origin.value if origin else "", {}).get(s.value, 0)
                        for s in stages
                    ],
                )
                for origin in [None, *stages]
            ],
            "current": [(stage, flow.current.get(stage.value, 0)) for stage in stages],
        },
    )


@require_action(TRANSITION, "view")
def account_lifecycle(request: HttpRequest, account_id: int) -> HttpResponse:
    """One account's lifecycle stage history (404 when the account is not visible)."""
    account = get_object_or_404(
        restrict(Account.objects.all(), request.user, "view"), pk=account_id
    )
    transitions = transitions_of_account(request.user, account.pk, limit=200)
    return render(
        request,
        "analytics/lifecycle_history.html",
        {
            "account": account,
            "transitions": [(t, stage_text(t.reason)) for t in transitions],
        },
    )


def _preview_rows(found: Preview) -> list[tuple[tuple[str, str], int, list[Any]]]:
    titles = dimension_titles()
    return [
        (
            (name, titles[name]),
            found.changed[name],
            [(class_label(name, a), class_label(name, b), n) for a, b, n in found.moves[name]],
        )
        for name in DIMENSIONS
    ]


def _rules_page(request: HttpRequest, form: RulesForm, **extra: Any) -> HttpResponse:
    return render(
        request,
        "analytics/rules_edit.html",
        {
            "form": form,
            "current": current_rules(),
            "history": rules_history(),
            "can_change": can(request.user, RULES, "change"),
            "preview_rows": _preview_rows(extra["preview"]) if "preview" in extra else [],
            **extra,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_action(RULES, "view")
def rules_edit(request: HttpRequest) -> HttpResponse:
    """The rules in use, as a form to try other thresholds on."""
    return _rules_page(request, RulesForm(initial=RulesForm.initial_from(current_rules().rules)))


def _proposed(form: RulesForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    try:
        return clean_rules(form.cleaned_data, base=current_rules().rules)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else "needs_mapping", errors)
        return None


@require_POST
@require_action(RULES, "view")
def rules_preview(request: HttpRequest) -> HttpResponse:
    """How many customers would move between classes under the proposed rules — computed,
    never saved."""
    form = RulesForm(request.POST)
    proposed = _proposed(form)
    if proposed is None:
        return _rules_page(request, form)
    return _rules_page(request, form, preview=preview(proposed))


@require_POST
@require_action(RULES, "change")
def rules_save(request: HttpRequest) -> HttpResponse:
    """Store the next version of the rules; a recompute reclassifies everyone."""
    form = RulesForm(request.POST)
    proposed = _proposed(form)
    if proposed is None:
        return _rules_page(request, form)
    saved = save_rules(actor=request.user, data=proposed)
    messages.success(
        request,
        _("Rules version %(version)s saved: every customer is being reclassified.")
        % {"version": saved.version},
    )
    return redirect("analytics:rules_edit")
