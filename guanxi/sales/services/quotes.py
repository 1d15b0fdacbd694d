"""Quotes: made on a deal for its account, priced only from the price lists.

A line's unit price is always the list price (``pricing.applicable_item``) on the
quote's price date: no argument of any service sets it. A line discounted above
``settings.QUOTE_DISCOUNT_LIMIT`` percent makes the quote need approval, which only a
user with ``approve`` on the quote (sales managers, administrators) gives; a quote that
needs approval cannot be sent. Changing the lines of an approved quote asks again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.access import is_permitted, scope_for, teammate_ids
from guanxi.core.choices import AuditEvent, Scope
from guanxi.core.models import TeamMembership, User
from guanxi.core.services.audit import diff, record_audit
from guanxi.core.services.notifications import notify
from guanxi.core.services.search import index_record
from guanxi.customers.services.common import Errors, clean_text
from guanxi.sales.choices_quotes import QuoteApproval, QuoteStatus
from guanxi.sales.models import Deal, Product, Quote, QuoteLine
from guanxi.sales.object_types import QUOTE
from guanxi.sales.services.deals_fields import _clean_date
from guanxi.sales.services.first_contact import managers_of
from guanxi.sales.services.lines import clean_discount as _clean_discount
from guanxi.sales.services.lines import clean_quantity as _clean_quantity
from guanxi.sales.services.lines import gross
from guanxi.sales.services.lines import line_total as _line_total
from guanxi.sales.services.pricing import applicable_item, priced_item
from guanxi.sales.services.products import clean_currency

LINE_FIELDS = ("quantity", "discount_percent")
QUOTE_FIELDS = ("valid_until", "notes")
DEFAULT_VALIDITY_DAYS = 30
PRICE_NOT_EDITABLE = gettext_lazy("The unit price comes from the price list and cannot be typed.")


def discount_limit() -> Decimal:
    """The discount (percent) above which a line needs a manager's approval."""
    return Decimal(str(getattr(settings, "QUOTE_DISCOUNT_LIMIT", 10)))


def quote_snapshot(quote: Quote) -> dict[str, Any]:
    """What the audit log records of a quote."""
    return {
        "number": quote.number,
        "deal": quote.deal_id,
        "account": quote.account_id,
        "currency": quote.currency,
        "price_date": quote.price_date.isoformat() if quote.price_date else None,
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else None,
        "status": quote.status,
        "approval": quote.approval,
        "approved_by": quote.approved_by_id,
        "approval_note": quote.approval_note,
        "subtotal": str(quote.subtotal),
        "discount_total": str(quote.discount_total),
        "total": str(quote.total),
        "notes": quote.notes,
    }


def _line_text(line: QuoteLine) -> str:
    return f"{line.product.sku} × {line.quantity} @ {line.unit_price} −{line.discount_percent}%"


def _refuse_unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    errors = {}
    for name in set(fields) - set(allowed):
        errors[name] = (
            str(PRICE_NOT_EDITABLE)
            if name == "unit_price"
            else _("This field cannot be changed here.")
        )
    if errors:
        raise ValidationError(errors)


def _may_on_deal(actor: User, deal: Deal, action: str) -> bool:
    """Whether ``action`` on quotes reaches a quote of this deal (quotes follow their
    deal's owner and team), before the quote exists."""
    scope = scope_for(actor, QUOTE, action)
    if scope is None:
        return False
    if scope == Scope.ALL or deal.owner_id == actor.pk:
        return True
    if scope == Scope.OWN:
        return False
    if teammate_ids(actor).filter(user_id=deal.owner_id).exists():
        return True
    return bool(
        deal.team_id
        and TeamMembership.objects.filter(
            team_id=deal.team_id, user=actor, team__deleted_at__isnull=True
        ).exists()
    )


def _require(actor: User, quote: Quote, action: str) -> None:
    if not is_permitted(actor, quote, action):
        raise PermissionDenied


def _require_draft(quote: Quote) -> None:
    if quote.status != QuoteStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft quote can be changed.")})


def _next_number(year: int) -> str:
    prefix = f"Q-{year}-"
    last = (
        Quote.objects.filter(number__startswith=prefix)
        .annotate(size=Length("number"))
        .order_by("-size", "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _refresh_totals(quote: Quote, *, lines_changed: bool) -> None:
    """Recompute the totals and, after a change of lines, whether approval is needed
    (any change to the lines of an approved quote asks for approval again)."""
    # Read from the database: the caller's quote may carry a stale prefetched list.
    lines = list(QuoteLine.objects.filter(quote=quote).select_related(None))
    quote.subtotal = sum((gross(ln.quantity, ln.unit_price) for ln in lines), Decimal(0))
    quote.total = sum((ln.line_total for ln in lines), Decimal(0))
    quote.discount_total = quote.subtotal - quote.total
    if lines_changed:
        above = any(ln.discount_percent > discount_limit() for ln in lines)
        quote.approval = QuoteApproval.NEEDED if above else QuoteApproval.NOT_NEEDED
        quote.approved_by = None
        quote.approval_note = ""


def _save(
    actor: User, quote: Quote, before: dict[str, Any], extra: dict[str, Any] | None = None
) -> Quote:
    quote.save()
    changes = diff(before, quote_snapshot(quote))
    changes.update(extra or {})
    if changes:
        record_audit(actor=actor, event=AuditEvent.CHANGE, obj=quote, changes=changes)
    index_record(quote)
    return quote


def _locked(quote: Quote) -> Quote:
    """The quote's row, locked: two people changing one quote take turns."""
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    quote.status, quote.approval = locked.status, locked.approval
    return quote


# --- the quote -------------------------------------------------------------------------------


@transaction.atomic
def create_quote(
    *,
    actor: User,
    deal: Deal | None,
    currency: str | None = None,
    valid_until: date | str | None = None,
    notes: str = "",
) -> Quote:
    """A draft quote on a deal the actor may quote on, to the deal's account, in the
    deal's currency unless another is given; prices are read as of today and the quote
    is valid for 30 days unless ``valid_until`` says otherwise."""
    errors = Errors()
    if deal is None or deal.is_trashed or not is_permitted(actor, deal, "view"):
        errors.add("deal", _("No such deal."))
        errors.raise_if_any()
    assert deal is not None
    if not _may_on_deal(actor, deal, "add"):
        raise PermissionDenied
    today = timezone.localdate()
    code = clean_currency(errors, currency or deal.currency)
    until = _clean_date(errors, "valid_until", valid_until) or today + timedelta(
        days=DEFAULT_VALIDITY_DAYS
    )
    if until < today:
        errors.add("valid_until", _("This date is in the past."))
    text = clean_text(errors, "notes", notes, max_length=5000)
    errors.raise_if_any()
    for _attempt in range(5):  # two quotes numbered at once: the loser takes the next number
        quote = Quote(
            number=_next_number(today.year),
            deal=deal,
            account_id=deal.account_id,
            currency=code,
            price_date=today,
            valid_until=until,
            notes=text,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                quote.save()
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError({"number": _("Could not number the quote; try again.")})
    record_audit(
        actor=actor, event=AuditEvent.CREATE, obj=quote, changes=diff({}, quote_snapshot(quote))
    )
    index_record(quote)
    return quote


@transaction.atomic
def update_quote(*, actor: User, quote: Quote, **fields: Any) -> Quote:
    """Change a draft quote's validity date or notes."""
    _refuse_unknown(fields, QUOTE_FIELDS)
    _require(actor, quote, "change")
    _require_draft(_locked(quote))
    errors = Errors()
    before = quote_snapshot(quote)
    if "valid_until" in fields:
        until = _clean_date(errors, "valid_until", fields["valid_until"])
        if until is None and "valid_until" not in errors:
            errors.add("valid_until", _("This field is required."))
        elif until is not None and until < timezone.localdate():
            errors.add("valid_until", _("This date is in the past."))
        if until is not None:
            quote.valid_until = until
    if "notes" in fields:
        quote.notes = clean_text(errors, "notes", fields["notes"], max_length=5000)
    if errors.messages:
        quote.refresh_from_db()
        errors.raise_if_any()
    return _save(actor, quote, before)


# --- lines -----------------------------------------------------------------------------------


@transaction.atomic
def add_quote_line(
    *,
    actor: User,
    quote: Quote,
    product: Product | None,
    quantity: Any = 1,
    discount_percent: Any = 0,
    **other: Any,
) -> QuoteLine:
    """Put a product on a draft quote at its list price for the quote's customer,
    currency and price date; refused when no price list prices it."""
    _refuse_unknown(other, ())
    _require(actor, quote, "change")
    _require_draft(_locked(quote))
    errors = Errors()
    qty = _clean_quantity(errors, quantity)
    discount = _clean_discount(errors, discount_percent)
    item = priced_item(errors, product, quote.account, quote.currency, quote.price_date)
    errors.raise_if_any()
    assert product is not None and item is not None
    before = quote_snapshot(quote)
    last = (
        QuoteLine.objects.filter(quote=quote)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    line = QuoteLine.objects.create(
        quote=quote,
        position=(last or 0) + 1,
        product=product,
        description=product.name,
        price_list=item.price_list,
        quantity=qty,
        unit_price=item.unit_price,
        discount_percent=discount,
        line_total=_line_total(qty, item.unit_price, discount),
    )
    _refresh_totals(quote, lines_changed=True)
    _save(actor, quote, before, {f"lines.{line.position}": [None, _line_text(line)]})
    return line


@transaction.atomic
def update_quote_line(*, actor: User, line: QuoteLine, **fields: Any) -> QuoteLine:
    """Change a draft line's quantity or discount; the unit price is read again from
    the price list (it is never given)."""
    _refuse_unknown(fields, LINE_FIELDS)
    quote = line.quote
    _require(actor, quote, "change")
    _require_draft(_locked(quote))
    errors = Errors()
    old_text = _line_text(line)
    qty = _clean_quantity(errors, fields["quantity"]) if "quantity" in fields else line.quantity
    discount = (
        _clean_discount(errors, fields["discount_percent"])
        if "discount_percent" in fields
        else line.discount_percent
    )
    item = applicable_item(line.product, quote.account, quote.currency, quote.price_date)
    if item is None:
        errors.add("product", _("This product no longer has a list price for this quote."))
    errors.raise_if_any()
    assert item is not None
    before = quote_snapshot(quote)
    line.quantity, line.discount_percent = qty, discount
    line.unit_price, line.price_list = item.unit_price, item.price_list
    line.line_total = _line_total(qty, item.unit_price, discount)
    line.save()
    new_text = _line_text(line)
    _refresh_totals(quote, lines_changed=new_text != old_text)
    extra = {f"lines.{line.position}": [old_text, new_text]} if new_text != old_text else {}
    _save(actor, quote, before, extra)
    return line


@transaction.atomic
def remove_quote_line(*, actor: User, line: QuoteLine) -> Quote:
    """Take a line off a draft quote."""
    quote = line.quote
    _require(actor, quote, "change")
    _require_draft(_locked(quote))
    before = quote_snapshot(quote)
    text, position = _line_text(line), line.position
    line.delete()
    _refresh_totals(quote, lines_changed=True)
    return _save(actor, quote, before, {f"lines.{position}": [text, None]})


# --- approval --------------------------------------------------------------------------------


@transaction.atomic
def request_quote_approval(*, actor: User, quote: Quote) -> Quote:
    """Ask the deal owner's team managers to approve the discounts above the limit."""
    _require(actor, quote, "change")
    _require_draft(_locked(quote))
    if quote.approval != QuoteApproval.NEEDED:
        raise ValidationError({"approval": _("This quote does not need approval now.")})
    before = quote_snapshot(quote)
    quote.approval = QuoteApproval.REQUESTED
    _save(actor, quote, before)
    owner = quote.deal.owner
    number, limit = quote.number, discount_limit()
    managers = [m for m in managers_of(owner) if m.pk != actor.pk]
    # Inbox rows: written in the same transaction, so they exist only if the change does.
    notify(
        recipients=managers,
        kind="sales.quote_approval",
        title=lambda: _("Quote %(number)s needs your approval") % {"number": number},
        body=lambda: _("A line is discounted above %(limit)s%%.") % {"limit": limit},
        url=quote.get_absolute_url(),
        obj=quote,
    )
    return quote


def _decide(actor: User, quote: Quote, approved: bool, note: str) -> Quote:
    _require(actor, quote, "approve")
    _require_draft(_locked(quote))
    if quote.approval not in (QuoteApproval.NEEDED, QuoteApproval.REQUESTED):
        raise ValidationError({"approval": _("This quote has nothing waiting for approval.")})
    errors = Errors()
    text = clean_text(errors, "note", note, max_length=300)
    if not approved and not text:
        errors.add("note", _("Say why the discount is refused."))
    errors.raise_if_any()
    before = quote_snapshot(quote)
    quote.approval = QuoteApproval.APPROVED if approved else QuoteApproval.REJECTED
    quote.approved_by = actor if approved else None
    quote.approval_note = text
    _save(actor, quote, before)
    owner, number = quote.deal.owner, quote.number
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            kind="sales.quote_approved" if approved else "sales.quote_approval_refused",
            title=lambda: (
                (
                    _("Quote %(number)s was approved")
                    if approved
                    else _("The discount on quote %(number)s was refused")
                )
                % {"number": number}
            ),
            body=lambda: text,
            url=quote.get_absolute_url(),
            obj=quote,
        )
    return quote


@transaction.atomic
def approve_quote(*, actor: User, quote: Quote, note: str = "") -> Quote:
    """A sales manager (or administrator) approves the quote's discounts."""
    return _decide(actor, quote, True, note)


@transaction.atomic
def reject_quote_approval(*, actor: User, quote: Quote, note: str = "") -> Quote:
    """A sales manager refuses the discounts, saying why; the rep changes the lines."""
    return _decide(actor, quote, False, note)


# --- sending and the customer's answer ---------------------------------------------------------


@transaction.atomic
def mark_quote_sent(*, actor: User, quote: Quote) -> Quote:
    """The quote went to the customer: it must have lines, be approved when a discount
    needs it, and still be valid. Its lines are frozen from now on."""
    _require(actor, quote, "change")
    _require_draft(_locked(quote))
    errors = Errors()
    if not QuoteLine.objects.filter(quote=quote).exists():
        errors.add("lines", _("Add at least one line first."))
    if quote.approval not in (QuoteApproval.NOT_NEEDED, QuoteApproval.APPROVED):
        errors.add(
            "approval",
            _("A line is discounted above %(limit)s%%: a sales manager must approve it first.")
            % {"limit": discount_limit()},
        )
    if quote.valid_until < timezone.localdate():
        errors.add("valid_until", _("This quote has expired."))
    errors.raise_if_any()
    before = quote_snapshot(quote)
    quote.status = QuoteStatus.SENT
    quote.sent_at = timezone.now()
    return _save(actor, quote, before)


def _answer(actor: User, quote: Quote, status: str) -> Quote:
    _require(actor, quote, "change")
    _locked(quote)
    if quote.status != QuoteStatus.SENT:
        raise ValidationError({"status": _("Only a sent quote can be accepted or rejected.")})
    if status == QuoteStatus.ACCEPTED and quote.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("This quote has expired.")})
    before = quote_snapshot(quote)
    quote.status = status
    return _save(actor, quote, before)


@transaction.atomic
def mark_quote_accepted(*, actor: User, quote: Quote) -> Quote:
    """The customer accepted a sent quote (before its validity ended)."""
    return _answer(actor, quote, QuoteStatus.ACCEPTED)


@transaction.atomic
def mark_quote_rejected(*, actor: User, quote: Quote) -> Quote:
    """The customer turned a sent quote down."""
    return _answer(actor, quote, QuoteStatus.REJECTED)


def expire_quotes(*, today: date | None = None) -> int:
    """Mark draft and sent quotes whose validity has ended as expired (audited as a
    system change, and the owner told); run daily by the scheduler, safe to repeat."""
    today = today or timezone.localdate()
    due = Quote.objects.filter(
        status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT], valid_until__lt=today
    ).select_related("deal__owner")
    expired = 0
    for quote in due:
        with transaction.atomic():
            changed = Quote.objects.filter(
                pk=quote.pk, status__in=[QuoteStatus.DRAFT, QuoteStatus.SENT]
            ).update(status=QuoteStatus.EXPIRED)
            if not changed:
                continue
            record_audit(
                actor=None,
                event=AuditEvent.CHANGE,
                obj=quote,
                changes={"status": [quote.status, QuoteStatus.EXPIRED]},
            )
            notify(
                recipients=[quote.deal.owner],
                kind="quote.expired",
                title=_expired_title(quote.number),
                url=quote.get_absolute_url(),
                obj=quote,
            )
            expired += 1
    return expired


def _expired_title(number: str) -> Callable[[], str]:
    """Rendered later, in the recipient's language."""
    return lambda: _("Quote %(number)s has expired") % {"number": number}
