"""Relationships on a customer's page: the list, the graph, add and remove."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import is_permitted
from guanxi.core.decorators import require_action
from guanxi.core.search import search
from guanxi.core.views.errors import flash_errors
from guanxi.customers.choices import AccountRelation, ContactRelation
from guanxi.customers.graph import relationship_svg
from guanxi.customers.models import Account, Contact
from guanxi.customers.object_types import ACCOUNT, CONTACT
from guanxi.customers.selectors import (
    accounts_visible_to,
    contacts_visible_to,
    get_account_for,
    get_contact_for,
    get_relationship_for,
    relationships_of,
)
from guanxi.customers.services.relationships import add_relationship, remove_relationship


def relationship_panel(request: HttpRequest, subject: Account | Contact) -> dict[str, Any]:
    """Context for ``customers/_relationships.html``."""
    rows = relationships_of(request.user, subject)
    is_account = isinstance(subject, Account)
    return {
        "related": rows,
        "relationship_graph": relationship_svg(subject, rows),
        "relation_kinds": AccountRelation.choices if is_account else ContactRelation.choices,
        "relation_target_type": "account" if is_account else "contact",
        "relation_add_url": reverse(
            "customers:account_relationship_add"
            if is_account
            else "customers:contact_relationship_add",
            args=[subject.pk],
        ),
        "can_relate": is_permitted(request.user, subject, "change"),
    }


def _add(request: HttpRequest, subject: Model, targets: Any) -> HttpResponse:
    target = targets.filter(pk=request.POST.get("target") or 0).first()
    if target is None:
        messages.error(request, _("Choose the record to relate to."))
        return redirect(subject)
    try:
        add_relationship(
            actor=request.user,
            source=subject,  # type: ignore[arg-type]
            target=target,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The relationship was recorded."))
    return redirect(subject)


@require_POST
@require_action(ACCOUNT, "change")
def account_relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk, "change")
    return _add(request, account, accounts_visible_to(request.user))


@require_POST
@require_action(CONTACT, "change")
def contact_relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, "change")
    return _add(request, contact, contacts_visible_to(request.user))


@require_POST
@login_required
def relationship_remove(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    source = relationship.from_contact or relationship.from_account
    target = relationship.to_contact or relationship.to_account
    # Back to the end the user came from (either end's editors may remove it).
    back = source if is_permitted(request.user, source, "view") else target
    remove_relationship(actor=request.user, relationship=relationship)
    messages.success(request, _("The relationship was removed."))
    return redirect(back)


@login_required
def relationship_candidates(request: HttpRequest) -> HttpResponse:
    """Up to ten records matching ``q`` to pick as the other end (an htmx partial)."""
    kind = "customers.account" if request.GET.get("type") == "account" else "customers.contact"
    text = request.GET.get("q", "").strip()
    results = search(request.user, text, types=[kind], limit=10) if text else []
    return render(request, "customers/_relation_candidates.html", {"results": results})
