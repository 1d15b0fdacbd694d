"""Exchange rates: who records them, what is refused, corrections audited, and the rate
of a day being the latest one on or before it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from guanxi.core.models import AuditEntry
from guanxi.customers.services.common import Errors
from guanxi.sales.models import ExchangeRate
from guanxi.sales.services.exchange_rates import (
    delete_exchange_rate,
    rate_on,
    require_rate,
    set_exchange_rate,
    to_base,
)
from guanxi.sales.services.orders import confirm_order
from guanxi.testing.orders import make_order
from guanxi.testing.quotes import make_price_list, make_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


def errors_of(caught):
    return caught.value.message_dict


def test_a_rate_is_recorded_and_audited(admin):
    made = set_exchange_rate(actor=admin, currency=" usd ", valid_on="2026-03-01", rate="7.1234")
    made.refresh_from_db()
    assert (made.currency, made.valid_on, made.rate) == ("USD", date(2026, 3, 1), Decimal("7.1234"))
    entry = AuditEntry.objects.get(object_type="sales.exchangerate", object_id=str(made.pk))
    assert entry.event == "create"
    assert entry.actor == admin
    assert entry.changes["currency"] == [None, "USD"]
    assert entry.changes["valid_on"] == [None, "2026-03-01"]
    assert Decimal(entry.changes["rate"][1]) == Decimal("7.1234")


def test_the_same_day_again_corrects_the_rate_and_audits_the_change(admin):
    first = set_exchange_rate(actor=admin, currency="USD", valid_on=date(2026, 3, 1), rate="7.1")
    again = set_exchange_rate(actor=admin, currency="USD", valid_on=date(2026, 3, 1), rate="7.25")
    assert again.pk == first.pk
    assert ExchangeRate.objects.count() == 1
    assert ExchangeRate.objects.get().rate == Decimal("7.25")
    entry = AuditEntry.objects.filter(object_type="sales.exchangerate", event="change").get()
    old, new = entry.changes["rate"]
    assert (Decimal(old), Decimal(new)) == (Decimal("7.1"), Decimal("7.25"))


def test_the_base_currency_takes_no_rate(admin):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(actor=admin, currency="cny", valid_on="2026-01-01", rate="1")
    assert list(errors_of(caught)) == ["currency"]
    assert not ExchangeRate.objects.exists()


@override_settings(BASE_CURRENCY="USD")
def test_the_base_currency_is_a_setting(admin):
    set_exchange_rate(actor=admin, currency="CNY", valid_on="2026-01-01", rate="0.14")
    with pytest.raises(ValidationError):
        set_exchange_rate(actor=admin, currency="USD", valid_on="2026-01-01", rate="1")
    assert rate_on("usd", date(2000, 1, 1)) == 1
    assert rate_on("CNY", date(2026, 1, 2)) == Decimal("0.14")


@pytest.mark.parametrize("rate", ["0", "-1", "-0.5", "abc", "", None, "0.000000001", "1e11"])
def test_a_rate_must_be_a_positive_number(admin, rate):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(actor=admin, currency="USD", valid_on="2026-01-01", rate=rate)
    assert list(errors_of(caught)) == ["rate"]
    assert not ExchangeRate.objects.exists()


def test_the_currency_and_date_are_checked(admin):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(actor=admin, currency="US$", valid_on="", rate="7")
    assert set(errors_of(caught)) == {"currency", "valid_on"}
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(actor=admin, currency="USD", valid_on="1.3.2026", rate="7")
    assert list(errors_of(caught)) == ["valid_on"]


def test_a_sales_manager_records_rates():
    manager = make_user(role="sales_manager")
    made = set_exchange_rate(actor=manager, currency="EUR", valid_on="2026-01-01", rate="7.8")
    delete_exchange_rate(actor=manager, rate=made)
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    "role", ["sales_rep", "marketer", "analyst", "service_agent", "service_manager"]
)
def test_other_roles_cannot_record_or_delete_rates(admin, role):
    user = make_user(role=role)
    with pytest.raises(PermissionDenied):
        set_exchange_rate(actor=user, currency="EUR", valid_on="2026-01-01", rate="7.8")
    made = set_exchange_rate(actor=admin, currency="EUR", valid_on="2026-01-01", rate="7.8")
    with pytest.raises(PermissionDenied):
        delete_exchange_rate(actor=user, rate=made)
    assert ExchangeRate.objects.count() == 1


def test_deleting_a_rate_is_audited(admin):
    made = set_exchange_rate(actor=admin, currency="EUR", valid_on="2026-01-01", rate="7.8")
    pk = made.pk
    delete_exchange_rate(actor=admin, rate=made)
    assert not ExchangeRate.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(object_type="sales.exchangerate", event="delete")
    assert entry.object_id == str(pk)
    assert entry.changes["currency"] == ["EUR", None]
    assert entry.changes["valid_on"] == ["2026-01-01", None]


def test_the_rate_of_a_day_is_the_latest_on_or_before_it(admin):
    for day, value in (
        (date(2026, 1, 1), "7.0"),
        (date(2026, 3, 1), "7.2"),
        (date(2026, 5, 1), "7.5"),
    ):
        set_exchange_rate(actor=admin, currency="USD", valid_on=day, rate=value)
    set_exchange_rate(actor=admin, currency="EUR", valid_on=date(2025, 1, 1), rate="8")
    assert rate_on("USD", date(2025, 12, 31)) is None
    assert rate_on("USD", date(2026, 1, 1)) == Decimal("7.0")
    assert rate_on("USD", date(2026, 2, 28)) == Decimal("7.0")
    assert rate_on("usd", date(2026, 3, 1)) == Decimal("7.2")
    assert rate_on("USD", date(2026, 4, 30)) == Decimal("7.2")
    assert rate_on("USD", date(2030, 1, 1)) == Decimal("7.5")
    assert rate_on("CNY", date(1990, 1, 1)) == 1
    assert rate_on("GBP", date(2026, 4, 30)) is None


def test_require_rate_names_the_currency_it_lacks():
    errors = Errors()
    assert require_rate(errors, "JPY", date(2026, 1, 1)) == 1
    assert list(errors.messages) == ["currency"]
    assert "JPY" in errors.messages["currency"][0]
    assert "2026-01-01" in errors.messages["currency"][0]
    errors = Errors()
    require_rate(errors, "JPY", date(2026, 1, 1), field="lines")
    assert list(errors.messages) == ["lines"]


def test_to_base_rounds_half_up_to_cents():
    assert to_base(Decimal("10.00"), Decimal("0.12345")) == Decimal("1.23")
    assert to_base(Decimal("10.00"), Decimal("0.1235")) == Decimal("1.24")
    assert to_base(Decimal("1"), Decimal("0.005")) == Decimal("0.01")


def test_correcting_a_rate_later_does_not_rewrite_a_confirmed_order(admin):
    product = make_product()
    make_price_list(currency="USD", prices={product: "100"})
    set_exchange_rate(actor=admin, currency="USD", valid_on=date(2026, 1, 1), rate="7")
    order = make_order(
        currency="USD", order_date=date(2026, 2, 1), lines=[(product, 2)], confirm=True
    )
    set_exchange_rate(actor=admin, currency="USD", valid_on=date(2026, 1, 1), rate="9")
    order.refresh_from_db()
    assert (order.exchange_rate, order.total_base) == (Decimal("7"), Decimal("1400"))


def test_a_deleted_rate_no_longer_converts(admin):
    product = make_product()
    make_price_list(currency="EUR", prices={product: "100"})
    made = set_exchange_rate(actor=admin, currency="EUR", valid_on=date(2026, 1, 1), rate="8")
    order = make_order(currency="EUR", order_date=date(2026, 2, 1), lines=[(product, 1)])
    delete_exchange_rate(actor=admin, rate=made)
    with pytest.raises(ValidationError) as caught:
        confirm_order(actor=order.owner, order=order)
    assert list(errors_of(caught)) == ["currency"]
