"""Rule-based scores that explain themselves, kept up to date."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.sales.models import Lead, ScoringRule
from guanxi.sales.services.leads import log_lead_activity, update_lead
from guanxi.sales.services.scoring import create_scoring_rule, rescore_all
from guanxi.testing.sales import make_lead
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return make_user(role="sales_manager")


@pytest.fixture
def rules(manager):
    create_scoring_rule(
        actor=manager, name="Maker", field="industry", value="manufacturing", points=20
    )
    create_scoring_rule(actor=manager, name="Big", field="size", value="1000+", points=15)
    create_scoring_rule(actor=manager, name="Student", field="title", value="student", points=-30)
    create_scoring_rule(actor=manager, name="Engaged", field="activities", points=5)


def test_score_is_the_sum_of_rules_met_with_each_reason(rules):
    lead = make_lead(industry="manufacturing", size="1000+")
    assert lead.score == 35
    assert lead.score_reasons == [
        {"rule": "Maker", "points": 20, "why": "industry = manufacturing"},
        {"rule": "Big", "points": 15, "why": "size = 1000+"},
    ]


def test_score_follows_changes_and_activities(rules):
    lead = make_lead(industry="manufacturing")
    update_lead(actor=lead.owner, lead=lead, title="Student")
    assert Lead.objects.get(pk=lead.pk).score == -10
    log_lead_activity(actor=lead.owner, lead=lead, kind="call", subject="Hi")
    log_lead_activity(actor=lead.owner, lead=lead, kind="note", subject="Notes")
    lead.refresh_from_db()
    assert lead.score == 0
    assert {"rule": "Engaged", "points": 10, "why": "activities = 2 × 5"} in lead.score_reasons


def test_rescore_all_applies_new_rules(manager):
    lead = make_lead(industry="retail")
    other = make_lead(industry="energy")
    assert (lead.score, other.score) == (0, 0)
    create_scoring_rule(actor=manager, name="Shops", field="industry", value="retail", points=7)
    assert rescore_all(actor=manager) == 1
    assert list(Lead.objects.order_by("pk").values_list("score", flat=True)) == [7, 0]


def test_bad_scoring_rules_are_refused(manager):
    with pytest.raises(ValidationError) as caught:
        create_scoring_rule(actor=manager, name="X", field="colour", points=5000)
    assert set(caught.value.message_dict) == {"field", "points"}
    assert ScoringRule.objects.count() == 0


def test_lead_page_shows_the_reasons(client, rules):
    lead = make_lead(industry="manufacturing")
    client.force_login(lead.owner)
    body = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "+20 industry = manufacturing" in body


def test_rescore_button_is_for_managers(client, manager, rules):
    client.force_login(make_user(role="sales_rep"))
    assert client.post("/leads/scoring-rules/rescore/").status_code == 403
    client.force_login(manager)
    assert client.post("/leads/scoring-rules/rescore/").status_code == 302
