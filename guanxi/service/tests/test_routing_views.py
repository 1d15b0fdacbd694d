"""The routing-rule pages: list in order, add, edit, move, deactivate, team strategy,
the test box; and the ticket page naming the rule that routed the ticket."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.service.models import RoutingRule, TeamRouting
from guanxi.testing.routing import make_agents_team, make_rule
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = make_user(role="service_manager")
    client.force_login(user)
    return user


def test_the_list_shows_rules_in_order_with_their_conditions(client, manager):
    team, _a = make_agents_team(1, name="打印机维修组")
    make_rule(name="Second", keywords="b", team=team)
    make_rule(name="First", keywords="打印机, 卡纸", team=team)
    RoutingRule.objects.filter(name="First").update(position=1)
    page = client.get(reverse("service:routing_rule_list")).content.decode()
    assert page.index("First") < page.index("Second")
    assert "打印机, 卡纸" in page and "打印机维修组" in page


def test_a_rule_is_added_from_the_form(client, manager):
    team, _a = make_agents_team(1)
    response = client.post(
        reverse("service:routing_rule_create"),
        {
            "name": "Printers",
            "keywords": "打印机，卡纸, Printer",
            "team": team.pk,
            "strategy": "round_robin",
            "set_priority": "high",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.keywords, rule.team, rule.strategy, rule.set_priority) == (
        "打印机, 卡纸, Printer",
        team,
        "round_robin",
        "high",
    )


def test_a_rule_without_a_condition_is_refused_on_the_form(client, manager):
    team, _a = make_agents_team(1)
    response = client.post(
        reverse("service:routing_rule_create"), {"name": "Nothing", "team": team.pk}
    )
    assert response.status_code == 200
    assert "Give at least one condition." in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_a_rule_is_edited(client, manager):
    rule = make_rule(keywords="a")
    response = client.post(
        reverse("service:routing_rule_edit", args=[rule.pk]),
        {"name": "Renamed", "keywords": "b", "team": rule.team_id, "language": "en"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.keywords, rule.language, rule.is_active) == (
        "Renamed",
        "b",
        "en",
        False,
    )


def test_rules_move_up_and_down_and_are_deactivated_and_reactivated(client, manager):
    a, b = make_rule(keywords="a"), make_rule(keywords="b")
    client.post(reverse("service:routing_rule_move", args=[b.pk, "up"]))
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [b.pk, a.pk]
    client.post(reverse("service:routing_rule_move", args=[b.pk, "down"]))
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [a.pk, b.pk]
    client.post(reverse("service:routing_rule_toggle", args=[a.pk]))
    a.refresh_from_db()
    assert a.is_active is False
    client.post(reverse("service:routing_rule_toggle", args=[a.pk]))
    a.refresh_from_db()
    assert a.is_active is True


def test_a_team_strategy_is_set(client, manager):
    team, _a = make_agents_team(1)
    client.post(
        reverse("service:routing_team_strategy", args=[team.pk]),
        {f"team{team.pk}-strategy": "round_robin"},
    )
    assert TeamRouting.objects.get(team=team).strategy == "round_robin"


def test_the_test_box_shows_which_rule_would_match_and_why(client, manager):
    team, _a = make_agents_team(1, name="Printer repair")
    make_rule(name="English only", language="en", team=team)
    make_rule(name="Printers", keywords="打印机, printer", team=team)
    make_rule(name="Jams", keywords="卡纸", team=team)
    response = client.get(reverse("service:routing_rule_list"), {"text": "我的打印机一直卡纸"})
    page = response.content.decode()
    assert "Rule “Printers” would send it to Printer repair" in page
    assert "the language is not en" in page
    assert "matches too, but an earlier rule wins" in page
    assert "contains “打印机”" in page


def test_the_test_box_says_when_no_rule_matches(client, manager):
    make_rule(keywords="printer")
    response = client.get(reverse("service:routing_rule_list"), {"text": "invoice"})
    assert "No rule matches" in response.content.decode()


def test_the_ticket_page_names_the_rule_that_routed_it(client):
    team, agents = make_agents_team(1)
    make_rule(name="打印机报修", keywords="打印机", team=team)
    ticket = make_ticket(subject="打印机坏了")
    client.force_login(agents[0])
    page = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    assert "Routed by rule “打印机报修”" in page
    assert "contains “打印机”" in page


def test_agents_may_not_open_the_rule_pages(client):
    client.force_login(make_user(role="service_agent"))
    assert client.get(reverse("service:routing_rule_list")).status_code == 403
