"""Customer tiers: administrators keep the list; everyone sees it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.access import can, get_for_or_404
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors
from guanxi.customers.models import CustomerTier
from guanxi.customers.object_types import TIER
from guanxi.customers.services.tiers import create_tier, update_tier


class TierForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Used in the API and imports; made from the name when empty."),
    )
    rank = forms.IntegerField(
        label=gettext_lazy("Rank"),
        min_value=0,
        initial=100,
        help_text=gettext_lazy("Lower ranks are listed first (and are the better customers)."),
    )


class TierEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    rank = forms.IntegerField(label=gettext_lazy("Rank"), min_value=0)
    is_active = forms.BooleanField(
        label=gettext_lazy("In use"),
        required=False,
        help_text=gettext_lazy("A retired tier stays on records but is no longer offered."),
    )


@require_action(TIER, "view")
def tier_list(request: HttpRequest) -> HttpResponse:
    may_add = can(request.user, TIER, "add")
    form = TierForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                create_tier(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The tier was added."))
                return redirect("customers:tier_list")
    context = {
        "tiers": CustomerTier.objects.all(),
        "form": form,
        "can_add": may_add,
        "can_change": can(request.user, TIER, "change"),
    }
    return render(request, "customers/tier_list.html", context)


@require_action(TIER, "change")
def tier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tier = get_for_or_404(CustomerTier.objects.all(), request.user, pk, "change")
    initial = {"name": tier.display_name, "rank": tier.rank, "is_active": tier.is_active}
    form = TierEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            update_tier(actor=request.user, tier=tier, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The tier was saved."))
            return redirect("customers:tier_list")
    context = {
        "form": form,
        "title": _("Edit tier “%(code)s”") % {"code": tier.code},
        "cancel_url": reverse("customers:tier_list"),
    }
    return render(request, "web/form_page.html", context)
