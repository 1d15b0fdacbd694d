"""Survey pages: the customer's answer page by token (a link only shows the page; the
answer is kept on POST), the staff list with its summary and filters, one survey, the
ticket page's panel and sending an NPS survey now."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.service.models import Survey, Ticket
from guanxi.testing.customers import make_contact
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.surveys import make_survey
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return make_survey(ticket=make_ticket(language="en"))


def _url(survey, query=""):
    return reverse("service:survey_public", args=[survey.token]) + query


# --- the answer page ---------------------------------------------------------------------------


def test_following_a_score_link_shows_the_score_chosen_but_answers_nothing(client, survey):
    response = client.get(_url(survey, "?score=4"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'value="4"[^>]*checked', html)
    assert len(re.findall(r"checked", html)) == 1
    assert "How satisfied are you with our service?" in html
    survey.refresh_from_db()
    assert (survey.score, survey.answered_at) == (None, None)
    assert not AuditEntry.objects.filter(object_type="service.survey").exists()


def test_posting_the_page_answers_and_thanks(client, survey):
    response = client.post(_url(survey, "?lang=en"), {"score": "5", "comment": "Great help"})
    assert response.status_code == 302
    assert response["Location"] == _url(survey, "?lang=en&thanks=1")
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Great help")
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your answer" in page
    assert "Change my answer" in page


def test_answering_again_changes_the_answer(client, survey):
    client.post(_url(survey), {"score": "2"})
    client.post(_url(survey), {"score": "4", "comment": "Fixed after all"})
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Fixed after all")


@pytest.mark.parametrize("score", ["6", "0", "", "five"])
def test_a_bad_score_is_refused_naming_the_field(client, survey, score):
    response = client.post(_url(survey), {"score": score})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"score"}
    survey.refresh_from_db()
    assert survey.score is None


def test_the_nps_page_offers_0_to_10(client):
    survey = make_survey(kind="nps")
    html = client.get(_url(survey)).content.decode()
    assert "How likely are you to recommend us to a friend or colleague?" in html
    assert 'value="0"' in html and 'value="10"' in html
    assert client.post(_url(survey), {"score": "0"}).status_code == 302
    survey.refresh_from_db()
    assert survey.score == 0


def test_an_unknown_token_is_404(client):
    assert client.get("/s/not-a-real-token-at-all-123456/").status_code == 404
    assert client.get("/s/short/").status_code == 404


def test_a_survey_of_a_trashed_ticket_is_404(client, survey):
    Ticket.all_objects.filter(pk=survey.ticket_id).update(deleted_at=timezone.now())
    assert client.get(_url(survey)).status_code == 404


def test_a_closed_survey_shows_no_form_and_takes_no_answer(client, settings):
    settings.SURVEY_OPEN_DAYS = 30
    survey = make_survey(sent_at=timezone.now() - timedelta(days=31))
    page = client.get(_url(survey)).content.decode()
    assert 'data-testid="survey-closed"' in page
    assert 'data-testid="survey-form"' not in page
    assert client.post(_url(survey), {"score": "5"}).status_code == 400
    survey.refresh_from_db()
    assert survey.score is None


def test_the_page_is_rate_limited(client, survey):
    for score in ("1", "2", "3", "4", "5"):
        assert client.post(_url(survey), {"score": score}).status_code == 302
    response = client.post(_url(survey), {"score": "1"})
    assert response.status_code == 429
    survey.refresh_from_db()
    assert survey.score == 5


def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(client, survey):
    response = client.post(_url(survey), {"score": "1", "website_url": "http://spam"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.score is None


def test_the_page_is_in_the_survey_language_unless_chosen(client):
    survey = make_survey(language="zh-hans")
    assert client.get(_url(survey)).context["language"] == "zh-hans"
    assert client.get(_url(survey, "?lang=en")).context["language"] == "en"


# --- staff pages -------------------------------------------------------------------------------


def _desk():
    """An agent with an answered CSAT of their ticket and a colleague's survey of
    another team's ticket."""
    agent, other = make_user(role="service_agent"), make_user(role="service_agent")
    mine = make_ticket(category=make_category(team=make_team(members=[agent])))
    theirs = make_ticket(category=make_category(team=make_team(members=[other])))
    return agent, make_survey(ticket=mine, score=5, comment="Superb"), make_survey(ticket=theirs)


def test_an_agent_lists_only_their_own_tickets_surveys(client):
    agent, mine, theirs = _desk()
    client.force_login(agent)
    response = client.get(reverse("service:survey_list"))
    assert list(response.context["object_list"]) == [mine]
    assert client.get(reverse("service:survey_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("service:survey_detail", args=[mine.pk])).status_code == 200


def test_the_list_filters_and_summarises_what_it_shows(client):
    analyst = make_user(role="analyst")
    for score in (5, 4, 1):
        make_survey(score=score)
    make_survey()
    for score in (10, 3):
        make_survey(kind="nps", score=score)
    client.force_login(analyst)
    response = client.get(reverse("service:survey_list"))
    assert response.context["csat"]["satisfied_percent"] == 66.7
    assert response.context["nps"]["nps"] == 0
    assert 'data-testid="csat-satisfied">66.7%' in response.content.decode()

    low = client.get(reverse("service:survey_list"), {"low": "1"}).context
    assert sorted(s.score for s in low["object_list"]) == [1, 3]
    csat = client.get(reverse("service:survey_list"), {"kind": "csat", "answered": "no"}).context
    assert [s.score for s in csat["object_list"]] == [None]
    assert csat["nps"]["sent"] == 0
    assert client.get(reverse("service:survey_list"), {"score": "4"}).context["csat"] == {
        "sent": 1,
        "answered": 1,
        "response_rate": 100.0,
        "average": 4.0,
        "satisfied": 1,
        "satisfied_percent": 100.0,
    }


def test_the_list_filters_by_team_and_day(client):
    manager = make_user(role="administrator")
    agent = make_user(role="service_agent")
    team = make_team(members=[agent])
    in_team = make_survey(ticket=make_ticket(category=make_category(team=team)))
    old = make_survey(sent_at=timezone.now() - timedelta(days=10))
    client.force_login(manager)
    by_team = client.get(reverse("service:survey_list"), {"team": team.pk}).context
    assert list(by_team["object_list"]) == [in_team]
    today = timezone.localdate().isoformat()
    recent = client.get(reverse("service:survey_list"), {"sent_from": today}).context
    assert old not in list(recent["object_list"])
    assert in_team in list(recent["object_list"])


def test_the_ticket_page_shows_the_score_and_comment(client):
    agent, mine, _ = _desk()
    client.force_login(agent)
    page = client.get(reverse("service:ticket_detail", args=[mine.ticket_id])).content.decode()
    assert 'data-testid="ticket-surveys"' in page
    assert "5 of 5" in page
    assert "Superb" in page


def test_the_ticket_page_hides_surveys_from_those_who_may_not_see_them(client):
    _, mine, _ = _desk()
    rep = make_user(role="sales_rep")  # reads every ticket, not survey answers
    client.force_login(rep)
    page = client.get(reverse("service:ticket_detail", args=[mine.ticket_id])).content.decode()
    assert 'data-testid="ticket-surveys"' not in page


def test_a_manager_sends_an_nps_survey_now(client, mailoutbox, django_capture_on_commit_callbacks):
    manager = make_user(role="service_manager")
    contact = make_contact(emails=[{"value": "ask@example.com"}], preferred_language="en")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("service:survey_send"), {"email": "ASK@example.com"})
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == survey.get_absolute_url()
    assert (survey.kind, survey.contact) == ("nps", contact)
    assert [m.to for m in mailoutbox] == [["ask@example.com"]]

    again = client.post(reverse("service:survey_send"), {"email": "ask@example.com"})
    assert again.status_code == 400
    assert list(again.context["form"].errors) == ["email"]
    unknown = client.post(reverse("service:survey_send"), {"email": "nobody@example.com"})
    assert list(unknown.context["form"].errors) == ["email"]
    assert Survey.objects.count() == 1
