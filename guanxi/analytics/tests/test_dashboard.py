"""The customer dashboard: segment mix and retention by cohort over the customers the
user may see, the page and its CSV exports."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.analytics.selectors_dashboard import cohort_retention, segment_mix
from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import buy
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def _customer(owner, *days):
    account = make_account(owner=owner)
    for day in days:
        buy(account, day, 100)
    return account


def test_retention_counts_who_came_back_in_each_month_after_the_first():
    admin = make_user(role="administrator")
    # The April cohort: three customers; two order again in May, one in June.
    _customer(None, date(2026, 4, 2), date(2026, 5, 3), date(2026, 6, 9))
    _customer(None, date(2026, 4, 20), date(2026, 5, 30))
    _customer(None, date(2026, 4, 28))
    # The June cohort: one customer, and an old customer outside the window.
    _customer(None, date(2026, 6, 1))
    _customer(None, date(2024, 1, 5), date(2026, 6, 2))
    recompute_all(as_of=AS_OF)

    cohorts = cohort_retention(admin, as_of=AS_OF, cohorts=12)

    assert [(c.month, c.customers) for c in cohorts] == [
        (date(2026, 4, 1), 3),
        (date(2026, 6, 1), 1),
    ]
    april, june = cohorts
    assert april.retention[:3] == [1.0, pytest.approx(2 / 3), pytest.approx(1 / 3)]
    assert april.retention[3:] == [None] * 9  # July onwards has not happened yet
    assert june.retention[0] == 1.0 and june.retention[1] is None


def test_figures_cover_only_the_customers_the_user_may_see():
    rep, other = make_user(role="sales_rep"), make_user(role="sales_rep")
    _customer(rep, date(2026, 5, 2), date(2026, 6, 2))
    _customer(other, date(2026, 5, 3))
    _customer(other, date(2026, 5, 4))
    recompute_all(as_of=AS_OF)

    (may,) = cohort_retention(rep, as_of=AS_OF)
    assert may.customers == 1 and may.retention[1] == 1.0
    mix = segment_mix(rep)
    assert sum(row.customers for row in mix) == 1 and mix[0].share == 1.0
    everyone = segment_mix(make_user(role="administrator"))
    assert sum(row.customers for row in everyone) == 3
    assert sum(row.share for row in everyone) == pytest.approx(1.0)


def test_the_page_shows_both_panels_in_constant_queries(client):
    today = timezone.localdate()
    admin = make_user(role="administrator")
    client.force_login(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("analytics:dashboard")).status_code == 200
        return len(captured)

    _customer(None, today - timedelta(days=40), today - timedelta(days=3))
    recompute_all(as_of=today)
    few = queries()
    for i in range(10):
        _customer(None, today - timedelta(days=35 * i + 1))
    recompute_all(as_of=today)
    html = client.get(reverse("analytics:dashboard")).content.decode()
    assert queries() == few
    assert 'data-testid="segment-mix"' in html and 'data-testid="cohorts"' in html
    assert html.count('data-testid="cohort-row"') >= 2
    assert 'class="heat-' in html


def test_exports_need_the_export_right(client):
    _customer(None, date(2026, 5, 2))
    recompute_all(as_of=AS_OF)
    client.force_login(make_user(role="service_agent"))  # views scores, may not export
    assert client.get(reverse("analytics:dashboard")).status_code == 200
    url = reverse("analytics:dashboard_export", args=["segments"])
    assert client.get(url).status_code == 403

    client.force_login(make_user(role="analyst"))
    response = client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert rows[0] == ["Segment", "Customers", "Share", "Predicted value"]
    assert len(rows) == 2 and rows[1][1] == "1"
    cohorts = client.get(reverse("analytics:dashboard_export", args=["cohorts"]))
    assert b"First order in" in b"".join(cohorts.streaming_content)
    assert client.get(reverse("analytics:dashboard_export", args=["nope"])).status_code == 404


def test_the_api_gives_the_same_figures(client):
    from guanxi.core.services.tokens import create_token

    rep = make_user(role="sales_rep")
    _customer(rep, date(2026, 4, 2), date(2026, 5, 3))
    _customer(None, date(2026, 4, 3))
    recompute_all(as_of=AS_OF)
    auth = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}

    cohorts = client.get(
        "/api/v1/analytics/dashboard/cohorts?months=3&as_of=2026-06-30", headers=auth
    ).json()
    assert cohorts == [
        {"month": "2026-04-01", "customers": 1, "retention": [1.0, 1.0, 0.0]},
    ]
    segments = client.get("/api/v1/analytics/dashboard/segments", headers=auth).json()
    assert [row["customers"] for row in segments] == [1]
    bad = client.get("/api/v1/analytics/dashboard/cohorts?months=0", headers=auth)
    assert bad.status_code == 422 and "months" in bad.content.decode()
