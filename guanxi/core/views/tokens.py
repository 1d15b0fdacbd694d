"""A user's own API tokens: create (key shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.forms import TokenForm
from guanxi.core.selectors import tokens_of
from guanxi.core.services.tokens import create_token, revoke_token
from guanxi.core.views.errors import add_service_errors


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = create_token(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    context = {"form": form, "tokens": tokens_of(request.user), "new_key": new_key}
    return render(request, "core/token_list.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("core:token_list")
