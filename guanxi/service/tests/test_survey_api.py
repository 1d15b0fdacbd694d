"""The surveys API: the list narrowed by role, one survey, the summary, sending an NPS
survey now, and the customer's answer by token without authentication."""

import json
from urllib.parse import urlencode

import pytest

from guanxi.core.services.tokens import create_token
from guanxi.service.models import Survey, Ticket
from guanxi.testing.customers import make_contact
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.surveys import make_survey
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(client):
    def for_user(user):
        headers = {"Authorization": f"Bearer {create_token(actor=user, name='t')[1]}"}

        def call(method, path, body=None, **params):
            url = f"{path}?{urlencode(params)}" if params else path
            return client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers=headers,
            )

        return call

    return for_user


def _fields(response):
    return [error["field"] for error in response.json()["errors"]]


def test_an_agent_lists_their_own_tickets_surveys_and_an_analyst_all(api_as):
    agent = make_user(role="service_agent")
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(owner=agent)
    mine = make_survey(ticket=ticket, score=4)
    other = make_survey(ticket=make_ticket())
    nps = make_survey(kind="nps", score=9)

    body = api_as(agent)("GET", "/api/v1/surveys").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert body["items"][0]["ticket"]["number"] == mine.ticket.number
    assert api_as(agent)("GET", f"/api/v1/surveys/{other.pk}").status_code == 404

    analyst = make_user(role="analyst")
    everything = api_as(analyst)("GET", "/api/v1/surveys", sort="pk").json()
    assert [item["id"] for item in everything["items"]] == [mine.pk, other.pk, nps.pk]
    only_nps = api_as(analyst)("GET", "/api/v1/surveys", kind="nps").json()
    assert [item["id"] for item in only_nps["items"]] == [nps.pk]
    answered = api_as(analyst)("GET", "/api/v1/surveys", answered="false").json()
    assert [item["id"] for item in answered["items"]] == [other.pk]


def test_a_manager_sees_the_surveys_of_their_teams_tickets(api_as):
    manager = make_user(role="service_manager")
    agent = make_user(role="service_agent")
    team = make_team(members=[manager, agent])
    ours = make_survey(ticket=make_ticket(category=make_category(team=team)))
    make_survey(ticket=make_ticket(category=make_category(team=make_team())))
    body = api_as(manager)("GET", "/api/v1/surveys").json()
    assert [item["id"] for item in body["items"]] == [ours.pk]


def test_a_bad_kind_is_refused_naming_the_parameter(api_as):
    response = api_as(make_user(role="analyst"))("GET", "/api/v1/surveys", kind="ces")
    assert response.status_code == 422
    assert _fields(response) == ["query.kind"]


def test_the_summary_gives_csat_and_nps(api_as):
    for score in (5, 2):
        make_survey(score=score)
    for score in (10, 9, 0):
        make_survey(kind="nps", score=score)
    body = api_as(make_user(role="analyst"))("GET", "/api/v1/surveys/summary").json()
    assert body["csat"]["satisfied_percent"] == 50.0
    assert body["nps"] == {
        "sent": 3,
        "answered": 3,
        "response_rate": 100.0,
        "average": 6.33,
        "promoters": 2,
        "passives": 0,
        "detractors": 1,
        "nps": 33,
    }


def test_rep_may_not_list_surveys(api_as):
    response = api_as(make_user(role="sales_rep"))("GET", "/api/v1/surveys")
    assert response.status_code == 403


def test_sending_an_nps_survey_now(api_as, mailoutbox, django_capture_on_commit_callbacks):
    manager = make_user(role="service_manager")
    contact = make_contact(emails=[{"value": "nps@example.com"}], preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(manager)("POST", f"/api/v1/contacts/{contact.pk}/nps-survey")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["email"], body["contact"]["id"]) == (
        "nps",
        "nps@example.com",
        contact.pk,
    )
    assert [m.to for m in mailoutbox] == [["nps@example.com"]]

    again = api_as(manager)("POST", f"/api/v1/contacts/{contact.pk}/nps-survey")
    assert again.status_code == 422
    assert _fields(again) == ["path.contact_id"]
    assert Survey.objects.count() == 1
    missing = api_as(manager)("POST", "/api/v1/contacts/999999/nps-survey")
    assert missing.status_code == 404


def test_an_agent_may_not_send_nps(api_as):
    contact = make_contact(emails=[{"value": "nps@example.com"}])
    response = api_as(make_user(role="service_agent"))(
        "POST", f"/api/v1/contacts/{contact.pk}/nps-survey"
    )
    assert response.status_code == 403
    assert Survey.objects.count() == 0


def test_the_customer_answers_by_token_without_authentication(client):
    survey = make_survey(kind="nps")
    url = f"/api/v1/surveys/answer/{survey.token}"
    response = client.post(
        url, json.dumps({"score": 8, "comment": "Good"}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["score"] == 8
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (8, "Good")

    bad = client.post(url, json.dumps({"score": 11}), content_type="application/json")
    assert bad.status_code == 422
    assert _fields(bad) == ["body.score"]
    unknown = client.post(
        "/api/v1/surveys/answer/unknown-token-123456789012",
        json.dumps({"score": 8}),
        content_type="application/json",
    )
    assert unknown.status_code == 404
