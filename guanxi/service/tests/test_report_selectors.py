"""The service report's figures on small hand-built data sets with known answers:
volume, backlog at each period's end, first-response and resolution times, SLA
compliance, the tables per team / agent / channel / category / product, CSAT and NPS
trends, the filters, who counts which tickets, and a query count that does not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.service.selectors_reports import ReportFilters, report_tickets, service_report
from guanxi.service.tests.test_report_data import answer, at, ticket
from guanxi.testing.quotes import make_product
from guanxi.testing.service import make_category
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

NOW = at(2026, 4, 1, 12)
# Two weeks: Monday 2 March to Sunday 15 March 2026 (Shanghai time).
TWO_WEEKS = ReportFilters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 15), period="week")


@pytest.fixture
def analyst():
    return make_user(role="analyst")


def report(user, filters=TWO_WEEKS):
    return service_report(user, filters, now=NOW)


def test_first_response_median_and_average(analyst):
    ticket(at(2026, 3, 2, 9), responded_after=2)
    ticket(at(2026, 3, 3, 9), responded_after=4)
    ticket(at(2026, 3, 4, 9))  # not answered yet: no time
    ticket(at(2026, 2, 20, 9), responded_after=1)  # answered before the range

    totals = report(analyst)["totals"]

    assert totals["first_response_median_hours"] == 3.0
    assert totals["first_response_average_hours"] == 3.0


def test_resolution_times_over_tickets_solved_in_the_range(analyst):
    ticket(at(2026, 3, 2, 9), responded_after=1, solved_after=24)
    ticket(at(2026, 3, 2, 9), responded_after=1, solved_after=48)
    ticket(at(2026, 2, 26, 9), responded_after=1, solved_after=96)  # created before, solved in
    ticket(at(2026, 3, 14, 9), responded_after=1, solved_after=72)  # solved after the range

    totals = report(analyst)["totals"]

    assert totals["resolution_median_hours"] == 48.0
    assert totals["resolution_average_hours"] == 56.0
    assert totals["solved"] == 3


def test_sla_compliance_counts_decided_targets_of_tickets_created_in_the_range(analyst):
    created = at(2026, 3, 2, 9)
    due = at(2026, 3, 2, 13)
    for hours in (1, 2, 4):  # answered before or exactly at the due time: met
        ticket(created, responded_after=hours, first_response_due=due)
    ticket(created, first_response_due=due, first_response_breached_at=due)  # missed
    ticket(created, responded_after=1)  # no SLA: not counted
    ticket(at(2026, 3, 15, 9), first_response_due=at(2026, 4, 2, 9))  # not due yet
    # Resolution: one in time, one solved late (no breach recorded), one past due and open.
    ticket(created, solved_after=10, resolution_due=at(2026, 3, 3, 9))
    ticket(created, solved_after=30, resolution_due=at(2026, 3, 3, 9))
    ticket(created, resolution_due=at(2026, 3, 3, 9))

    totals = report(analyst)["totals"]

    assert totals["sla_first_response_met"] == 3
    assert totals["sla_first_response_missed"] == 1
    assert totals["first_response_sla_percent"] == 75.0
    assert (totals["sla_resolution_met"], totals["sla_resolution_missed"]) == (1, 2)
    assert totals["resolution_sla_percent"] == 33.3


def test_created_solved_and_backlog_at_each_period_end(analyst):
    ticket(at(2026, 2, 20, 9))  # before the range, still open
    ticket(at(2026, 3, 2, 9))  # open
    ticket(at(2026, 3, 3, 9), solved_after=7 * 24)  # solved on 10 March (second week)
    ticket(at(2026, 3, 4, 9), solved_after=24)  # solved the next day
    ticket(at(2026, 3, 1, 9), solved_after=2)  # solved before the range: nowhere

    result = report(analyst)

    weeks = [(p["label"], p["created"], p["solved"], p["backlog"]) for p in result["periods"]]
    assert weeks == [("2026-03-02", 3, 1, 3), ("2026-03-09", 0, 1, 2)]
    assert (result["totals"]["created"], result["totals"]["solved"]) == (3, 2)
    assert result["totals"]["backlog"] == 2


def test_months_cut_at_the_range_end(analyst):
    ticket(at(2026, 1, 5, 9))
    ticket(at(2026, 2, 10, 9), solved_after=24 * 30)  # solved 12 March
    filters = ReportFilters(date_from=date(2026, 1, 1), date_to=date(2026, 3, 10), period="month")

    months = report(analyst, filters)["periods"]

    assert [(m["label"], m["created"], m["backlog"]) for m in months] == [
        ("2026-01-01", 1, 1),
        ("2026-02-01", 1, 2),
        ("2026-03-01", 0, 2),  # at the end of 10 March the second is still open
    ]


def test_tables_per_team_agent_channel_category_and_product(analyst):
    alice, bob = make_user(full_name="Alice"), make_user(full_name="Bob")
    desk = make_team(name="Desk", members=[alice, bob])
    printers = make_category(name="Printers", name_zh="打印机")
    product = make_product(sku="P-1", name="Laser")
    day = at(2026, 3, 2, 9)
    ticket(day, team=desk, owner=alice, channel="email", category=printers, product=product)
    ticket(day, team=desk, owner=alice, channel="phone", responded_after=2)
    ticket(day, team=desk, owner=bob, channel="email", responded_after=6)
    ticket(day, channel="web")

    tables = report(analyst)["tables"]

    assert [(r["label"], r["created"]) for r in tables["team"]] == [("Desk", 3), ("", 1)]
    assert [
        (r["label"], r["created"], r["first_response_median_hours"]) for r in tables["agent"]
    ] == [
        ("Alice", 2, 2.0),
        ("", 1, None),
        ("Bob", 1, 6.0),
    ]
    assert {r["key"]: r["created"] for r in tables["channel"]} == {"email": 2, "phone": 1, "web": 1}
    assert [(r["key"], r["label"], r["created"]) for r in tables["category"]] == [
        (None, "", 3),
        (printers.pk, "Printers", 1),
    ]
    assert [(r["label"], r["created"]) for r in tables["product"]] == [("", 3), ("P-1 Laser", 1)]


def test_category_names_in_chinese_for_chinese_readers(analyst):
    from django.utils import translation

    printers = make_category(name="Printers", name_zh="打印机")
    ticket(at(2026, 3, 2, 9), category=printers)

    with translation.override("zh-hans"):
        tables = report(analyst)["tables"]

    assert [row["label"] for row in tables["category"]] == ["打印机"]


def test_csat_and_nps_arithmetic_and_trend(analyst):
    desk = make_team(name="Desk")
    one = ticket(at(2026, 3, 2, 9), team=desk)
    for score, day in ((5, 3), (4, 4), (3, 10), (1, 11)):
        answer("csat", score, at(2026, 3, day, 9), one)
    for score in (10, 9, 8, 6, 0):
        answer("nps", score, at(2026, 3, 5, 9))  # about no ticket (relationship NPS)
    answer("csat", 5, at(2026, 3, 20, 9), one)  # after the range

    result = report(analyst)

    totals = result["totals"]
    assert (totals["csat_responses"], totals["csat_percent"], totals["csat_average"]) == (
        4,
        50.0,
        3.25,
    )
    assert (totals["nps_promoters"], totals["nps_detractors"], totals["nps"]) == (2, 2, 0.0)
    weeks = [(p["csat_percent"], p["nps"]) for p in result["periods"]]
    assert weeks == [(100.0, 0.0), (0.0, None)]
    assert result["tables"]["team"][0]["csat_responses"] == 4


def test_nps_of_promoters_and_passives():
    from guanxi.service.selectors_reports import nps_summary

    assert nps_summary([10, 10, 7])["nps"] == 66.7
    assert nps_summary([])["nps"] is None


def test_filters_narrow_every_figure(analyst):
    desk, other = make_team(name="Desk"), make_team(name="Other")
    day = at(2026, 3, 2, 9)
    mine = ticket(day, team=desk, channel="email", priority="high", responded_after=2)
    ticket(day, team=desk, channel="phone", priority="high", responded_after=4)
    ticket(day, team=other, channel="email", priority="low", responded_after=8)
    answer("csat", 5, at(2026, 3, 3, 9), mine)
    answer("nps", 0, at(2026, 3, 3, 9))  # about no ticket: left out once a filter is set

    def totals(**narrow):
        filters = ReportFilters(**{**TWO_WEEKS.__dict__, **narrow})
        return report(analyst, filters)["totals"]

    assert totals(team_id=desk.pk)["created"] == 2
    assert totals(team_id=desk.pk)["first_response_median_hours"] == 3.0
    assert totals(channel="email")["created"] == 2
    assert totals(priority="low")["first_response_median_hours"] == 8.0
    assert totals(team_id=desk.pk, channel="phone")["created"] == 1
    narrowed = totals(team_id=desk.pk)
    assert (narrowed["csat_responses"], narrowed["nps_responses"]) == (1, 0)
    assert totals()["nps_responses"] == 1


def _desk_and_others():
    """A manager and an agent of the desk team, and a ticket of each kind."""
    manager = make_user(role="service_manager")
    agent = make_user(role="service_agent")
    outsider = make_user(role="service_agent")
    desk = make_team(members=[manager, agent], managers=[manager])
    other = make_team(members=[outsider])
    day = at(2026, 3, 2, 9)
    tickets = {
        "desk": ticket(day, team=desk),
        "agent's": ticket(day, team=desk, owner=agent),
        "other team's": ticket(day, team=other, owner=outsider),
        "nobody's": ticket(day),
    }
    return manager, agent, tickets


def test_a_manager_counts_only_their_teams_tickets():
    manager, _agent, tickets = _desk_and_others()

    assert set(report_tickets(manager)) == {tickets["desk"], tickets["agent's"]}
    assert report(manager)["totals"]["created"] == 2


def test_an_agent_counts_their_own_tickets():
    _manager, agent, tickets = _desk_and_others()

    assert list(report_tickets(agent)) == [tickets["agent's"]]
    assert report(agent)["totals"]["created"] == 1


def test_an_analyst_counts_every_ticket(analyst):
    _desk_and_others()

    assert report(analyst)["totals"]["created"] == 4


def test_roles_without_report_access_count_nothing():
    _desk_and_others()
    rep = make_user(role="sales_rep")  # may view every ticket, but has no report grant

    assert report(rep)["totals"]["created"] == 0


def test_surveys_follow_the_report_scope():
    manager, _agent, tickets = _desk_and_others()
    answer("csat", 5, at(2026, 3, 3, 9), tickets["desk"])
    answer("csat", 1, at(2026, 3, 3, 9), tickets["other team's"])
    answer("nps", 0, at(2026, 3, 3, 9))  # about no ticket: nobody's team

    totals = report(manager)["totals"]

    assert (totals["csat_responses"], totals["csat_percent"], totals["nps_responses"]) == (
        1,
        100.0,
        0,
    )


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        report(user)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_tickets():
    user = make_user(role="analyst")
    desk = make_team(name="Desk", members=[user])

    def load(count):
        for n in range(count):
            one = ticket(
                at(2026, 3, 2 + n % 10, 9),
                team=desk,
                owner=user,
                category=make_category(),
                responded_after=1 + n % 5,
                solved_after=10 + n % 7,
            )
            answer("csat" if n % 2 else "nps", n % 6, at(2026, 3, 12, 9), one)

    load(5)
    user = type(user).objects.get(pk=user.pk)  # a fresh instance: grants read again
    few = _queries(user)
    load(45)
    user = type(user).objects.get(pk=user.pk)
    many = _queries(user)

    assert few == many
    assert many <= 15
