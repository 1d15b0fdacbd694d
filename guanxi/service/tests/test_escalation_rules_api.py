"""The escalation-rule API: add, read, change (errors naming the body field), move,
delete, audited; and the preview of the tickets a rule would escalate now, narrowed to
the tickets the caller may see."""

import json

import pytest

from guanxi.core.models import AuditEntry
from guanxi.core.services.tokens import create_token
from guanxi.service.models import Escalation, EscalationRule
from guanxi.testing.escalation import make_escalation_rule
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/escalation-rules"


def _call(client, user, method, path, body=None):
    key = create_token(actor=user, name="t")[1]
    return client.generic(
        method,
        path,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.fixture
def desk():
    class Desk:
        manager = make_user(role="service_manager", full_name="Manager Chen")
        agent = make_user(role="service_agent", full_name="Agent Wang")
        expert = make_user(role="service_agent", full_name="Expert Li")
        team = make_team(name="Printers", members=[agent, manager], managers=[manager])
        other = make_team(name="Scanners", members=[expert])

    return Desk


def test_a_rule_is_added_read_changed_and_deleted_with_each_change_audited(client, desk):
    created = _call(
        client,
        desk.manager,
        "POST",
        BASE,
        {
            "name": "Complaints",
            "reason": "The customer complains",
            "keywords": "投诉，complaint",
            "statuses": ["open", "new"],
            "no_reply_hours": 2,
            "to_user_id": desk.expert.pk,
            "team_id": desk.team.pk,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["keywords"] == "投诉, complaint"
    assert body["statuses"] == ["new", "open"]
    assert (body["to_user"]["id"], body["team"]["id"], body["no_reply_hours"]) == (
        desk.expert.pk,
        desk.team.pk,
        2,
    )
    rule_id = body["id"]

    assert _call(client, desk.agent, "GET", f"{BASE}/{rule_id}").json()["name"] == "Complaints"
    assert [r["id"] for r in _call(client, desk.agent, "GET", BASE).json()] == [rule_id]

    patched = _call(
        client,
        desk.manager,
        "PATCH",
        f"{BASE}/{rule_id}",
        {"to_user_id": None, "to_team_id": desk.other.pk, "is_active": False},
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["to_user"], patched.json()["to_team"]["id"]) == (None, desk.other.pk)
    assert patched.json()["is_active"] is False

    assert _call(client, desk.manager, "DELETE", f"{BASE}/{rule_id}").status_code == 204
    assert not EscalationRule.objects.exists()
    events = AuditEntry.objects.filter(
        object_type="service.escalationrule", object_id=str(rule_id)
    ).values_list("event", flat=True)
    assert sorted(events) == ["change", "create", "delete"]


def test_errors_name_the_body_fields_and_nothing_is_saved(client, desk):
    rep = make_user(role="sales_rep")
    refused = _call(
        client,
        desk.manager,
        "POST",
        BASE,
        {"name": "X", "reason": "Y", "priorities": ["soon"], "to_user_id": rep.pk},
    )
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "to_user_id" in text
    empty = _call(client, desk.manager, "POST", BASE, {"name": "X", "reason": "Y"})
    assert empty.status_code == 422
    assert "Give at least one condition." in empty.content.decode()
    bad = _call(client, desk.manager, "POST", BASE, {"name": "X", "reason": "Y", "open_hours": 0})
    assert bad.status_code == 422
    assert "open_hours" in bad.content.decode()

    rule = make_escalation_rule(name="Kept")
    patch = _call(client, desk.manager, "PATCH", f"{BASE}/{rule.pk}", {"priorities": ["x"]})
    assert patch.status_code == 422
    assert "priorities" in patch.content.decode()
    denied = _call(client, desk.agent, "PATCH", f"{BASE}/{rule.pk}", {"name": "Mine"})
    assert denied.status_code == 403
    rule.refresh_from_db()
    assert (rule.name, rule.priorities) == ("Kept", ["urgent"])
    assert EscalationRule.objects.count() == 1


def test_move_returns_the_new_order(client, desk):
    first = make_escalation_rule(name="First")
    second = make_escalation_rule(name="Second")
    moved = _call(client, desk.manager, "POST", f"{BASE}/{second.pk}/move", {"direction": "up"})
    assert [r["id"] for r in moved.json()] == [second.pk, first.pk]
    wrong = _call(client, desk.manager, "POST", f"{BASE}/{second.pk}/move", {"direction": "x"})
    assert wrong.status_code == 422


def test_the_preview_lists_matching_tickets_the_caller_may_see_and_changes_nothing(client, desk):
    category = make_category(team=desk.team)
    mine = make_ticket(category=category, owner=desk.agent, priority="urgent", subject="Down")
    make_ticket(category=category, owner=desk.agent, subject="Calm")
    elsewhere = make_ticket(team=desk.other, owner=desk.expert, priority="urgent")
    rule = make_escalation_rule(name="Urgent", is_active=False)
    path = f"{BASE}/{rule.pk}/preview"

    as_manager = _call(client, desk.manager, "GET", path).json()
    assert [row["ticket"]["id"] for row in as_manager] == [mine.pk, elsewhere.pk]
    assert as_manager[0]["ticket"]["number"] == mine.number
    assert as_manager[0]["ticket"]["owner"]["id"] == desk.agent.pk
    assert as_manager[0]["reasons"] == ["priority is Urgent"]

    as_agent = _call(client, desk.agent, "GET", path).json()
    assert [row["ticket"]["id"] for row in as_agent] == [mine.pk]
    assert _call(client, make_user(role="marketer"), "GET", path).status_code == 200
    assert not Escalation.objects.exists()
    mine.refresh_from_db()
    assert (mine.escalation_level, mine.owner) == (0, desk.agent)
