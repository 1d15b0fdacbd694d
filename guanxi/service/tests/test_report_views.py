"""The service reports page, its CSV tables and its API end to end: with data and
empty, filter errors naming the field, who may open them, and the same figures in the
page, the CSV and the API."""

import csv
import io
from datetime import UTC

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.services.tokens import create_token
from guanxi.service.tests.test_report_data import answer, at, ticket
from guanxi.testing.users import PASSWORD, make_team, make_user

pytestmark = pytest.mark.django_db

RANGE = {"date_from": "2026-03-02", "date_to": "2026-03-15", "period": "week"}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 1, 12).astimezone(UTC))


@pytest.fixture
def desk():
    """An analyst, a desk team with two answered tickets (2 h and 4 h) and a CSAT answer."""
    analyst = make_user(role="analyst")
    team = make_team(name="Support desk")
    first = ticket(at(2026, 3, 2, 9), team=team, responded_after=2, solved_after=24)
    ticket(at(2026, 3, 10, 9), team=team, channel="phone", responded_after=4)
    answer("csat", 5, at(2026, 3, 3, 9), first)
    return analyst, team


def logged_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_page_shows_tiles_charts_and_tables(client, desk):
    analyst, _team = desk

    response = logged_in(client, analyst).get(reverse("service:service_reports"), RANGE)

    assert response.status_code == 200
    report = response.context["report"]
    assert report["totals"]["created"] == 2
    assert report["totals"]["first_response_median_hours"] == 3.0
    html = response.content.decode()
    assert 'data-testid="kpi-first-response"' in html
    assert "3.0 h" in html
    for chart in ("volume", "times", "sla", "satisfaction"):
        assert f'data-testid="chart-{chart}"' in html
    assert html.count("<svg") == 4
    assert "Support desk" in html
    assert 'data-testid="table-agent"' in html
    assert reverse("service:service_report_csv", args=["team"]) in html


def test_the_page_renders_for_chinese_readers(client, desk):
    analyst, _team = desk
    analyst.language = "zh-hans"
    analyst.save()

    response = logged_in(client, analyst).get(
        reverse("service:service_reports"), RANGE, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    assert "Support desk" in response.content.decode()


def test_the_page_without_tickets(client):
    analyst = make_user(role="analyst")

    response = logged_in(client, analyst).get(reverse("service:service_reports"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-empty"' in html
    assert "<svg" not in html
    assert response.context["report"]["totals"]["created"] == 0
    assert len(response.context["report"]["periods"]) == 12  # the last twelve weeks


def test_a_bad_range_names_the_field(client):
    analyst = make_user(role="analyst")
    bad = {"date_from": "2026-03-15", "date_to": "2026-03-01"}

    response = logged_in(client, analyst).get(reverse("service:service_reports"), bad)

    assert response.status_code == 200
    assert response.context["report"] is None
    assert 'data-testid="error-date_to"' in response.content.decode()


def test_a_team_the_user_cannot_report_on_is_refused(client, desk):
    _analyst, team = desk
    agent = make_user(role="service_agent")

    response = logged_in(client, agent).get(
        reverse("service:service_reports"), {**RANGE, "team": team.pk}
    )

    assert "team" in response.context["form"].errors
    assert response.context["report"] is None


def test_sales_reps_may_not_open_the_reports(client, desk):
    rep = make_user(role="sales_rep")

    response = logged_in(client, rep).get(reverse("service:service_reports"))

    assert response.status_code == 403


def test_each_table_as_csv(client, desk):
    analyst, team = desk

    response = logged_in(client, analyst).get(
        reverse("service:service_report_csv", args=["team"]), RANGE
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="service-report-team-2026-03-02-2026-03-15.csv"'
        in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Team", "Created", "Solved", "Open at the end"]
    assert rows[1][:5] == ["Support desk", "2", "1", "1", "3.0"]
    periods = client.get(reverse("service:service_report_csv", args=["periods"]), RANGE)
    lines = list(csv.reader(io.StringIO(periods.content.decode("utf-8-sig"))))
    assert [line[:2] for line in lines[1:]] == [["2026-03-02", "1"], ["2026-03-09", "1"]]


def test_a_team_named_like_a_formula_stays_text_in_the_csv(client):
    analyst = make_user(role="analyst")
    ticket(at(2026, 3, 2, 9), team=make_team(name="=HYPERLINK(1)"))

    response = logged_in(client, analyst).get(
        reverse("service:service_report_csv", args=["team"]), RANGE
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["'=HYPERLINK(1)", "1"]


def test_tickets_without_a_team_are_named_in_the_csv(client):
    analyst = make_user(role="analyst")
    ticket(at(2026, 3, 2, 9))

    response = logged_in(client, analyst).get(
        reverse("service:service_report_csv", args=["agent"]), RANGE
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Unassigned", "1"]


def test_csv_of_an_unknown_table_or_with_bad_filters(client):
    analyst = make_user(role="analyst")
    logged_in(client, analyst)

    assert client.get(reverse("service:service_report_csv", args=["nothing"])).status_code == 404
    bad = client.get(
        reverse("service:service_report_csv", args=["team"]), {"date_from": "not a day"}
    )
    assert bad.status_code == 400
    assert bad.content.decode().startswith("date_from:")


@pytest.fixture
def api_get(client):
    def call(user, path, **params):
        key = create_token(actor=user, name="t")[1]
        return client.get(path, params, headers={"Authorization": f"Bearer {key}"})

    return call


def test_the_api_returns_the_same_figures(api_get, desk):
    analyst, team = desk

    response = api_get(analyst, "/api/v1/service-reports", **RANGE)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["filters"]["date_from"] == "2026-03-02"
    assert body["totals"]["created"] == 2
    assert body["totals"]["first_response_median_hours"] == 3.0
    assert body["totals"]["csat_percent"] == 100.0
    assert [p["key"] for p in body["periods"]] == ["2026-03-02", "2026-03-09"]
    assert body["team"][0]["key"] == team.pk
    assert {row["key"] for row in body["channel"]} == {"email", "phone"}


def test_the_api_returns_one_table(api_get, desk):
    analyst, team = desk

    response = api_get(analyst, "/api/v1/service-reports/team", **RANGE, team=team.pk)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["table"] == "team"
    assert body["filters"]["team"] == team.pk
    assert [(row["label"], row["created"]) for row in body["rows"]] == [("Support desk", 2)]


def test_api_errors_name_the_parameter(api_get):
    analyst = make_user(role="analyst")

    reversed_range = api_get(
        analyst, "/api/v1/service-reports", date_from="2026-03-15", date_to="2026-03-01"
    )
    bad_period = api_get(analyst, "/api/v1/service-reports", period="year")
    bad_team = api_get(analyst, "/api/v1/service-reports", team="x")

    for response, field in (
        (reversed_range, "query.date_to"),
        (bad_period, "query.period"),
        (bad_team, "query.team"),
    ):
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_api_counts_what_the_caller_may_report_on(api_get, desk):
    _analyst, team = desk
    manager = make_user(role="service_manager")
    make_team(members=[manager], managers=[manager])
    rep = make_user(role="sales_rep")

    assert api_get(manager, "/api/v1/service-reports", **RANGE).json()["totals"]["created"] == 0
    assert api_get(rep, "/api/v1/service-reports", **RANGE).status_code == 403
