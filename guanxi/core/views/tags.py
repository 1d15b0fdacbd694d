"""Tags: the shared list of labels; anyone who labels records may add one."""

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
from guanxi.core.forms import TagForm
from guanxi.core.selectors import tags_visible_to
from guanxi.core.services.tags import create_tag, delete_tag, update_tag
from guanxi.core.views.errors import add_service_errors
from guanxi.lib.listing import list_page

TAG = "core.tag"


@require_action(TAG, "view")
def tag_list(request: HttpRequest) -> HttpResponse:
    may_add = can(request.user, TAG, "add")
    form = TagForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                create_tag(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The tag was created."))
                return redirect("core:tag_list")
    context = list_page(
        request,
        tags_visible_to(request.user),
        search_fields=("name",),
        sort_fields=("name",),
        default_sort="name",
        page_size=100,
    )
    context.update(
        form=form,
        can_add=may_add,
        can_change=can(request.user, TAG, "change"),
        can_delete=can(request.user, TAG, "delete"),
    )
    return render(request, "core/tag_list.html", context)


@require_action(TAG, "change")
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_for_or_404(tags_visible_to(request.user), request.user, pk, "change")
    form = TagForm(request.POST or None, initial={"name": tag.name, "color": tag.color})
    if request.method == "POST" and form.is_valid():
        try:
            update_tag(actor=request.user, tag=tag, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The tag was saved."))
            return redirect("core:tag_list")
    context = {"form": form, "title": _("Edit tag"), "cancel_url": reverse("core:tag_list")}
    return render(request, "web/form_page.html", context)


@require_POST
@require_action(TAG, "delete")
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_for_or_404(tags_visible_to(request.user), request.user, pk, "delete")
    delete_tag(actor=request.user, tag=tag)
    messages.success(request, _("The tag was deleted."))
    return redirect("core:tag_list")
