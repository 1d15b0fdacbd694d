"""Retention by cohort drills down to the customer list: a cohort's row lists its
customers, a month's cell those who ordered in that month (and, from there, those who
did not) — exactly the customers the figure counts, with the dashboard's team, region
and period end."""

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from guanxi.analytics.dashboards import cohorts_panel
from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import buy
from guanxi.core.dashboards import Filters
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_team, make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def _customer(name, *days, **fields):
    account = make_account(name=name, **fields)
    for day in days:
        buy(account, day, 100)
    return account


@pytest.fixture
def cohorts():
    """April's cohort in Beijing: A and B order in May, A and G in June (G on the 20th);
    C never again. D (Shanghai) and E (June's cohort) are elsewhere."""
    member = make_user(role="sales_rep")
    team = make_team(members=[member])
    _customer(
        "A",
        date(2026, 4, 2),
        date(2026, 5, 3),
        date(2026, 6, 9),
        province="11",
        team=team,
        owner=member,
    )
    _customer("B", date(2026, 4, 20), date(2026, 5, 30), province="11")
    _customer("C", date(2026, 4, 28), province="11", team=team, owner=member)
    _customer("G", date(2026, 4, 3), date(2026, 6, 20), province="11")
    _customer("D", date(2026, 4, 5), date(2026, 5, 6), province="31")
    _customer("E", date(2026, 6, 1), province="11")
    recompute_all(as_of=AS_OF)
    return team


def _listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'data-testid="score-row">\s*<td><a href="[^"]*">([^<]*)</a>', html)
    return set(names), html


def _april(table):
    return next(i for i, row in enumerate(table.rows) if row[0] == "2026-04")


def test_each_cell_lists_exactly_the_customers_it_counts(client, cohorts):
    admin = make_user(role="administrator")
    client.force_login(admin)
    filters = Filters(date_from=date(2025, 7, 1), date_to=date(2026, 6, 15), region="11")

    table = cohorts_panel(admin, filters)
    april = _april(table)

    assert _listed(client, table.links[april])[0] == {"A", "B", "C", "G"}
    may, june = table.cell_links[april][3], table.cell_links[april][4]
    assert _listed(client, may)[0] == {"A", "B"}
    # G's order of 20 June is after the period's end: not counted, not listed
    assert _listed(client, june)[0] == {"A"}
    query = parse_qs(urlparse(june).query)
    assert query["region"] == ["11"] and query["until"] == ["2026-06-15"]
    # every cell's list has as many customers as its share says
    for i, row in enumerate(table.rows):
        size = row[1]
        for col, share in enumerate(row[2:], start=2):
            link = table.cell_links[i][col]
            if share is None:
                assert link is None
            else:
                assert len(_listed(client, link)[0]) == round(share * size)


def test_from_a_cell_to_those_who_did_not_order(client, cohorts):
    admin = make_user(role="administrator")
    client.force_login(admin)
    table = cohorts_panel(
        admin, Filters(date_from=date(2025, 7, 1), date_to=date(2026, 6, 15), region="11")
    )
    may = table.cell_links[_april(table)][3]

    names, html = _listed(client, may)
    assert 'data-testid="cohort-drill-down"' in html
    not_retained = re.search(r'<a href="(\?[^"]*retained=no[^"]*)"', html).group(1)
    assert _listed(client, reverse("analytics:score_list") + not_retained.replace("&amp;", "&"))[
        0
    ] == {"C", "G"}


def test_the_team_filter_goes_along(client, cohorts):
    admin = make_user(role="administrator")
    client.force_login(admin)
    table = cohorts_panel(
        admin, Filters(date_from=date(2025, 7, 1), date_to=AS_OF, team_id=cohorts.pk)
    )
    april = _april(table)

    assert table.rows[april][1] == 2
    assert _listed(client, table.links[april])[0] == {"A", "C"}
    assert _listed(client, table.cell_links[april][3])[0] == {"A"}


def test_only_the_customers_the_user_may_see(client):
    rep = make_user(role="sales_rep")
    _customer("Mine", date(2026, 4, 2), date(2026, 5, 3), owner=rep)
    _customer("Theirs", date(2026, 4, 4), date(2026, 5, 5))
    recompute_all(as_of=AS_OF)
    client.force_login(rep)
    table = cohorts_panel(rep, Filters(date_from=date(2025, 7, 1), date_to=AS_OF))

    assert _listed(client, table.cell_links[_april(table)][3])[0] == {"Mine"}


def test_the_page_links_the_cells_and_a_bad_cohort_lists_nobody(client, cohorts):
    client.force_login(make_user(role="administrator"))

    html = client.get(
        reverse("web:dashboard", args=["customers"]),
        {"date_from": "2025-07-01", "date_to": "2026-06-30", "region": "11"},
    ).content.decode()

    assert "cohort=2026-04&amp;until=2026-06-30&amp;period=1&amp;retained=yes" in html
    assert "region=11" in html
    scores = reverse("analytics:score_list")
    assert _listed(client, f"{scores}?cohort=2026-13")[0] == set()
    assert _listed(client, f"{scores}?cohort=2026-04&period=-1")[0] == set()
    assert _listed(client, f"{scores}?team=x")[0] == set()
