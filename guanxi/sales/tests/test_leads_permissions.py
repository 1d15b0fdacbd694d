"""Who sees and changes which leads: own / teammate / outsider for reps and managers,
in the pages and the API; refused calls change nothing."""

import pytest

from guanxi.sales.models import Lead
from guanxi.testing.sales import make_lead
from guanxi.testing.users import team_trio

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "who", "sees", "changes"),
    [
        ("sales_rep", "owner", True, True),
        ("sales_rep", "teammate", False, False),
        ("sales_rep", "outsider", False, False),
        ("sales_manager", "owner", True, True),
        ("sales_manager", "teammate", True, True),
        ("sales_manager", "outsider", False, False),
    ],
)
def test_lead_access(client, api_as, role, who, sees, changes):
    trio = team_trio(role)
    # The lead belongs to the team owner (for managers: the manager's teammate's view).
    lead = make_lead(owner=trio.owner, title="Buyer")
    actor = getattr(trio, who)
    client.force_login(actor)
    api = api_as(actor)

    assert (client.get(f"/leads/{lead.pk}/").status_code == 200) is sees
    assert (api("GET", f"/api/v1/leads/{lead.pk}").status_code == 200) is sees
    listed = [row["id"] for row in api("GET", "/api/v1/leads").json()["items"]]
    assert (lead.pk in listed) is sees

    response = api("PATCH", f"/api/v1/leads/{lead.pk}", {"title": "CFO"})
    assert (response.status_code == 200) is changes
    page = client.post(f"/leads/{lead.pk}/disqualify/", {"reason": "spam"})
    assert (page.status_code == 302) is changes
    lead.refresh_from_db()
    if changes:
        assert (lead.title, lead.status) == ("CFO", "disqualified")
    else:
        assert response.status_code == 404
        assert page.status_code == 404
        assert (lead.title, lead.status) == ("Buyer", "new")


def test_an_outsider_cannot_delete_or_log_on_a_lead(client):
    trio = team_trio("sales_rep")
    lead = make_lead(owner=trio.owner)
    client.force_login(trio.outsider)
    assert client.post(f"/leads/{lead.pk}/delete/").status_code == 404
    assert (
        client.post(f"/leads/{lead.pk}/log/", {"kind": "call", "subject": "x"}).status_code == 404
    )
    assert Lead.objects.filter(pk=lead.pk).exists()
    assert lead.activities.count() == 0


def test_reps_start_on_my_leads_and_managers_on_their_team(client):
    trio = team_trio("sales_manager")
    mine = make_lead(owner=trio.owner, family_name="Mine")
    theirs = make_lead(owner=trio.teammate, family_name="Theirs")
    client.force_login(trio.owner)
    page = client.get("/leads/")
    assert page.context["mine"] is False
    assert {lead.pk for lead in page.context["object_list"]} == {mine.pk, theirs.pk}
    rep_trio = team_trio("sales_rep")
    make_lead(owner=rep_trio.owner)
    client.force_login(rep_trio.owner)
    page = client.get("/leads/")
    assert page.context["mine"] is True
    assert "My leads" in page.content.decode()
