"""The grouped main menu: a group lists only the entries the user may use and is left
out when none is left; every entry's page exists."""

import pytest
from django.urls import reverse

from guanxi.testing.users import make_user
from guanxi.web.navigation import visible_items

pytestmark = pytest.mark.django_db


def _labels(menu):
    return {str(e["label"]): [str(i["label"]) for i in e.get("items", [])] for e in menu}


def test_an_administrator_sees_every_group_with_a_dashboard_entry():
    menu = _labels(visible_items(make_user(role="administrator", is_superuser=True)))
    assert list(menu) == [
        "My day",
        "Calendar",
        "Customers",
        "Sales",
        "Service",
        "Analytics",
        "Settings",
    ]
    assert "Customer dashboard" in menu["Analytics"]
    assert "Audit log" in menu["Settings"] and "Roles" in menu["Settings"]


def test_groups_keep_only_what_the_user_may_use():
    rep = _labels(visible_items(make_user(role="sales_rep")))
    assert "Analytics models" not in rep["Analytics"]  # administrators and analysts only
    assert "Routing rules" not in rep.get("Settings", [])
    assert "Roles" not in rep.get("Settings", [])  # administrators only
    agent = _labels(visible_items(make_user(role="service_agent")))
    assert "Tickets" in agent["Service"]
    assert "Service reports" in agent["Service"]


def test_every_entry_opens_for_the_administrator(client):
    admin = make_user(role="administrator", is_superuser=True)
    client.force_login(admin)
    for entry in visible_items(admin):
        for item in entry.get("items", [entry]):
            assert client.get(item["url"]).status_code == 200, item["url"]
    html = client.get(reverse("web:home")).content.decode()
    assert "<details><summary>Service</summary>" in html
