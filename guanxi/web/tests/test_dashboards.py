"""The dashboards framework: a registered dashboard gets a page with filters, its
panels' tables with drill-down links and formatted cells, exports and permissions."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from guanxi.core import dashboards as registry
from guanxi.core.dashboards import Dashboard, Filters, Panel, Table, display
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db
SEEN: list[Filters] = []


def _echo(user, filters: Filters) -> Table:
    SEEN.append(filters)
    return Table(
        columns=["Name", "Count", "Share"],
        formats=["text", "int", "percent"],
        rows=[["=cmd", 1234, 0.5], ["北京", 2, None]],
        links=["/somewhere/", None],
        classes=[["", "", "heat-3"], []],
    )


@pytest.fixture
def echo_dashboard():
    board = Dashboard(
        key="echo",
        title="Echo",
        object_type="customers.account",
        panels=(Panel(key="table", title="A table", build=_echo),),
    )
    registry.register_dashboard(board)
    SEEN.clear()
    yield board
    registry._registry.pop("echo")


def test_cells_are_formatted_for_the_page_and_kept_plain_for_exports():
    assert display(0.5, "percent") == "50 %"
    assert display(1234, "int") == "1,234"
    assert display(12.5, "money") == "12.50"
    assert display(None, "int") == ""


def test_the_page_passes_the_filters_and_draws_the_table(client, echo_dashboard):
    team = make_team()
    client.force_login(make_user(role="sales_rep"))
    url = reverse("web:dashboard", args=["echo"])
    html = client.get(
        url, {"date_from": "2026-01-01", "date_to": "2026-03-31", "team": team.pk, "region": "44"}
    ).content.decode()
    assert SEEN[-1] == Filters(date(2026, 1, 1), date(2026, 3, 31), team.pk, "44")
    assert '<a href="/somewhere/">=cmd</a>' in html
    assert "1,234" in html and '<td class="heat-3">50 %</td>' in html
    # No filters: the last twelve months, everything.
    client.get(url)
    assert SEEN[-1].team_id is None and SEEN[-1].region == ""
    assert (SEEN[-1].date_to - SEEN[-1].date_from).days > 300


def test_bad_filters_are_named_and_nothing_is_computed(client, echo_dashboard):
    client.force_login(make_user(role="sales_rep"))
    response = client.get(
        reverse("web:dashboard", args=["echo"]),
        {"date_from": "2026-05-01", "date_to": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "The end of the period must not be before its start." in response.content.decode()
    assert SEEN == []
    response = client.get(reverse("web:dashboard", args=["echo"]), {"date_from": "2020-01-01"})
    assert "three years or less" in response.content.decode()


def test_exports_defuse_formulas_and_need_the_export_right(client, echo_dashboard):
    client.force_login(make_user(role="sales_rep"))
    response = client.get(reverse("web:dashboard_export", args=["echo", "table", "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert rows == [["Name", "Count", "Share"], ["'=cmd", "1234", "0.5"], ["北京", "2", ""]]
    assert (
        client.get(reverse("web:dashboard_export", args=["echo", "table", "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("web:dashboard_export", args=["echo", "nope", "csv"])).status_code == 404
    )

    client.force_login(make_user(role="service_agent"))  # reads accounts, may not export
    assert client.get(reverse("web:dashboard", args=["echo"])).status_code == 200
    export = reverse("web:dashboard_export", args=["echo", "table", "csv"])
    assert client.get(export).status_code == 403


def test_who_may_not_view_its_records_may_not_open_a_dashboard(client):
    registry.register_dashboard(
        Dashboard(
            key="audit",
            title="Audit",
            object_type="core.auditentry",
            panels=(Panel(key="table", title="A table", build=_echo),),
        )
    )
    try:
        client.force_login(make_user(role="sales_rep"))
        assert client.get(reverse("web:dashboard", args=["audit"])).status_code == 403
        client.force_login(make_user(role="administrator"))
        assert client.get(reverse("web:dashboard", args=["audit"])).status_code == 200
    finally:
        registry._registry.pop("audit")


def test_an_unknown_dashboard_is_not_found(client):
    client.force_login(make_user(role="administrator"))
    assert client.get(reverse("web:dashboard", args=["nope"])).status_code == 404


def test_two_panels_may_not_share_a_key():
    panel = Panel(key="same", title="x", build=_echo)
    with pytest.raises(ValueError, match="two panels"):
        registry.register_dashboard(
            Dashboard(key="bad", title="x", object_type="customers.account", panels=(panel, panel))
        )
