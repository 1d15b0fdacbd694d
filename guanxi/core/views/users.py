"""Administering users: list, invite, edit, deactivate, reactivate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, get_for_or_404
from guanxi.core.decorators import require_action
from guanxi.core.forms import InviteUserForm, UserForm
from guanxi.core.selectors import audit_for_object, owned_records_summary, users_visible_to
from guanxi.core.services.users import deactivate_user, invite_user, reactivate_user, update_user
from guanxi.core.views.errors import add_service_errors
from guanxi.lib.listing import list_page

USER = "core.user"


@require_action(USER, "view")
def user_list(request: HttpRequest) -> HttpResponse:
    queryset = users_visible_to(request.user)
    status = request.GET.get("status", "")
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    context = list_page(
        request,
        queryset,
        search_fields=("email", "full_name"),
        sort_fields=("full_name", "email", "date_joined", "last_login"),
        default_sort="full_name",
    )
    context.update(status=status, can_add=can(request.user, USER, "add"))
    return render(request, "core/user_list.html", context)


@require_action(USER, "view")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_or_404(users_visible_to(request.user), request.user, pk)
    may_change = can(request.user, USER, "change")
    context = {
        "subject": user,
        "can_change": may_change,
        "owned": owned_records_summary(user) if may_change else [],
        "history": audit_for_object(request.user, USER, user.pk)[:50] if may_change else [],
    }
    return render(request, "core/user_detail.html", context)


@require_action(USER, "add")
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_user(
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("core:user_detail", pk=user.pk)
    context = {"form": form, "title": _("Invite a user"), "cancel_url": reverse("core:user_list")}
    return render(request, "web/form_page.html", context)


@require_action(USER, "change")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_or_404(users_visible_to(request.user), request.user, pk, "change")
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        roles = data.pop("roles")
        user.refresh_from_db()  # the form wrote its values onto the instance
        try:
            update_user(actor=request.user, user=user, roles=roles, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The user was saved."))
            return redirect("core:user_detail", pk=user.pk)
    context = {
        "form": form,
        "title": _("Edit user"),
        "cancel_url": reverse("core:user_detail", args=[user.pk]),
    }
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(USER, "change")
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_or_404(users_visible_to(request.user), request.user, pk, "change")
    try:
        deactivate_user(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s can no longer log in; their API tokens were revoked.") % {"user": user},
        )
    return redirect("core:user_detail", pk=user.pk)


@require_POST
@require_action(USER, "change")
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_or_404(users_visible_to(request.user), request.user, pk, "change")
    reactivate_user(actor=request.user, user=user)
    messages.success(request, _("%(user)s can log in again.") % {"user": user})
    return redirect("core:user_detail", pk=user.pk)
