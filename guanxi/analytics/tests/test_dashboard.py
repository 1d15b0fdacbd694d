"""The customer dashboard: segment mix and retention by cohort over the customers the
user may see (and the team and region chosen), on the page, in the exports and the API."""

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
from guanxi.core.services.tokens import create_token
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_team, make_user

AS_OF = date(2026, 6, 30)
YEAR = {"start": date(2025, 7, 1), "end": AS_OF}
pytestmark = pytest.mark.django_db


def _customer(owner, *days, **fields):
    account = make_account(owner=owner, **fields)
    for day in days:
        buy(account, day, 100)
    return account


def test_retention_counts_who_came_back_in_each_month_after_the_first():
    admin = make_user(role="administrator")
    # The April cohort: three customers; two order again in May, one in June.
    _customer(None, date(2026, 4, 2), date(2026, 5, 3), date(2026, 6, 9))
    _customer(None, date(2026, 4, 20), date(2026, 5, 30))
    _customer(None, date(2026, 4, 28))
    # The June cohort: one customer; an old customer is in no cohort of the period.
    _customer(None, date(2026, 6, 1))
    _customer(None, date(2024, 1, 5), date(2026, 6, 2))
    recompute_all(as_of=AS_OF)

    cohorts = cohort_retention(admin, **YEAR)

    assert [(c.month, c.customers) for c in cohorts] == [
        (date(2026, 4, 1), 3),
        (date(2026, 6, 1), 1),
    ]
    april, june = cohorts
    assert len(april.retention) == 12  # followed for as many months as the period has
    assert april.retention[:3] == [1.0, pytest.approx(2 / 3), pytest.approx(1 / 3)]
    assert april.retention[3:] == [None] * 9  # July onwards is after the period
    assert june.retention[0] == 1.0 and june.retention[1] is None


def test_figures_cover_only_the_customers_the_user_may_see_and_the_filters():
    rep, other = make_user(role="sales_rep"), make_user(role="sales_rep")
    team = make_team(members=[other])
    _customer(rep, date(2026, 5, 2), date(2026, 6, 2), province="11")
    _customer(other, date(2026, 5, 3), team=team, province="31")
    _customer(make_user(role="sales_rep"), date(2026, 5, 4), province="31")
    recompute_all(as_of=AS_OF)
    admin = make_user(role="administrator")

    (may,) = cohort_retention(rep, **YEAR)
    assert may.customers == 1 and may.retention[1] == 1.0
    mix = segment_mix(rep)
    assert sum(row.customers for row in mix) == 1 and mix[0].share == 1.0
    everyone = segment_mix(admin)
    assert sum(row.customers for row in everyone) == 3
    assert sum(row.share for row in everyone) == pytest.approx(1.0)
    assert sum(r.customers for r in segment_mix(admin, team_id=team.pk)) == 1
    assert sum(r.customers for r in segment_mix(admin, region="31")) == 2
    assert [c.customers for c in cohort_retention(admin, **YEAR, region="11")] == [1]


def test_the_page_shows_both_panels_in_constant_queries(client):
    today = timezone.localdate()
    client.force_login(make_user(role="administrator"))
    url = reverse("web:dashboard", args=["customers"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _customer(None, today - timedelta(days=40), today - timedelta(days=3))
    recompute_all(as_of=today)
    few = queries()
    for i in range(10):
        _customer(None, today - timedelta(days=30 * i + 1))
    recompute_all(as_of=today)
    assert queries() == few
    html = client.get(url).content.decode()
    assert 'data-testid="panel-segments"' in html and 'data-testid="panel-cohorts"' in html
    assert 'class="heat-' in html and "100 %" in html
    assert f"{reverse('analytics:score_list')}?segment=" in html  # drill down


def test_exports_need_the_export_right_and_follow_the_filters(client):
    _customer(None, date(2026, 5, 2), province="11")
    _customer(None, date(2026, 5, 9), province="31")
    recompute_all(as_of=AS_OF)
    client.force_login(make_user(role="service_agent"))  # views scores, may not export
    assert client.get(reverse("web:dashboard", args=["customers"])).status_code == 200
    url = reverse("web:dashboard_export", args=["customers", "cohorts", "csv"])
    assert client.get(url).status_code == 403

    client.force_login(make_user(role="analyst"))
    response = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-06-30", "region": "31"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert rows == [
        ["First order in", "Customers", "Month 0", "Month 1"],
        ["2026-05", "1", "1.0", "0.0"],
    ]
    xlsx = client.get(reverse("web:dashboard_export", args=["customers", "segments", "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_api_gives_the_same_figures():
    from django.test import Client

    rep = make_user(role="sales_rep")
    _customer(rep, date(2026, 4, 2), date(2026, 5, 3))
    _customer(None, date(2026, 4, 3))
    recompute_all(as_of=AS_OF)
    client = Client(headers={"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"})

    listed = client.get("/api/v1/dashboards").json()
    assert [p["key"] for p in listed[0]["panels"]] == [
        "value",
        "segments",
        "cohorts",
        "lifecycle",
        "key_accounts",
        "at_risk",
    ]
    body = client.get(
        "/api/v1/dashboards/customers/panels/cohorts",
        {"date_from": "2026-04-01", "date_to": "2026-06-30"},
    ).json()
    assert body["rows"] == [["2026-04", 1, 1.0, 1.0, 0.0]]
    assert body["formats"] == ["text", "int", "percent", "percent", "percent"]
    # Each month's share drills down to the customers behind it, as on the page.
    [links] = body["cell_links"]
    assert len(links) == 5 and links[0] is None
    assert all(link and link.startswith("/analytics/") for link in links[2:])
    bad = client.get(
        "/api/v1/dashboards/customers/panels/cohorts",
        {"date_from": "2026-06-01", "date_to": "2026-04-01"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.date_to"
    assert client.get("/api/v1/dashboards/customers/panels/nope").status_code == 404


def test_classification_and_churn_panels_follow_the_stored_results_and_the_reader():
    from guanxi.analytics.dashboard_panels import (
        at_risk_panel,
        key_accounts_panel,
        lifecycle_moves_panel,
        value_mix_panel,
    )
    from guanxi.analytics.models import ChurnRisk, CustomerClass, LifecycleTransition
    from guanxi.core.dashboards import Filters

    rep, other = make_user(role="sales_rep"), make_user(role="sales_rep")
    big = _customer(rep, date(2025, 9, 1), date(2026, 1, 5), date(2026, 6, 1))
    for day in (date(2025, 10, 1), date(2026, 2, 1)):
        buy(big, day, 200000)
    _customer(other, date(2026, 5, 3))
    _customer(other, date(2024, 2, 3))  # bought once long ago
    recompute_all(as_of=AS_OF)
    admin = make_user(role="administrator")
    year = Filters(date(2025, 7, 1), AS_OF)

    mix = value_mix_panel(admin, year)
    assert sum(row[1] for row in mix.rows) == CustomerClass.objects.count() == 3
    assert sum(row[2] for row in mix.rows) == pytest.approx(1.0)
    assert all("?value=" in link for link in mix.links)
    assert sum(row[1] for row in value_mix_panel(rep, year).rows) == 1

    moves = lifecycle_moves_panel(admin, year)
    in_year = LifecycleTransition.objects.filter(date__gte=year.date_from, date__lte=AS_OF)
    assert sum(row[2] for row in moves.rows) == in_year.count() > 0

    keys = key_accounts_panel(admin, year)
    assert [row[0] for row in keys.rows] == list(
        CustomerClass.objects.filter(is_key_account=True)
        .order_by("-margin", "pk")
        .values_list("account__name", flat=True)
    )
    assert big.name in [row[0] for row in keys.rows]
    assert key_accounts_panel(other, year).rows == []  # the key account is the rep's

    risky = at_risk_panel(admin, year)
    assert len(risky.rows) == ChurnRisk.objects.exclude(level="low").count()
    assert len(risky.links) == len(risky.rows)


def test_the_dashboard_page_shows_every_panel(client):
    _customer(None, date(2026, 5, 2))
    recompute_all(as_of=AS_OF)
    client.force_login(make_user(role="administrator"))
    html = client.get(reverse("web:dashboard", args=["customers"])).content.decode()
    for key in ("value", "segments", "cohorts", "lifecycle", "key_accounts", "at_risk"):
        assert f'data-testid="panel-{key}"' in html
