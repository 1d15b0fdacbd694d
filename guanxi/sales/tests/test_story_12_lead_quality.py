"""Story 12: leads from marketing are poor, and reps waste time on them. Guanxi scores
every lead with stated rules, puts the best first on a rep's list, and shows managers
the quality of each source (average score, qualified, converted and disqualified
shares) over their team's leads, so the poor source is visible and can be fixed."""

import pytest

from guanxi.sales.services.conversion import convert_lead
from guanxi.sales.services.leads import disqualify_lead, qualify_lead
from guanxi.sales.services.scoring import create_scoring_rule
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db


def test_managers_see_which_source_brings_poor_leads_and_reps_work_the_best_first(client, api_as):
    # Given a sales team (manager + rep), another team, and fit rules
    trio = team_trio("sales_manager")
    manager, rep = trio.owner, trio.teammate
    rep.roles.set([rep.roles.model.objects.get(code="sales_rep")])
    create_scoring_rule(
        actor=manager, name="Maker", field="industry", value="manufacturing", points=30
    )
    create_scoring_rule(actor=manager, name="Large", field="size", value="1000+", points=20)

    # Marketing's campaign leads: small shops, mostly thrown away
    campaign = [
        make_lead(owner=rep, source="campaign", industry="retail", size="1-9") for _ in range(4)
    ]
    for lead in campaign[:3]:
        disqualify_lead(actor=rep, lead=lead, reason="no_need")
    # Referrals: large manufacturers, one converted, one qualified
    referrals = [
        make_lead(
            owner=rep,
            source="referral",
            industry="manufacturing",
            size="1000+",
            company=f"Factory {i}",
        )
        for i in range(2)
    ]
    convert_lead(actor=rep, lead=referrals[0], amount="1000")
    qualify_lead(actor=rep, lead=referrals[1])
    # Another team's leads do not count for this manager
    make_lead(owner=trio.outsider, source="campaign")

    # When the manager opens the lead quality report
    client.force_login(manager)
    page = client.get("/leads/quality/")
    rows = [
        (r.source, r.leads, r.average_score, r.qualified_pct, r.converted_pct, r.disqualified_pct)
        for r in page.context["rows"]
    ]

    # Then the campaign source stands out as poor
    assert rows == [
        ("referral", 2, 50.0, 100.0, 50.0, 0.0),
        ("campaign", 4, 0.0, 0.0, 0.0, 75.0),
    ]
    api_rows = api_as(manager)("GET", "/api/v1/leads/quality").json()
    assert [(r["source"], r["leads"], r["disqualified_pct"]) for r in api_rows] == [
        ("referral", 2, 0.0),
        ("campaign", 4, 75.0),
    ]

    # And the rep's open leads come best first, each score explained
    client.force_login(rep)
    open_leads = list(client.get("/leads/").context["object_list"])
    assert [lead.source for lead in open_leads] == ["referral", "campaign"]
    detail = client.get(f"/leads/{referrals[1].pk}/").content.decode()
    assert "+30 industry = manufacturing" in detail
    assert "+20 size = 1000+" in detail


def test_a_rep_sees_the_quality_of_their_own_leads_only(client):
    rep = make_user(role="sales_rep")
    make_lead(owner=rep, source="trade_show")
    make_lead(source="trade_show")
    client.force_login(rep)
    rows = client.get("/leads/quality/").context["rows"]
    assert [(r.source, r.leads) for r in rows] == [("trade_show", 1)]
