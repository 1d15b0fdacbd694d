"""API endpoints for tickets and their conversation (public replies, internal notes,
status and assignment), ticket categories, SLA policies, business calendars, and an
account's unresolved tickets as sales sees them (story 10).

Categories, SLA policies and calendars are set up by administrators and service
managers. The customer's status page (by secret link) is a web page only: the API
serves staff and integrations holding a token, and an unauthenticated copy of the page
would be one more door to a conversation whose internal notes must never get out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.access import can, require
from guanxi.core.models import Team, User
from guanxi.customers.models import CustomerTier
from guanxi.customers.selectors import account_choices, contacts_visible_to, get_account_for
from guanxi.integrations.api.calls import call_service, caller
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.choices_orders import SerialStatus
from guanxi.sales.models import SerialNumber
from guanxi.sales.selectors_orders import serials_visible_to
from guanxi.sales.selectors_quotes import products_visible_to
from guanxi.service.choices import Priority, TicketStatus
from guanxi.service.models import (
    BusinessCalendar,
    CalendarDay,
    Category,
    OpeningHours,
    SlaPolicy,
    Ticket,
)
from guanxi.service.object_types import CALENDAR, CATEGORY, SLA_POLICY, TICKET
from guanxi.service.schemas import (
    AccountTicketSchema,
    AssignIn,
    BusinessCalendarSchema,
    CalendarDayIn,
    CalendarDaySchema,
    CategoryIn,
    CategoryPatchIn,
    CategorySchema,
    EscalationIn,
    NoteIn,
    OpeningHoursIn,
    OpeningHoursSchema,
    ReplyIn,
    SlaPolicyIn,
    SlaPolicyPatchIn,
    SlaPolicySchema,
    StatusIn,
    TicketDetailSchema,
    TicketIn,
    TicketPage,
    TicketPatchIn,
)
from guanxi.service.selectors import (
    filter_tickets,
    get_ticket_for,
    open_tickets_of,
    tickets_visible_to,
)
from guanxi.service.services import setup
from guanxi.service.services import tickets as services
from guanxi.service.services.calendars import default_calendar
from guanxi.service.services.escalation import escalate_ticket

router = Router(tags=["Service"])

# Keyset sorts need a non-null field: due times are null without a policy.
SORTS = ("pk", "created_at", "updated_at", "number")
NAMES = {
    "account": "account_id",
    "contact": "contact_id",
    "product": "product_id",
    "category": "category_id",
    "owner": "owner_id",
    "team": "team_id",
    "tier": "tier_id",
    "calendar": "calendar_id",
    "hours": "spans",
    "to_user": "to_user_id",
}


def _serial(user: Any, text: str, product: Any) -> SerialNumber:
    """The unit sold under this serial number (of ``product`` when given) on an order
    the user may see; a unit still sold wins over a returned one."""
    units = serials_visible_to(user).filter(serial__iexact=text.strip()).order_by("-pk")
    if product is not None:
        units = units.filter(product=product)
    unit = None
    if text.strip():
        unit = units.filter(status=SerialStatus.SOLD).first() or units.first()
    if unit is None:
        raise ValidationError({"serial": _("No unit was sold under this serial number.")})
    return unit


def _resolve(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the body to records the user may see, naming the field of any unknown
    one (``category_id`` → ``category``)."""
    errors: dict[str, str] = {}
    lookups: tuple[tuple[str, str, Callable[[], Any]], ...] = (
        ("account_id", "account", lambda: account_choices(user)),
        ("contact_id", "contact", lambda: contacts_visible_to(user)),
        ("product_id", "product", lambda: products_visible_to(user)),
        ("category_id", "category", lambda: Category.objects.all()),
        ("owner_id", "owner", lambda: User.objects.all()),
        ("team_id", "team", lambda: Team.objects.all()),
        ("tier_id", "tier", lambda: CustomerTier.objects.all()),
        ("calendar_id", "calendar", lambda: BusinessCalendar.objects.all()),
    )
    for key, name, queryset in lookups:
        if key not in data:
            continue
        pk = data.pop(key)
        record = queryset().filter(pk=pk).first() if pk is not None else None
        if pk is not None and record is None:
            errors[key] = _("This does not exist.")
        data[name] = record
    if errors:
        raise ValidationError(errors)
    return data


def _visible_ticket(user: Any, ticket_id: int, action: str) -> Ticket:
    """The ticket if the user may ``action`` it; 403 when they may only see it, 404
    when they may not even see it (or it does not exist)."""
    try:
        return get_ticket_for(user, ticket_id, action)
    except Http404:
        if action != "view" and tickets_visible_to(user).filter(pk=ticket_id).exists():
            raise PermissionDenied from None
        raise


def _detail(user: Any, ticket: Ticket) -> Ticket:
    """The ticket as the detail shows it, re-read. A ticket routed or assigned away
    from the caller (an agent's ticket moved to another team) is answered as the
    service left it: the caller just made or changed it, and sees no more than that."""
    try:
        return get_ticket_for(user, ticket.pk)
    except Http404:
        return ticket


def _choice(errors: dict[str, str], field: str, value: str, values: list[str]) -> None:
    if value and value not in values:
        errors[field] = _("Choose one of: %(values)s.") % {"values": ", ".join(values)}


# --- tickets ----------------------------------------------------------------------------------


@router.get("/tickets", response=TicketPage, summary="List tickets")
def list_tickets(
    request: HttpRequest,
    q: str = Query("", description="Number, subject, requester name or e-mail, account name"),
    status: str = Query("", description="new, open, pending, on_hold, solved or closed"),
    priority: str = Query("", description="low, normal, high or urgent"),
    category_id: int | None = None,
    owner_id: int | None = None,
    team_id: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    unresolved: bool = Query(False, description="Only new, open, pending and on-hold tickets"),
    breached: bool = Query(False, description="Only tickets past a due time"),
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The tickets the caller may see: an agent their teams' and their own, a service
    manager every ticket; sales, marketing and analysts read every ticket."""
    require(request.user, TICKET, "view")
    errors: dict[str, str] = {}
    _choice(errors, "status", status, TicketStatus.values)
    _choice(errors, "priority", priority, Priority.values)
    if errors:
        raise ValidationError(errors)
    queryset = filter_tickets(
        tickets_visible_to(request.user),
        q=q,
        status=status,
        priority=priority,
        category_id=category_id,
        owner_id=owner_id,
        team_id=team_id,
        account_id=account_id,
        contact_id=contact_id,
        unresolved=unresolved,
        breached=breached,
    )
    items, next_cursor = keyset_page(queryset, cursor=cursor, limit=limit, sort=sort, allowed=SORTS)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/tickets", response={201: TicketDetailSchema}, summary="Open a ticket")
def create_ticket(request: HttpRequest, payload: TicketIn) -> Any:
    """A ticket with the customer's first message, entered by the caller (channel
    ``api`` unless given). The customer is the contact given, else the contact with
    the requester's e-mail address, and their account; the ticket goes to the
    category's team and its least-loaded agent; its SLA due times follow from its
    priority and the customer's tier. ``serial`` is a serial number sold on an order
    the caller may see (of the product, when given)."""
    require(request.user, TICKET, "add")
    data = _resolve(request.user, payload.dict())
    serial = data.pop("serial")
    if serial is not None:
        data["serial"] = _serial(request.user, serial, data["product"])
    ticket = _call(lambda: services.open_ticket(actor=caller(request), **data))
    return Status(201, _detail(request.user, ticket))


@router.get(
    "/tickets/{ticket_id}",
    response=TicketDetailSchema,
    summary="One ticket with its SLA times and conversation",
)
def get_ticket(request: HttpRequest, ticket_id: int) -> Any:
    """The whole conversation, oldest first, with the internal notes (the customer's
    status page never shows them); 404 for a ticket the caller may not see."""
    require(request.user, TICKET, "view")
    return get_ticket_for(request.user, ticket_id)


@router.patch(
    "/tickets/{ticket_id}",
    response=TicketDetailSchema,
    summary="Change a ticket's subject, priority, category, customer or product",
)
def patch_ticket(request: HttpRequest, ticket_id: int, payload: TicketPatchIn) -> Any:
    """A new priority or customer recomputes the due times from the ticket's creation
    (not while it is pending the customer); ``null`` takes a category, account,
    contact, product or serial number off. A new product needs a serial number of it
    (or ``serial: null``) when the ticket has one."""
    require(request.user, TICKET, "change")
    ticket = _visible_ticket(request.user, ticket_id, "change")
    given = payload.dict(exclude_unset=True)
    fields = _resolve(request.user, {k: v for k, v in given.items() if k != "serial"})
    for name in ("subject", "priority"):
        if fields.get(name, "") is None:
            del fields[name]
    product = fields.get("product", ticket.product)
    if "serial" in given:
        text = given["serial"]
        fields["serial"] = _serial(request.user, text, product) if text is not None else None
        if fields["serial"] is not None and product is None:
            fields["product"] = fields["serial"].product
    elif (
        "product" in fields
        and ticket.serial is not None
        and (product is None or ticket.serial.product_id != product.pk)
    ):
        # The service checks a serial number against the product only when both are
        # given: a ticket keeping its serial must keep a matching product.
        message = _("The ticket's serial number is of another product: change it too.")
        raise ValidationError({"product_id": message})
    _call(lambda: services.update_ticket(actor=caller(request), ticket=ticket, **fields))
    return _detail(request.user, ticket)


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: TicketDetailSchema},
    summary="Reply to the customer",
)
def reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> Any:
    """A public reply, e-mailed to the requester after the call commits; the first one
    stops the first-response clock. The ticket moves to ``status`` (default: open;
    pending stops the clocks until the customer answers). Not on a closed ticket."""
    require(request.user, TICKET, "change")
    ticket = _visible_ticket(request.user, ticket_id, "change")
    _call(
        lambda: services.reply(
            actor=caller(request), ticket=ticket, body=payload.body, status=payload.status
        )
    )
    return Status(201, _detail(request.user, ticket))


@router.post(
    "/tickets/{ticket_id}/notes",
    response={201: TicketDetailSchema},
    summary="Add an internal note",
)
def add_note(request: HttpRequest, ticket_id: int, payload: NoteIn) -> Any:
    """Colleagues see it in the conversation; the customer never does, and nothing is
    sent. The status and the clocks stay as they are."""
    require(request.user, TICKET, "change")
    ticket = _visible_ticket(request.user, ticket_id, "change")
    _call(lambda: services.add_note(actor=caller(request), ticket=ticket, body=payload.body))
    return Status(201, _detail(request.user, ticket))


@router.post(
    "/tickets/{ticket_id}/status",
    response=TicketDetailSchema,
    summary="Move a ticket to another status",
)
def change_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> Any:
    """Pending the customer stops the clocks and leaving it restarts them; solved and
    closed record when. A closed ticket stays closed (``body.status``)."""
    require(request.user, TICKET, "change")
    ticket = _visible_ticket(request.user, ticket_id, "change")
    _call(
        lambda: services.change_status(actor=caller(request), ticket=ticket, status=payload.status)
    )
    return _detail(request.user, ticket)


@router.post(
    "/tickets/{ticket_id}/assign",
    response=TicketDetailSchema,
    summary="Give a ticket to a team and/or an agent",
)
def assign(request: HttpRequest, ticket_id: int, payload: AssignIn) -> Any:
    """``team_id`` alone: that team's least-loaded agent; neither: the least-loaded
    agent of the ticket's team. The agent must be active and work tickets; they are
    told. A ticket given to another team is answered once more, then out of sight."""
    action = "assign" if can(request.user, TICKET, "assign") else "change"
    require(request.user, TICKET, action)
    ticket = _visible_ticket(request.user, ticket_id, action)
    fields = _resolve(request.user, payload.dict())
    owner = fields["owner"]
    if owner is not None and owner.is_active and not can(owner, TICKET, "change"):
        raise ValidationError({"owner_id": _("This user does not work on tickets.")})
    _call(lambda: services.assign_ticket(actor=caller(request), ticket=ticket, **fields))
    return _detail(request.user, ticket)


@router.post(
    "/tickets/{ticket_id}/escalations",
    response={201: TicketDetailSchema},
    summary="Escalate a ticket to a supervisor",
)
def escalate(request: HttpRequest, ticket_id: int, payload: EscalationIn) -> Any:
    """Hand the ticket up with the reason and what was tried so far (both required):
    to ``to_user_id`` (who must work tickets), else a manager of the ticket's team. The
    priority goes up one step, the receiver becomes the agent and is told."""
    require(request.user, TICKET, "change")
    ticket = _visible_ticket(request.user, ticket_id, "change")
    to_user = None
    if payload.to_user_id is not None:
        to_user = User.objects.filter(pk=payload.to_user_id).first()
        if to_user is None:
            raise ValidationError({"to_user_id": _("This does not exist.")})
    _call(
        lambda: escalate_ticket(
            actor=caller(request),
            ticket=ticket,
            reason=payload.reason,
            tried_so_far=payload.tried_so_far,
            to_user=to_user,
        )
    )
    return Status(201, _detail(request.user, ticket))


@router.get(
    "/accounts/{account_id}/open-tickets",
    response=list[AccountTicketSchema],
    summary="An account's unresolved tickets (what sales sees before selling)",
)
def account_open_tickets(request: HttpRequest, account_id: int) -> Any:
    """Oldest first: the customer's tickets still waiting for the service team, with
    their agent and whether a due time was missed; 404 for an account the caller may
    not see."""
    require(request.user, TICKET, "view")
    account = get_account_for(request.user, account_id)
    return list(open_tickets_of(request.user, account))


# --- set-up: categories, SLA policies, calendars -----------------------------------------------


@router.get("/ticket-categories", response=list[CategorySchema], summary="Ticket categories")
def list_categories(
    request: HttpRequest,
    active: bool | None = Query(None, description="true: the ones new tickets may use"),
) -> Any:
    """By name, each with the team its new tickets go to."""
    require(request.user, CATEGORY, "view")
    categories = Category.objects.select_related("team").order_by("name", "pk")
    if active is not None:
        categories = categories.filter(is_active=active)
    return list(categories)


@router.get("/sla-policies", response=list[SlaPolicySchema], summary="SLA policies")
def list_sla_policies(
    request: HttpRequest,
    active: bool | None = Query(None, description="true: the ones new tickets get"),
) -> Any:
    """Per priority (and customer tier), the business minutes of the calendar allowed
    for the first response and the resolution; a tier's own policy wins over the one
    for every tier."""
    require(request.user, SLA_POLICY, "view")
    policies = SlaPolicy.objects.select_related("tier", "calendar")
    if active is not None:
        policies = policies.filter(is_active=active)
    return list(policies)


@router.get(
    "/business-calendars",
    response=list[BusinessCalendarSchema],
    summary="Business calendars with their opening hours, holidays and make-up days",
)
def list_calendars(request: HttpRequest) -> Any:
    """SLA due times count only the open hours of the policy's calendar, in its time
    zone; a make-up working day is open with Monday's hours."""
    require(request.user, CALENDAR, "view")
    return list(
        BusinessCalendar.objects.prefetch_related(
            Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch("days", queryset=CalendarDay.objects.order_by("date")),
        ).order_by("name")
    )


def _changes(payload: Any, nullable: tuple[str, ...]) -> dict[str, Any]:
    """The fields a PATCH sent; ``null`` counts only for the ``nullable`` ones."""
    given = payload.dict(exclude_unset=True)
    return {k: v for k, v in given.items() if v is not None or k in nullable}


def _category(pk: int) -> Category:
    category = Category.objects.select_related("team").filter(pk=pk).first()
    if category is None:
        raise Http404
    return category


def _policy(pk: int) -> SlaPolicy:
    policy = SlaPolicy.objects.select_related("tier", "calendar").filter(pk=pk).first()
    if policy is None:
        raise Http404
    return policy


def _calendar(pk: int) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(pk=pk).first()
    if calendar is None:
        raise Http404
    return calendar


@router.post("/ticket-categories", response={201: CategorySchema}, summary="Add a ticket category")
def create_category(request: HttpRequest, payload: CategoryIn) -> Any:
    """Its new tickets go to ``team_id`` and that team's least-loaded agent."""
    require(request.user, CATEGORY, "add")
    data = _resolve(request.user, payload.dict())
    category = _call(lambda: setup.create_category(actor=caller(request), **data))
    return Status(201, _category(category.pk))


@router.patch(
    "/ticket-categories/{category_id}",
    response=CategorySchema,
    summary="Rename, re-route or retire a ticket category",
)
def patch_category(request: HttpRequest, category_id: int, payload: CategoryPatchIn) -> Any:
    """``team_id: null``: its tickets are routed by hand; ``is_active: false``: its
    tickets keep it, new tickets cannot choose it."""
    require(request.user, CATEGORY, "change")
    category = _category(category_id)
    changes = _resolve(request.user, _changes(payload, ("team_id",)))
    _call(lambda: setup.update_category(actor=caller(request), category=category, **changes))
    return _category(category.pk)


@router.post("/sla-policies", response={201: SlaPolicySchema}, summary="Add an SLA policy")
def create_sla_policy(request: HttpRequest, payload: SlaPolicyIn) -> Any:
    """One active policy per priority and tier (``body.tier_id`` otherwise); on the
    default calendar unless ``calendar_id`` is given. It applies to due times computed
    from now on."""
    require(request.user, SLA_POLICY, "add")
    data = _resolve(request.user, payload.dict())
    data["calendar"] = data["calendar"] or default_calendar()
    policy = _call(lambda: setup.create_sla_policy(actor=caller(request), **data))
    return Status(201, _policy(policy.pk))


@router.patch(
    "/sla-policies/{policy_id}",
    response=SlaPolicySchema,
    summary="Change an SLA policy's targets, calendar or scope, or retire it",
)
def patch_sla_policy(request: HttpRequest, policy_id: int, payload: SlaPolicyPatchIn) -> Any:
    """Due times already set stay as they are; ``tier_id: null``: every tier."""
    require(request.user, SLA_POLICY, "change")
    policy = _policy(policy_id)
    changes = _resolve(request.user, _changes(payload, ("tier_id",)))
    _call(lambda: setup.update_sla_policy(actor=caller(request), policy=policy, **changes))
    return _policy(policy.pk)


@router.post(
    "/business-calendars/{calendar_id}/days",
    response={201: CalendarDaySchema},
    summary="Add a holiday or a make-up working day to a calendar",
)
def add_calendar_day(request: HttpRequest, calendar_id: int, payload: CalendarDayIn) -> Any:
    """One entry per date (``body.date`` otherwise)."""
    require(request.user, CALENDAR, "change")
    calendar = _calendar(calendar_id)
    return Status(
        201,
        _call(
            lambda: setup.add_calendar_day(
                actor=caller(request),
                calendar=calendar,
                day=payload.date,
                kind=payload.kind,
                name=payload.name,
            )
        ),
    )


@router.delete(
    "/business-calendars/{calendar_id}/days/{day_id}",
    response={204: None},
    summary="Take a holiday or make-up working day off a calendar",
)
def delete_calendar_day(request: HttpRequest, calendar_id: int, day_id: int) -> Any:
    """Due times already set stay as they are."""
    require(request.user, CALENDAR, "change")
    day = CalendarDay.objects.filter(calendar_id=calendar_id, pk=day_id).first()
    if day is None:
        raise Http404
    setup.remove_calendar_day(actor=caller(request), day=day)
    return Status(204, None)


@router.put(
    "/business-calendars/{calendar_id}/hours/{weekday}",
    response=list[OpeningHoursSchema],
    summary="Set a weekday's opening hours",
)
def put_opening_hours(
    request: HttpRequest, calendar_id: int, weekday: int, payload: OpeningHoursIn
) -> Any:
    """``weekday`` 0 is Monday; the periods must not overlap (``body.spans``); no
    periods: closed that day."""
    require(request.user, CALENDAR, "change")
    calendar = _calendar(calendar_id)
    spans = [(span.opens, span.closes) for span in payload.spans]
    return _call(
        lambda: setup.set_opening_hours(
            actor=caller(request), calendar=calendar, weekday=weekday, spans=spans
        ),
        path={"weekday": "weekday"},
    )


def _call(call: Callable[[], Any], path: dict[str, str] | None = None) -> Any:
    return call_service(call, names=NAMES, path=path)
