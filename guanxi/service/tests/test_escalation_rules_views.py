"""The escalation-rule pages: the ordered list, add and edit with errors naming the
field, the preview of the tickets a rule would escalate now, pause, move, delete, and
the rule named on the ticket page."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.service.models import Escalation, EscalationRule
from guanxi.service.services.escalation_rules import run_escalation_rules
from guanxi.testing.escalation import make_escalation_rule
from guanxi.testing.service import make_category, make_policy, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LIST = reverse("service:escalation_rule_list")
CREATE = reverse("service:escalation_rule_create")


@pytest.fixture
def desk(monkeypatch):
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2026, 3, 2, 9, 0, tzinfo=SH).astimezone(UTC)
    )

    class Desk:
        manager = make_user(role="service_manager", full_name="Manager Chen")
        agent = make_user(role="service_agent", full_name="Agent Wang")
        outsider = make_user(role="service_agent", full_name="Agent Zhao")
        team = make_team(name="Printers", members=[agent, manager], managers=[manager])
        other = make_team(name="Scanners", members=[outsider])

    make_policy()
    Desk.category = make_category(team=Desk.team)
    return Desk


def _form(**overrides):
    data = {"name": "Urgent waits", "priorities": ["urgent"], "reason": "Urgent", "is_active": "on"}
    data.update(overrides)
    return data


def test_the_list_shows_the_rules_in_order_with_their_conditions(client, desk):
    make_escalation_rule(name="Complaints", priorities=[], keywords="投诉, complaint")
    make_escalation_rule(
        name="Waiting", priorities=["high", "urgent"], no_reply_hours=4, to_team=desk.team
    )
    client.force_login(desk.manager)

    content = client.get(LIST).content.decode()

    assert content.index("Complaints") < content.index("Waiting")
    assert "contains any of: 投诉, complaint" in content
    assert "priority is one of: High、Urgent" in content
    assert "the customer has waited 4 business hours for a reply" in content
    assert "to the supervisor of Printers" in content

    client.force_login(desk.agent)
    assert client.get(LIST).status_code == 403


def test_a_new_rule_is_saved_at_the_end_and_audited(client, desk):
    client.force_login(desk.manager)
    response = client.post(
        CREATE, _form(statuses=["new", "open"], keywords="投诉", open_hours="8", team=desk.team.pk)
    )

    assert response.status_code == 302
    rule = EscalationRule.objects.get()
    assert (rule.priorities, rule.statuses, rule.open_hours, rule.team) == (
        ["urgent"],
        ["new", "open"],
        8,
        desk.team,
    )
    assert AuditEntry.objects.filter(
        object_type="service.escalationrule", object_id=str(rule.pk), event="create"
    ).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"open_hours": "0"}, "open_hours"),
        ({"first_response_due_minutes": "-1"}, "first_response_due_minutes"),
        ({"priorities": ["soon"]}, "priorities"),
        ({"statuses": ["solved"]}, "statuses"),
        ({"reason": ""}, "reason"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_shown_again_with_the_error_on_its_field(client, desk, data, field):
    client.force_login(desk.manager)
    response = client.post(CREATE, _form(**data))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not EscalationRule.objects.exists()


def test_a_rule_without_conditions_or_with_a_target_who_does_not_work_tickets_is_refused(
    client, desk
):
    client.force_login(desk.manager)
    response = client.post(CREATE, _form(priorities=[]))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Give at least one condition."]
    assert "Give at least one condition." in response.content.decode()

    rep = make_user(role="sales_rep")
    response = client.post(CREATE, _form(to_user=rep.pk))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["to_user"]
    assert not EscalationRule.objects.exists()


def test_editing_changes_the_rule_and_a_bad_value_names_the_field(client, desk):
    rule = make_escalation_rule(name="Urgent", reason="Old reason")
    client.force_login(desk.manager)
    url = reverse("service:escalation_rule_edit", args=[rule.pk])

    page = client.get(url)
    assert page.context["form"].initial["priorities"] == ["urgent"]
    refused = client.post(url, _form(name="Urgent", no_reply_hours="abc"))
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["no_reply_hours"]

    response = client.post(url, _form(name="Urgent", reason="New reason", to_user=desk.agent.pk))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.reason, rule.to_user) == ("New reason", desk.agent)


def test_the_preview_lists_the_tickets_the_rule_would_escalate_and_saves_nothing(client, desk):
    mine = make_ticket(category=desk.category, priority="urgent", subject="Line down")
    make_ticket(category=desk.category, subject="Calm one")
    elsewhere = make_ticket(team=desk.other, priority="urgent", subject="Other team's")
    client.force_login(desk.manager)

    response = client.post(CREATE, _form(action="preview"))

    assert response.status_code == 200
    rows = [match.ticket for match in response.context["preview"]]
    assert mine in rows and elsewhere in rows  # managers see every ticket
    assert "Calm one" not in response.content.decode()
    assert 'data-testid="escalation-rule-preview"' in response.content.decode()
    assert not EscalationRule.objects.exists()

    client.force_login(make_user(role="administrator"))
    rule = make_escalation_rule(team=desk.team)
    edit = reverse("service:escalation_rule_edit", args=[rule.pk])
    response = client.post(edit, _form(team=desk.team.pk, action="preview"))
    assert [m.ticket for m in response.context["preview"]] == [mine]
    assert response.context["preview"][0].reasons == ["priority is Urgent", "team is Printers"]
    response = client.post(edit, _form(team=desk.team.pk, priorities=["low"], action="preview"))
    assert response.context["preview"] == []
    assert "No unresolved ticket matches this rule now." in response.content.decode()
    rule.refresh_from_db()
    assert rule.priorities == ["urgent"]
    assert not Escalation.objects.exists()


def test_pause_move_and_delete(client, desk):
    first = make_escalation_rule(name="First")
    second = make_escalation_rule(name="Second")
    client.force_login(desk.manager)

    client.post(reverse("service:escalation_rule_toggle", args=[first.pk]))
    first.refresh_from_db()
    assert first.is_active is False
    client.post(reverse("service:escalation_rule_move", args=[second.pk, "up"]))
    assert list(EscalationRule.objects.values_list("name", flat=True)) == ["Second", "First"]
    client.post(reverse("service:escalation_rule_delete", args=[first.pk]))
    assert list(EscalationRule.objects.values_list("name", flat=True)) == ["Second"]


def test_the_ticket_page_names_the_rule_and_its_reason_above_the_conversation(client, desk):
    ticket = make_ticket(category=desk.category, owner=desk.agent, priority="urgent")
    make_escalation_rule(name="Urgent waits", reason="An urgent ticket must reach the lead")
    run_escalation_rules()

    client.force_login(desk.manager)
    page = client.get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    panel = page[page.index('data-testid="escalation-panel"') : page.index('id="conversation"')]
    assert "escalated by the rule “Urgent waits”" in panel
    assert "An urgent ticket must reach the lead" in panel
