"""Quote services: numbering, list prices, totals, the discount rule and approval,
status steps; refused calls change nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from guanxi.core.models import AuditEntry, Notification
from guanxi.sales.choices_quotes import QuoteApproval, QuoteStatus
from guanxi.sales.models import Quote
from guanxi.sales.services import quotes as services
from guanxi.sales.services.pricing import list_price
from guanxi.sales.services.products import update_product
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.quotes import make_price_list, make_product, make_quote, priced_product, tier
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_quotes_are_numbered_per_year_in_sequence():
    first = make_quote()
    second = make_quote()
    year = first.price_date.year
    assert (first.number, second.number) == (f"Q-{year}-0001", f"Q-{year}-0002")
    assert first.account_id == first.deal.account_id
    assert first.valid_until == first.price_date + timedelta(days=30)
    assert AuditEntry.objects.filter(object_type="sales.quote", event="create").count() == 2


def test_lines_take_the_list_price_and_the_totals_add_up():
    product = priced_product("250.00")
    other = priced_product("99.99")
    quote = make_quote(lines=[(product, 4, 5), (other, "1.5", 0)])
    quote.refresh_from_db()
    lines = list(quote.lines.order_by("position"))
    assert [(ln.unit_price, ln.line_total) for ln in lines] == [
        (Decimal("250.00"), Decimal("950.00")),
        (Decimal("99.99"), Decimal("149.99")),
    ]
    assert (quote.subtotal, quote.discount_total, quote.total) == (
        Decimal("1149.99"),
        Decimal("50.00"),
        Decimal("1099.99"),
    )
    assert quote.approval == QuoteApproval.NOT_NEEDED


def test_a_product_without_a_list_price_cannot_be_quoted():
    product = make_product()
    quote = make_quote()
    with pytest.raises(ValidationError) as caught:
        services.add_quote_line(actor=quote.deal.owner, quote=quote, product=product)
    assert list(caught.value.message_dict) == ["product"]
    assert quote.lines.count() == 0


def test_a_retired_product_cannot_be_quoted():
    product = priced_product()
    update_product(actor=make_user(role="administrator"), product=product, is_active=False)
    quote = make_quote()
    with pytest.raises(ValidationError) as caught:
        services.add_quote_line(actor=quote.deal.owner, quote=quote, product=product)
    assert caught.value.message_dict == {"product": ["This product is retired."]}


def test_list_price_prefers_the_tier_list_and_respects_dates_and_currency():
    product = make_product()
    make_price_list(prices={product: "100"})
    make_price_list(
        tier=tier("vip"),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 6, 30),
        prices={product: "80"},
    )
    vip = make_account(tier=tier("vip"))
    consumer = make_contact(tier=tier("vip"))
    assert list_price(product, vip, "CNY", on=date(2026, 3, 1)) == Decimal("80.00")
    assert list_price(product, consumer, "CNY", on=date(2026, 3, 1)) == Decimal("80.00")
    assert list_price(product, vip, "CNY", on=date(2026, 7, 1)) == Decimal("100.00")
    assert list_price(product, vip, "USD", on=date(2026, 3, 1)) is None
    assert list_price(product, None, "CNY", on=date(2019, 1, 1)) is None


def test_a_discount_above_the_limit_needs_approval_before_sending():
    product = priced_product("100")
    quote = make_quote(lines=[(product, 1, "10.01")])
    quote.refresh_from_db()
    assert quote.approval == QuoteApproval.NEEDED

    with pytest.raises(ValidationError) as caught:
        services.mark_quote_sent(actor=quote.deal.owner, quote=quote)

    assert list(caught.value.message_dict) == ["approval"]
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_a_discount_at_the_limit_does_not_need_approval():
    quote = make_quote(lines=[(priced_product("100"), 1, "10")])
    services.mark_quote_sent(actor=quote.deal.owner, quote=quote)
    quote.refresh_from_db()
    assert (quote.status, quote.approval) == (QuoteStatus.SENT, QuoteApproval.NOT_NEEDED)


@override_settings(QUOTE_DISCOUNT_LIMIT=25)
def test_the_limit_is_a_setting():
    quote = make_quote(lines=[(priced_product("100"), 1, "20")])
    quote.refresh_from_db()
    assert quote.approval == QuoteApproval.NOT_NEEDED


def test_request_approval_notifies_the_owners_team_managers_and_a_manager_approves():
    rep = make_user(role="sales_rep")
    manager = make_user(role="sales_manager")
    make_team(members=[rep, manager], managers=[manager])
    quote = make_quote(owner=rep, lines=[(priced_product("100"), 2, 15)])

    services.request_quote_approval(actor=rep, quote=quote)

    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (manager.pk, "sales.quote_approval")
    ]
    services.approve_quote(actor=manager, quote=quote, note="Strategic customer")
    services.mark_quote_sent(actor=rep, quote=quote)
    quote.refresh_from_db()
    assert (quote.status, quote.approval, quote.approved_by_id) == (
        QuoteStatus.SENT,
        QuoteApproval.APPROVED,
        manager.pk,
    )
    assert Notification.objects.filter(recipient=rep, kind="sales.quote_approved").exists()


def test_a_rep_cannot_approve_even_their_own_quote():
    quote = make_quote(lines=[(priced_product("100"), 1, 30)])
    before = Quote.objects.values().get(pk=quote.pk)
    with pytest.raises(PermissionDenied):
        services.approve_quote(actor=quote.deal.owner, quote=quote)
    assert Quote.objects.values().get(pk=quote.pk) == before


def test_a_manager_of_another_team_cannot_approve():
    quote = make_quote(lines=[(priced_product("100"), 1, 30)])
    stranger = make_user(role="sales_manager")
    make_team(members=[stranger], managers=[stranger])
    with pytest.raises(PermissionDenied):
        services.approve_quote(actor=stranger, quote=quote)


def test_refusing_needs_a_reason_and_changing_lines_asks_again():
    rep = make_user(role="sales_rep")
    admin = make_user(role="administrator")
    product = priced_product("100")
    quote = make_quote(owner=rep, lines=[(product, 1, 40)])
    with pytest.raises(ValidationError) as caught:
        services.reject_quote_approval(actor=admin, quote=quote)
    assert list(caught.value.message_dict) == ["note"]
    services.reject_quote_approval(actor=admin, quote=quote, note="Too deep")
    quote.refresh_from_db()
    assert quote.approval == QuoteApproval.REJECTED

    services.update_quote_line(actor=rep, line=quote.lines.get(), discount_percent=8)
    quote.refresh_from_db()
    assert quote.approval == QuoteApproval.NOT_NEEDED

    services.update_quote_line(actor=rep, line=quote.lines.get(), discount_percent=12)
    services.approve_quote(actor=admin, quote=quote)
    services.update_quote_line(actor=rep, line=quote.lines.get(), quantity=3)
    quote.refresh_from_db()
    assert (quote.approval, quote.approved_by_id) == (QuoteApproval.NEEDED, None)


def test_a_sent_quote_is_frozen_and_then_accepted_or_rejected():
    product = priced_product("100")
    quote = make_quote(lines=[(product, 1, 0)])
    owner = quote.deal.owner
    services.mark_quote_sent(actor=owner, quote=quote)
    with pytest.raises(ValidationError) as caught:
        services.add_quote_line(actor=owner, quote=quote, product=product)
    assert list(caught.value.message_dict) == ["status"]
    services.mark_quote_accepted(actor=owner, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    with pytest.raises(ValidationError):
        services.mark_quote_rejected(actor=owner, quote=quote)


def test_an_empty_quote_cannot_be_sent():
    quote = make_quote()
    with pytest.raises(ValidationError) as caught:
        services.mark_quote_sent(actor=quote.deal.owner, quote=quote)
    assert list(caught.value.message_dict) == ["lines"]


def test_removing_a_line_updates_the_totals_and_audits_the_line():
    product = priced_product("100")
    quote = make_quote(lines=[(product, 2, 0)])
    services.remove_quote_line(actor=quote.deal.owner, line=quote.lines.get())
    quote.refresh_from_db()
    assert (quote.subtotal, quote.total) == (Decimal("0"), Decimal("0"))
    entry = AuditEntry.objects.filter(object_type="sales.quote").order_by("-pk").first()
    assert "lines.1" in entry.changes


def test_a_rep_cannot_quote_on_someone_elses_deal():
    deal = make_deal()
    outsider = make_user(role="sales_rep")
    with pytest.raises(ValidationError) as caught:
        services.create_quote(actor=outsider, deal=deal)
    assert list(caught.value.message_dict) == ["deal"]
    assert Quote.objects.count() == 0


def test_a_validity_date_in_the_past_is_refused():
    deal = make_deal()
    with pytest.raises(ValidationError) as caught:
        services.create_quote(actor=deal.owner, deal=deal, valid_until="2000-01-01")
    assert list(caught.value.message_dict) == ["valid_until"]
