"""Assignment rules: first matching rule wins, round robin skips inactive users and
remembers the turn, the fallback, the reason on the lead; the rules page."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.models import AuditEntry
from guanxi.sales.models import AssignmentRule
from guanxi.sales.services.assignment import (
    create_assignment_rule,
    move_assignment_rule,
)
from guanxi.sales.services.leads import create_lead
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return make_user(role="sales_manager", full_name="Manager")


def test_first_matching_rule_wins_and_its_reason_is_recorded(manager):
    north = [make_user(role="sales_rep", full_name=n) for n in ("A", "B")]
    team = make_team(name="Sales North", members=north)
    shanghai_rep = make_user(role="sales_rep", full_name="Shanghai rep")
    create_assignment_rule(
        actor=manager,
        name="North China",
        field="province",
        value="11",
        method="round_robin",
        team=team,
    )
    create_assignment_rule(
        actor=manager, name="Shanghai", field="province", value="31", user=shanghai_rep
    )
    marketer = make_user(role="marketer")

    beijing = create_lead(actor=marketer, family_name="李", province="北京")
    shanghai = create_lead(actor=marketer, family_name="王", province="上海")

    assert (beijing.owner, beijing.team) == (north[0], team)
    assert beijing.assignment_reason == (
        "Rule “North China”: province = 11 → round robin in Sales North"
    )
    assert shanghai.owner == shanghai_rep
    assert shanghai.assignment_reason == "Rule “Shanghai”: province = 31 → Shanghai rep"


def test_round_robin_takes_turns_skips_inactive_users_and_wraps(manager):
    a, b, c = (make_user(role="sales_rep") for _ in range(3))
    team = make_team(members=[a, b, c])
    rule = create_assignment_rule(actor=manager, name="All", method="round_robin", team=team)
    b.is_active = False
    b.save()
    owners = [create_lead(actor=None, family_name=f"L{i}").owner for i in range(3)]
    assert owners == [a, c, a]
    rule.refresh_from_db()
    assert rule.last_assigned == a


def test_fallback_is_the_creator_or_the_first_administrator():
    rep = make_user(role="sales_rep")
    admin = make_user(role="administrator")
    make_user(role="administrator")
    mine = create_lead(actor=rep, family_name="张")
    visitor = create_lead(actor=None, family_name="访客")
    assert (mine.owner, mine.assignment_reason) == (rep, "No rule matched: the creator keeps it")
    assert (visitor.owner, visitor.assignment_reason) == (
        admin,
        "No rule matched: the first administrator gets it",
    )


def test_a_rule_whose_user_is_deactivated_is_skipped(manager):
    gone = make_user(role="sales_rep")
    create_assignment_rule(actor=manager, name="Gone", user=gone)
    gone.is_active = False
    gone.save()
    rep = make_user(role="sales_rep")
    assert create_lead(actor=rep, family_name="张").owner == rep


def test_source_rule_applies_to_api_leads(manager, api_as):
    web_rep = make_user(role="sales_rep", full_name="Web rep")
    create_assignment_rule(actor=manager, name="API", field="source", value="api", user=web_rep)
    response = api_as(make_user(role="marketer"))("POST", "/api/v1/leads", {"family_name": "赵"})
    assert response.status_code == 201
    assert response.json()["owner"]["id"] == web_rep.pk
    assert response.json()["assignment_reason"] == "Rule “API”: source = api → Web rep"


def test_bad_rules_name_the_field_and_are_not_saved(manager):
    with pytest.raises(ValidationError) as caught:
        create_assignment_rule(actor=manager, name="", field="colour", method="round_robin")
    assert set(caught.value.message_dict) == {"name", "field", "value", "team"}
    assert AssignmentRule.objects.count() == 0


def test_rules_are_reordered_and_the_move_is_audited(manager):
    rules = [
        create_assignment_rule(actor=manager, name=n, user=make_user()) for n in ("a", "b", "c")
    ]
    move_assignment_rule(actor=manager, rule=rules[2], offset=-1)
    assert list(AssignmentRule.objects.values_list("name", "position")) == [
        ("a", 0),
        ("c", 1),
        ("b", 2),
    ]
    entry = AuditEntry.objects.filter(object_type="sales.assignmentrule", event="change").get()
    assert entry.changes == {"position": [2, 1]}


def test_rules_page_adds_and_refuses_reps(client, manager):
    client.force_login(manager)
    team = make_team(members=[make_user()])
    response = client.post(
        "/leads/assignment-rules/",
        {
            "name": "Web",
            "field": "source",
            "value": "web_form",
            "method": "round_robin",
            "team": team.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert list(AssignmentRule.objects.values_list("name", "field", "team")) == [
        ("Web", "source", team.pk)
    ]
    client.force_login(make_user(role="sales_rep"))
    assert client.get("/leads/assignment-rules/").status_code == 200
    refused = client.post("/leads/assignment-rules/", {"name": "Mine", "method": "user"})
    assert refused.status_code == 403
    assert AssignmentRule.objects.count() == 1


def test_the_reason_is_written_in_the_new_owners_language(manager):
    from django.utils import translation

    english = make_user(role="sales_rep", full_name="Lee", language="en")
    chinese = make_user(role="sales_rep", full_name="李伟", language="zh-hans")
    create_assignment_rule(
        actor=manager, name="Web", field="source", value="web_form", method="user", user=english
    )
    create_assignment_rule(
        actor=manager, name="Fair", field="source", value="trade_show", method="user", user=chinese
    )
    with translation.override("zh-hans"):  # e.g. a visitor filling the form in Chinese
        web = create_lead(actor=manager, family_name="陈", given_name="静", source="web_form")
    with translation.override("en"):
        fair = create_lead(actor=manager, family_name="王", given_name="芳", source="trade_show")
    assert web.assignment_reason == "Rule “Web”: source = web_form → Lee"
    assert fair.assignment_reason.startswith("规则“Fair”")
