"""Key accounts: top value or fast growth, with the reasons."""

from datetime import date

import pytest
from django.urls import reverse

from guanxi.analytics.models import CustomerClass
from guanxi.analytics.services.classification import classify_customers
from guanxi.analytics.tests.factories import history
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def test_high_value_and_fast_growth_make_key_accounts_with_reasons():
    big = make_account(name="Big")
    history(big, AS_OF, [10, 40, 70, 100], 30000)  # 120,000: high value, regular
    growing = make_account(name="Growing")
    history(growing, AS_OF, [10, 40], 15000)  # 30,000 vs 10,000 a year before
    history(growing, AS_OF, [500], 10000)
    small_growth = make_account(name="Small growth")
    history(small_growth, AS_OF, [10, 40], 1000)  # +100 % but on 2,000 only
    history(small_growth, AS_OF, [500], 1000)
    steady = make_account(name="Steady")
    history(steady, AS_OF, [10, 500], 30000)

    classify_customers(as_of=AS_OF)

    rows = {c.account.name: c for c in CustomerClass.objects.select_related("account")}
    assert {n for n, c in rows.items() if c.is_key_account} == {"Big", "Growing"}
    assert [r["code"] for r in rows["Big"].key_reasons] == ["high_value", "regular"]
    assert rows["Growing"].key_reasons == [
        {"code": "growth", "growth": 2.0, "min": 0.3, "revenue": 30000.0, "revenue_min": 20000}
    ]
    assert rows["Steady"].key_reasons == []


def test_the_key_accounts_page_explains_why(client):
    big = make_account(name="Big")
    history(big, AS_OF, [10, 40, 70, 100], 30000)
    classify_customers(as_of=AS_OF)
    client.force_login(make_user(role="analyst"))

    html = client.get(reverse("analytics:key_account_list")).content.decode()

    assert html.count('data-testid="key-account-row"') == 1
    assert "High value: net value" in html
    assert "Regular buyer: 4 orders in the period." in html
