"""The four classes on small hand-built histories, with exact expected classes, the
inputs and the rules version stored with them."""

from datetime import date, timedelta

import pytest

from guanxi.analytics.models import ClassificationRules, CustomerClass
from guanxi.analytics.services.classification import classify_customers
from guanxi.analytics.services.classification_rules import save_rules
from guanxi.analytics.tests.factories import (
    buy,
    buy_products,
    give_back,
    history,
    meeting,
    nps_answer,
    product,
    ticket_on,
)
from guanxi.core.models import Tag
from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def ago(days):
    return AS_OF - timedelta(days=days)


def classes(account):
    return CustomerClass.objects.get(account=account)


def test_purchase_behaviour_regular_occasional_lost_potential():
    regular = make_account(name="Regular")
    history(regular, AS_OF, [10, 60, 120, 200], 1000)
    occasional = make_account(name="Occasional")
    history(occasional, AS_OF, [30, 300, 500], 1000)
    lost = make_account(name="Lost")
    history(lost, AS_OF, [400, 500], 1000)
    potential = make_deal(name="First deal").account
    nothing = make_account(name="Nothing")

    classify_customers(as_of=AS_OF)

    assert classes(regular).purchase == "regular"
    assert classes(regular).inputs["orders_window"] == 4
    assert classes(occasional).purchase == "occasional"
    assert classes(occasional).inputs["orders_window"] == 2
    assert classes(lost).purchase == "lost"
    assert classes(lost).inputs["days_since_last"] == 400
    assert classes(potential).purchase == "potential"
    assert classes(potential).inputs["deals"] == 1
    assert not CustomerClass.objects.filter(account=nothing).exists()


def test_value_is_net_of_cost_to_serve():
    high = make_account(name="High")
    history(high, AS_OF, [10, 20], 60000)
    medium = make_account(name="Medium")
    buy_products(medium, ago(10), [(product(cost=100), 300, 200)], discount=5000)
    low = make_account(name="Low")
    buy(low, ago(10), 1000)
    served = make_account(name="Served")
    buy(served, ago(10), 1000)
    for day in (5, 6, 7):
        ticket_on(served, ago(day))
    meeting(served, ago(3))
    returned = make_account(name="Returned")
    give_back(buy(returned, ago(50), 30000), ago(40), 30000)
    ticket_on(returned, ago(30))

    classify_customers(as_of=AS_OF)

    assert (classes(high).value, classes(high).margin) == ("high", 120000)
    # 60,000 before discount − 30,000 product cost − 5,000 discount
    medium_class = classes(medium)
    assert (medium_class.value, float(medium_class.margin)) == ("medium", 25000)
    assert medium_class.inputs["product_cost"] == 30000
    assert medium_class.inputs["discounts"] == 5000
    assert classes(low).value == "low"
    served_class = classes(served)
    assert (served_class.inputs["tickets"], served_class.inputs["visits"]) == (3, 1)
    # 1,000 − 3 × 200 − 1 × 500
    assert (served_class.value, float(served_class.margin)) == ("negative", -100)
    # 30,000 − 30,000 returned − one ticket
    assert (classes(returned).value, float(classes(returned).margin)) == ("negative", -200)
    assert classes(returned).inputs["returns"] == 30000


def test_needs_from_categories_tags_and_survey_answers():
    admin = make_user(role="administrator")
    save_rules(
        actor=admin,
        data={
            "needs_mapping": [
                {"source": "category", "match": "Gifts", "need": "emotional"},
                {"source": "tag", "match": "Premium", "need": "quality"},
                {"source": "survey", "match": "price", "need": "functional"},
            ]
        },
    )
    gifts = make_account(name="Gifts")
    gift = product(category="gifts")
    buy_products(gifts, ago(10), [(gift, 1, 100), (gift, 2, 100)])
    premium = make_account(name="Premium")
    buy(premium, ago(10), 100)
    premium.tags.add(Tag.objects.create(name="premium"))
    buy_products(premium, ago(20), [(gift, 1, 100)])
    thrifty = make_account(name="Thrifty")
    buy(thrifty, ago(10), 100)
    nps_answer(thrifty, ago(5), 8, "The PRICE is what matters")
    plain = make_account(name="Plain")
    buy(plain, ago(10), 100)

    classify_customers(as_of=AS_OF)

    assert classes(gifts).needs == "emotional"
    assert classes(gifts).inputs["needs_weights"]["emotional"] == 2  # two lines
    assert classes(premium).needs == "quality"  # tag weight 3 beats one gift line
    assert classes(thrifty).needs == "functional"
    assert classes(plain).needs == ""


def test_loyalty_from_tenure_repeat_rate_category_share_and_nps():
    tools = product(category="tools")
    product(category="toys")
    # Tenure 1,000 days, an order every 90 days: +1 tenure, +1 repeat rate (4/12).
    steady = [30, 120, 210, 300, 390, 480, 570, 660, 750, 840, 930, 1000]
    high = make_account(name="High")
    history(high, AS_OF, steady, 1000)
    buy_products(high, ago(1000), [(tools, 1, 10)])  # + 1/2 of the categories
    medium = make_account(name="Medium")
    history(medium, AS_OF, steady, 1000)
    detractor = make_account(name="Detractor")
    history(detractor, AS_OF, steady, 1000)
    nps_answer(detractor, ago(20), 3)
    promoter = make_account(name="Promoter")
    history(promoter, AS_OF, steady, 1000)
    nps_answer(promoter, ago(200), 2)
    nps_answer(promoter, ago(20), 10)  # the latest answer counts
    newcomer = make_account(name="Newcomer")
    buy(newcomer, ago(20), 100)
    gone = make_account(name="Gone")
    history(gone, AS_OF, [400, 800, 1200], 1000)

    classify_customers(as_of=AS_OF)

    assert (classes(high).loyalty, classes(high).inputs["loyalty_points"]) == ("high", 3)
    assert classes(high).inputs["categories"] == 1
    assert classes(medium).loyalty == "medium"
    assert (classes(detractor).loyalty, classes(detractor).inputs["nps"]) == ("low", 3)
    assert (classes(promoter).loyalty, classes(promoter).inputs["nps"]) == ("high", 10)
    assert classes(newcomer).loyalty == "low"
    assert classes(gone).loyalty == "none"


def test_rules_are_configurable_and_the_version_is_stored():
    customer = make_account()
    history(customer, AS_OF, [10, 60], 1000)
    classify_customers(as_of=AS_OF)
    first = classes(customer)
    assert (first.purchase, first.rules.version) == ("occasional", 1)

    saved = save_rules(actor=make_user(role="administrator"), data={"regular_min_orders": 2})
    classify_customers(as_of=AS_OF)

    again = classes(customer)
    assert saved.version == 2
    assert (again.purchase, again.rules.version) == ("regular", 2)
    assert ClassificationRules.objects.get(version=1).rules["regular_min_orders"] == 4


def test_incremental_equals_full():
    a, b = make_account(name="A"), make_account(name="B")
    history(a, AS_OF, [10, 60, 120, 200], 30000)
    history(b, AS_OF, [400], 100)
    classify_customers(as_of=AS_OF)
    full = {
        c.account_id: (c.purchase, c.value, c.loyalty, c.stage) for c in CustomerClass.objects.all()
    }

    buy(b, ago(5), 100)
    classify_customers(as_of=AS_OF, account_ids=[b.pk])
    classify_customers(as_of=AS_OF, account_ids=[b.pk])  # twice: no change the second time
    incremental = classes(b)
    classify_customers(as_of=AS_OF)

    assert classes(b).purchase == incremental.purchase == "occasional"
    assert classes(a).stage == full[a.pk][3]
    assert full[b.pk][0] == "lost"


def test_a_customer_without_orders_or_interest_loses_the_row():
    customer = make_account()
    order = buy(customer, ago(10), 100)
    classify_customers(as_of=AS_OF)
    order.status = "cancelled"
    order.save()

    classify_customers(as_of=AS_OF, account_ids=[customer.pk])

    assert not CustomerClass.objects.filter(account=customer).exists()
