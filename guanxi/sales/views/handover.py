"""The handover page: give everything a leaver owns to one or several colleagues."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.access import get_for_or_404
from guanxi.core.decorators import require_action
from guanxi.core.models import User
from guanxi.core.selectors import users_visible_to
from guanxi.core.views.errors import add_service_errors
from guanxi.customers.object_types import ACCOUNT
from guanxi.sales.selectors_handover import handover_summary
from guanxi.sales.services.handover import describe_counts, hand_over


class HandoverForm(forms.Form):
    receivers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Colleagues who take over"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "With several colleagues, accounts are shared out in turn; each account's "
            "contacts, deals and tasks go with it."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, required=False, initial=""
    )

    def __init__(self, *args: Any, leaver: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receivers"].queryset = User.objects.filter(is_active=True).exclude(  # type: ignore[attr-defined]
            pk=leaver.pk
        )


@require_action(ACCOUNT, "assign")
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    leaver = get_for_or_404(users_visible_to(request.user), request.user, pk)
    form = HandoverForm(request.POST or None, leaver=leaver)
    if request.method == "POST" and form.is_valid():
        try:
            result = hand_over(
                actor=request.user,
                leaver=leaver,
                receivers=list(form.cleaned_data["receivers"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            lines = [
                f"{receiver}: {describe_counts(result.moved[receiver.pk])}"
                for receiver in form.cleaned_data["receivers"]
                if receiver.pk in result.moved
            ]
            messages.success(
                request,
                _("Handed over: %(lines)s.") % {"lines": "; ".join(lines) or _("nothing")},
            )
            return redirect(reverse("core:user_detail", args=[leaver.pk]))
    context = {"leaver": leaver, "form": form, "summary": handover_summary(leaver)}
    return render(request, "sales/handover.html", context)
