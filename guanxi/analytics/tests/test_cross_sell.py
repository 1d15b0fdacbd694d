"""Product associations on a hand-built order set with known support, confidence and
lift; suggestions exclude what the customer ordered; up-sell within a category."""

from datetime import date, timedelta

import pytest

from guanxi.analytics.models import AssociationRefresh, ProductAssociation, ProductStat
from guanxi.analytics.services.cross_sell import refresh_associations
from guanxi.analytics.services.cross_sell_suggest import (
    suggestions_for_account,
    suggestions_for_product,
)
from guanxi.analytics.tests.factories import basket, take_back
from guanxi.core.services.trash import trash_record
from guanxi.testing.customers import make_account
from guanxi.testing.quotes import make_product

AS_OF = date(2026, 6, 30)
DAY = AS_OF - timedelta(days=30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(settings):
    """Five buying customers: 1 and 2 bought A and B, 3 bought A and C, 4 bought B, 5
    bought A and B but sent B back. A draft order and a trashed customer never count."""
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    a, b, c = (make_product(name=n) for n in ("Alpha", "Beta", "Gamma"))
    customers = [make_account(name=f"C{i}") for i in range(1, 6)]
    basket(customers[0], DAY, [a, b])
    basket(customers[1], DAY, [a]), basket(customers[1], DAY - timedelta(days=5), [b])
    basket(customers[2], DAY, [a, c])
    basket(customers[3], DAY, [b])
    order = basket(customers[4], DAY, [a, b])
    take_back(order, b, DAY + timedelta(days=2))
    basket(make_account(), DAY, [b, c], status="draft")
    trashed = make_account(name="Gone")
    basket(trashed, DAY, [b, c])
    trash_record(actor=trashed.owner, obj=trashed)
    return {"a": a, "b": b, "c": c, "customers": customers}


def _rules():
    return {
        (r.antecedent.name, r.consequent.name): r
        for r in ProductAssociation.objects.select_related("antecedent", "consequent")
    }


def test_support_confidence_and_lift_are_the_known_answers(shop):
    result = refresh_associations(as_of=AS_OF)

    rules = _rules()
    assert set(rules) == {
        ("Alpha", "Beta"),
        ("Beta", "Alpha"),
        ("Alpha", "Gamma"),
        ("Gamma", "Alpha"),
    }
    ab, ba, ag, ga = (
        rules[k]
        for k in (("Alpha", "Beta"), ("Beta", "Alpha"), ("Alpha", "Gamma"), ("Gamma", "Alpha"))
    )
    # 5 customers; buyers: Alpha 4, Beta 3 (customer 5 returned it), Gamma 1.
    assert (ab.pair_buyers, ab.antecedent_buyers, ab.consequent_buyers) == (2, 4, 3)
    assert ab.support == pytest.approx(0.4) and ab.confidence == pytest.approx(0.5)
    assert ab.lift == pytest.approx(0.5 / 0.6)
    assert ba.confidence == pytest.approx(2 / 3) and ba.lift == pytest.approx((2 / 3) / 0.8)
    assert ag.support == pytest.approx(0.2) and ag.confidence == pytest.approx(0.25)
    assert ag.lift == pytest.approx(1.25)
    assert ga.confidence == pytest.approx(1.0) and ga.lift == pytest.approx(1.25)
    assert result.refresh.customers == 5 and result.refresh.products == 3
    assert result.rules == 4
    assert {s.product.name: s.buyers for s in ProductStat.objects.select_related("product")} == {
        "Alpha": 4,
        "Beta": 3,
        "Gamma": 1,
    }


def test_pairs_below_the_minimum_support_are_left_out(shop, settings):
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0.3, "min_pair_buyers": 1}

    refresh_associations(as_of=AS_OF)

    # 0.3 × 5 customers: pairs need 2 customers; Alpha and Gamma have only one.
    assert set(_rules()) == {("Alpha", "Beta"), ("Beta", "Alpha")}
    assert AssociationRefresh.objects.get().min_pair_buyers == 2


def test_a_refresh_replaces_the_previous_rules(shop):
    refresh_associations(as_of=AS_OF)
    ProductAssociation.objects.filter(antecedent=shop["c"]).update(lift=99)

    refresh_associations(as_of=AS_OF)

    assert ProductAssociation.objects.count() == 4
    assert not ProductAssociation.objects.filter(lift=99).exists()


def test_suggestions_exclude_what_the_customer_ordered(shop):
    refresh_associations(as_of=AS_OF)
    c = shop["customers"]

    # Customer 4 bought Beta: two thirds of Beta's buyers also bought Alpha.
    only_beta = suggestions_for_account(c[3])["cross_sell"]
    assert [(s.product.name, s.because.name) for s in only_beta] == [("Alpha", "Beta")]
    assert only_beta[0].confidence_percent == 67

    # Customer 3 bought Alpha and Gamma: Beta (from Alpha), never what they own.
    assert [s.product.name for s in suggestions_for_account(c[2])["cross_sell"]] == ["Beta"]

    # Customer 5 sent Beta back: not suggested again; Gamma from Alpha instead.
    assert [s.product.name for s in suggestions_for_account(c[4])["cross_sell"]] == ["Gamma"]

    # Customer 1 owns Alpha and Beta: only Gamma is left to suggest.
    assert [s.product.name for s in suggestions_for_account(c[0])["cross_sell"]] == ["Gamma"]
    # A customer without orders gets nothing.
    assert suggestions_for_account(make_account()) == {"cross_sell": [], "up_sell": []}


def test_retired_products_are_not_suggested(shop):
    refresh_associations(as_of=AS_OF)
    type(shop["a"]).objects.filter(pk=shop["a"].pk).update(is_active=False)

    assert suggestions_for_account(shop["customers"][3])["cross_sell"] == []


def test_the_product_view_ranks_by_confidence(shop):
    refresh_associations(as_of=AS_OF)

    found = suggestions_for_product(shop["a"])["cross_sell"]

    assert [(s.product.name, s.confidence) for s in found] == [("Beta", 0.5), ("Gamma", 0.25)]


def test_up_sell_suggests_the_next_dearer_product_of_the_category(settings):
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    basic, plus, pro = (make_product(name=n, category="Printers") for n in ("Basic", "Plus", "Pro"))
    paper = make_product(name="Paper", category="")
    customer = make_account()
    basket(customer, DAY, [basic, paper], price={basic: 100, paper: 5})
    basket(make_account(), DAY, [pro], price=300)
    basket(make_account(), DAY, [plus], price=200)
    basket(make_account(), DAY, [plus], price=220)
    refresh_associations(as_of=AS_OF)

    up = suggestions_for_account(customer)["up_sell"]

    assert [(s.product.name, s.because.name) for s in up] == [("Plus", "Basic")]
    assert (str(up[0].price), str(up[0].because_price)) == ("210.00", "100.00")
    assert [s.product.name for s in suggestions_for_product(plus)["up_sell"]] == ["Pro"]
    assert suggestions_for_product(pro)["up_sell"] == []


def test_a_product_is_bought_while_what_was_ordered_exceeds_what_came_back(settings):
    """Quantities summed over a customer's lines, returns subtracted per line: 0.3
    ordered and sent back as 0.1 then 0.2 is nothing kept, one unit kept of two is
    kept, a return after the observation end does not count yet."""
    from decimal import Decimal

    from guanxi.sales.models import ReturnLine

    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    a, b, c = (make_product(name=n) for n in ("Alpha", "Beta", "Gamma"))
    customer, later = make_account(), make_account()

    def ordered(account, product, quantity, *backs, day=DAY + timedelta(days=1)):
        order = basket(account, DAY, [a, product])
        order.lines.filter(product=product).update(quantity=Decimal(quantity))
        for back in backs:
            returned = take_back(order, product, day)
            ReturnLine.objects.filter(return_doc=returned).update(quantity=Decimal(back))

    ordered(customer, b, "0.3", "0.1", "0.2")  # Beta: all of it back
    ordered(customer, c, "2", "1")  # Gamma: one of two kept
    ordered(later, b, "1", "1", day=AS_OF + timedelta(days=1))  # back after the end

    refresh_associations(as_of=AS_OF)

    stats = {s.product.name: s.buyers for s in ProductStat.objects.select_related("product")}
    assert stats == {"Alpha": 2, "Beta": 1, "Gamma": 1}
    assert set(_rules()) == {
        ("Alpha", "Beta"),
        ("Beta", "Alpha"),
        ("Alpha", "Gamma"),
        ("Gamma", "Alpha"),
    }
    assert _rules()[("Alpha", "Beta")].pair_buyers == 1  # the later customer's
