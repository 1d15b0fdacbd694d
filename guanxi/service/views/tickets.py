"""Tickets: the agents' queue, a new ticket entered by hand, the ticket page with its
conversation, SLA clocks and history, and the actions on it (reply or note, status,
assignment, edit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, is_permitted, team_ids
from guanxi.core.decorators import require_action
from guanxi.core.models import Team, User
from guanxi.core.selectors import audit_for_object
from guanxi.core.views.attachments import attachment_panel
from guanxi.core.views.errors import add_service_errors
from guanxi.customers.models import AccountContact
from guanxi.customers.selectors import account_choices, contacts_visible_to
from guanxi.lib.listing import list_page
from guanxi.sales.models import SerialNumber
from guanxi.sales.selectors_orders import serials_visible_to, warranty_lookup
from guanxi.sales.selectors_quotes import product_choices
from guanxi.service.choices import Priority, TicketStatus
from guanxi.service.forms import (
    AssignForm,
    EscalateForm,
    ReplyForm,
    StatusForm,
    TicketEditForm,
    TicketForm,
)
from guanxi.service.models import Category, Ticket
from guanxi.service.object_types import TICKET
from guanxi.service.selectors import (
    active_categories,
    filter_tickets,
    get_ticket_for,
    open_tickets_of,
    tickets_visible_to,
)
from guanxi.service.services import tickets as services
from guanxi.service.services.escalation import escalate_ticket

TABS = ("mine", "team", "all")
FILTERS = ("status", "priority", "category", "team", "breached", "account", "contact")
SORTS = (
    "number",
    "subject",
    "account__name",
    "priority_rank",
    "status",
    "owner__full_name",
    "team__name",
    "due",
    "created_at",
)
# Far in the future: tickets without a due time sort after those with one.
NO_DUE = datetime(9999, 1, 1, tzinfo=timezone.get_fixed_timezone(0))
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


def flash_form_errors(request: HttpRequest, error: ValidationError, form: forms.Form) -> None:
    """Each message of a service's (or form's) errors on the next page, after the label
    of the field it names."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for name, texts in fields.items():
        field = form.fields.get(name)
        for text in texts:
            messages.error(request, f"{field.label}: {text}" if field and field.label else text)


def _digits(value: str) -> str | None:
    return value if value.isdigit() else None


def contacts_for(user: Any, account_id: Any) -> QuerySet[Any]:
    """The contacts a form offers: the people currently at the account (any the user
    may see when no account is chosen)."""
    contacts = (
        contacts_visible_to(user)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "full_name")
        .order_by("full_name", "pk")
    )
    if account_id and str(account_id).isdigit():
        at_account = AccountContact.objects.filter(account_id=account_id, is_current=True)
        return contacts.filter(pk__in=at_account.values("contact_id"))
    return contacts


def assignable_users() -> QuerySet[User]:
    """Active users who work on tickets (service agents and managers, administrators)."""
    workers = User.objects.filter(
        roles__code__in=("service_agent", "service_manager", "administrator")
    ).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=workers) | Q(is_superuser=True))
        .only("pk", "full_name", "email")
        .order_by("full_name", "pk")
    )


def teams() -> QuerySet[Team]:
    return Team.objects.only("pk", "name").order_by("name")


def due_state(ticket: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """The clock that matters now: the first response until the customer was answered,
    then the resolution; whether it is breached (recorded, or past due and running) and
    whether it is paused (pending the customer)."""
    now = now or timezone.now()
    answered = ticket.first_responded_at is not None
    due = ticket.resolution_due if answered else ticket.first_response_due
    recorded = ticket.resolution_breached_at if answered else ticket.first_response_breached_at
    resolved = ticket.status in (TicketStatus.SOLVED, TicketStatus.CLOSED)
    paused = ticket.paused_at is not None
    return {
        "due": due,
        "kind": "resolution" if answered else "first_response",
        "paused": paused,
        "resolved": resolved,
        "breached": bool(recorded) or bool(due and not resolved and not paused and due <= now),
    }


# --- the queue ---------------------------------------------------------------------------------


def _queue(request: HttpRequest, tab: str, chosen: dict[str, str]) -> QuerySet[Ticket]:
    user = request.user
    queryset = tickets_visible_to(user)
    if tab == "mine":
        queryset = queryset.filter(owner=user)
    elif tab == "team":
        queryset = queryset.filter(owner__isnull=True, team__in=team_ids(user))
    queryset = filter_tickets(
        queryset,
        q=request.GET.get("q", ""),
        status=chosen["status"] if chosen["status"] in TicketStatus.values else "",
        priority=chosen["priority"] if chosen["priority"] in Priority.values else "",
        category_id=_digits(chosen["category"]),
        team_id=_digits(chosen["team"]),
        account_id=_digits(chosen["account"]),
        contact_id=_digits(chosen["contact"]),
        unresolved=tab != "all" and not chosen["status"],
        breached=bool(chosen["breached"]),
    )
    return queryset.annotate(
        due=Coalesce(
            Case(
                When(first_responded_at__isnull=True, then=F("first_response_due")),
                default=F("resolution_due"),
                output_field=DateTimeField(),
            ),
            Value(NO_DUE),
            output_field=DateTimeField(),
        ),
        priority_rank=Case(
            *(When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()),
            default=Value(9),
            output_field=IntegerField(),
        ),
    )


@require_action(TICKET, "view")
def ticket_list(request: HttpRequest) -> HttpResponse:
    """Agents start on their own open tickets; the tabs show their teams' unassigned
    ones and every ticket they may see (the default for readers such as sales)."""
    agent = can(request.user, TICKET, "change")
    tab = request.GET.get("tab", "") or ("mine" if agent else "all")
    if tab not in TABS:
        tab = "all"
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    context = list_page(
        request, _queue(request, tab, chosen), sort_fields=SORTS, default_sort="due"
    )
    context.update(
        tab=tab,
        tabs=[
            ("mine", _("My open tickets")),
            ("team", _("My teams' unassigned")),
            ("all", _("All tickets")),
        ],
        chosen=chosen,
        statuses=TicketStatus.choices,
        priorities=Priority.choices,
        categories=Category.objects.order_by("name"),
        teams=teams(),
        can_add=can(request.user, TICKET, "add"),
    )
    return render(request, "service/ticket_list.html", context)


# --- a new ticket ------------------------------------------------------------------------------


def _serial_for(user: Any, text: str, product: Any) -> SerialNumber:
    """The unit sold under this serial number (of ``product`` when given) on an order the
    user may see; a ValidationError on ``serial`` when there is none or it is ambiguous."""
    units = serials_visible_to(user).filter(serial__iexact=text.strip())
    if product is not None:
        units = units.filter(product=product)
    found = list(units.order_by("-pk"))
    if not found:
        raise ValidationError({"serial": _("No unit was sold with this serial number.")})
    if len({unit.product_id for unit in found}) > 1:
        raise ValidationError(
            {"serial": _("Units of several products have this serial number: choose the product.")}
        )
    sold = [unit for unit in found if unit.status == "sold"]
    return (sold or found)[0]


@require_action(TICKET, "add")
def ticket_create(request: HttpRequest) -> HttpResponse:
    """A ticket an agent takes on the phone or a rep enters for a customer
    (``?account=`` / ``?contact=`` fill in the customer)."""
    user = request.user
    account_id = request.POST.get("account") or request.GET.get("account", "")
    initial: dict[str, Any] = {}
    for name in ("account", "contact"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    form = TicketForm(
        request.POST or None,
        categories=active_categories(),
        accounts=account_choices(user),
        contacts=contacts_for(user, account_id),
        products=product_choices(user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        serial_text = data.pop("serial", "")
        try:
            if serial_text:
                data["serial"] = _serial_for(user, serial_text, data["product"])
            ticket = services.open_ticket(actor=user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _("Ticket %(number)s was opened.") % {"number": ticket.number}
            messages.success(request, done)
            if not is_permitted(user, ticket, "view"):
                # Routed to a team the user does not work in.
                return redirect("service:ticket_list")
            return redirect(ticket.get_absolute_url())
    cancel = reverse("service:ticket_list")
    if "account" in initial:
        cancel = reverse("customers:account_detail", args=[initial["account"]])
    elif "contact" in initial:
        cancel = reverse("customers:contact_detail", args=[initial["contact"]])
    context = {"form": form, "title": _("New ticket"), "cancel_url": cancel}
    return render(request, "web/form_page.html", context)


# --- the ticket page ---------------------------------------------------------------------------


def warranty_of(user: Any, ticket: Ticket) -> dict[str, Any] | None:
    """Whether the ticket's unit is under warranty today (story 18): from the orders
    the user may see, else from the serial number's own warranty date."""
    serial = ticket.serial
    if serial is None:
        return None
    today = timezone.localdate()
    rows = warranty_lookup(user, serial.serial)
    row = next((r for r in rows if r["serial"].pk == serial.pk), None)
    until = row["warranty_until"] if row is not None else serial.warranty_until
    if row is not None:
        covered = row["in_warranty"]
    else:
        covered = bool(serial.status == "sold" and until and until >= today)
    return {
        "serial": serial,
        "until": until,
        "ended": until + timedelta(days=1) if until else None,
        "in_warranty": covered,
        "returned": serial.status != "sold",
        "order": row["order"] if row is not None else None,
    }


def _detail_context(request: HttpRequest, ticket: Ticket, **forms_: Any) -> dict[str, Any]:
    user = request.user
    may_change = is_permitted(user, ticket, "change")
    may_assign = services.may_assign(user, ticket)
    customer = ticket.account or ticket.contact
    others = (
        list(open_tickets_of(user, customer).exclude(pk=ticket.pk)[:20])
        if customer is not None
        else []
    )
    categories = Category.objects.filter(Q(is_active=True) | Q(pk=ticket.category_id))
    context: dict[str, Any] = {
        "ticket": ticket,
        "conversation": list(ticket.messages.all()),
        "escalations": list(ticket.escalations.select_related("from_user", "to_user", "to_team")),
        "due": due_state(ticket),
        "warranty": warranty_of(user, ticket),
        "other_tickets": others,
        "can_change": may_change,
        "can_assign": may_assign,
        "closed": ticket.status == TicketStatus.CLOSED,
        "history": audit_for_object(user, TICKET, ticket.pk)[:50],
        "public_url": request.build_absolute_uri(
            reverse("service:ticket_public", args=[ticket.public_token])
        )
        if may_change
        else "",
    }
    if may_change:
        context.update(
            escalate_form=forms_.get("escalate_form") or EscalateForm(users=assignable_users()),
            reply_form=forms_.get("reply_form") or ReplyForm(),
            status_form=StatusForm(initial={"status": ticket.status}),
            edit_form=TicketEditForm(
                categories=categories,
                products=product_choices(user),
                initial={
                    "subject": ticket.subject,
                    "priority": ticket.priority,
                    "category": ticket.category_id,
                    "product": ticket.product_id,
                },
            ),
        )
    if may_assign:
        context["assign_form"] = AssignForm(
            teams=teams(),
            users=assignable_users(),
            initial={"team": ticket.team_id, "owner": ticket.owner_id},
        )
    context.update(attachment_panel(user, ticket))
    return context


@require_action(TICKET, "view")
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, pk)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket))


@require_POST
@require_action(TICKET, "change")
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A public reply (leaving the ticket open, pending the customer or solved) or an
    internal note. A refused message is shown again with its errors, text kept."""
    ticket = get_ticket_for(request.user, pk, "change")
    form = ReplyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "note":
                services.add_note(actor=request.user, ticket=ticket, body=data["body"])
                done = _("The note was added.")
            else:
                services.reply(
                    actor=request.user,
                    ticket=ticket,
                    body=data["body"],
                    status=data["status"] or None,
                )
                done = _("The reply was sent.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(ticket.get_absolute_url() + "#conversation")
    ticket = get_ticket_for(request.user, pk)
    context = _detail_context(request, ticket, reply_form=form)
    return render(request, "service/ticket_detail.html", context, status=400)


@require_POST
@require_action(TICKET, "change")
def ticket_status(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, pk, "change")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                actor=request.user, ticket=ticket, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(
                request,
                _("The ticket is now “%(status)s”.") % {"status": ticket.get_status_display()},
            )
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(ticket.get_absolute_url())


@require_POST
@require_action(TICKET, "change")
def ticket_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the ticket up with the reason and what was tried; a refused form is shown
    again with its errors, text kept."""
    ticket = get_ticket_for(request.user, pk, "change")
    form = EscalateForm(request.POST, users=assignable_users())
    if form.is_valid():
        try:
            escalation = escalate_ticket(actor=request.user, ticket=ticket, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The ticket was escalated to %(name)s.") % {"name": escalation.to_user},
            )
            if not is_permitted(request.user, ticket, "view"):
                return redirect("service:ticket_list")
            return redirect(ticket.get_absolute_url() + "#escalations")
    ticket = get_ticket_for(request.user, pk)
    context = _detail_context(request, ticket, escalate_form=form)
    return render(request, "service/ticket_detail.html", context, status=400)


def require_assign(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required and the user must hold assign or change on some tickets (the
    service decides on this ticket)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (can(request.user, TICKET, "assign") or can(request.user, TICKET, "change")):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@require_assign
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the ticket to a team and/or an agent."""
    ticket = get_ticket_for(request.user, pk)
    form = AssignForm(request.POST, teams=teams(), users=assignable_users())
    if form.is_valid():
        try:
            services.assign_ticket(actor=request.user, ticket=ticket, **form.cleaned_data)
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            if ticket.owner is not None:
                done = _("The ticket is assigned to %(name)s.") % {"name": ticket.owner}
            else:
                done = _("The ticket waits for an agent.")
            messages.success(request, done)
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    if not is_permitted(request.user, ticket, "view"):
        return redirect("service:ticket_list")
    return redirect(ticket.get_absolute_url())


@require_POST
@require_action(TICKET, "change")
def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The subject, priority, category and product; only what changed is sent, so an
    unchanged retired category does not stop the other changes."""
    ticket = get_ticket_for(request.user, pk, "change")
    form = TicketEditForm(
        request.POST,
        categories=Category.objects.filter(Q(is_active=True) | Q(pk=ticket.category_id)),
        products=product_choices(request.user),
        initial={
            "subject": ticket.subject,
            "priority": ticket.priority,
            "category": ticket.category_id,
            "product": ticket.product_id,
        },
    )
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if "product" in changes and ticket.serial_id:
            # update_ticket checks a serial number against the product only when the
            # serial is among the changes: send it so a unit of another product is refused.
            changes["serial"] = ticket.serial
        try:
            if changes:
                services.update_ticket(actor=request.user, ticket=ticket, **changes)
        except ValidationError as error:
            flash_form_errors(request, error, form)
        else:
            messages.success(request, _("The ticket was saved."))
    else:
        flash_form_errors(request, ValidationError(form.errors), form)
    return redirect(ticket.get_absolute_url())
