"""Satisfaction surveys: a CSAT survey when a ticket is solved (once, by e-mail after
the commit), answers by token, low scores followed up, the NPS schedule and its
frequency cap, and the summaries reports use."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.customers.models import Activity
from guanxi.customers.services.consents import record_consent
from guanxi.sales.models import Order
from guanxi.service.models import Survey
from guanxi.service.selectors_surveys import csat_summary, nps_summary
from guanxi.service.services.survey_email import deliver_survey
from guanxi.service.services.surveys import (
    answer_survey,
    nps_candidates,
    send_csat,
    send_nps,
    send_scheduled_nps,
)
from guanxi.service.services.tickets import change_status
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.orders import make_order
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.surveys import make_survey
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return make_user(role="service_agent", full_name="Wang Fang", language="en")


@pytest.fixture
def ticket(agent):
    category = make_category(team=make_team(members=[agent]))
    ticket = make_ticket(
        category=category,
        subject="Printer jams",
        requester_email="customer@example.com",
        language="en",
    )
    assert ticket.owner == agent
    return ticket


def _solve(capture, agent, ticket, status="solved"):
    with capture(execute=True):
        change_status(actor=agent, ticket=ticket, status=status)


# --- CSAT when solved --------------------------------------------------------------------------


def test_a_solved_ticket_sends_one_csat_survey_after_the_commit(
    agent, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_status(actor=agent, ticket=ticket, status="solved")
    survey = Survey.objects.get()
    assert (survey.kind, survey.ticket, survey.email, survey.language) == (
        "csat",
        ticket,
        "customer@example.com",
        "en",
    )
    assert survey.delivery == "queued"
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    survey.refresh_from_db()
    assert survey.delivery == "sent"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["customer@example.com"]
    assert mail.subject == f"How did we do with your request {ticket.number}?"
    for score in range(1, 6):
        assert f"/s/{survey.token}/?score={score}" in mail.body
        assert f"/s/{survey.token}/?score={score}" in mail.alternatives[0][0]
    assert "?score=6" not in mail.body and "?score=0" not in mail.body


def test_the_survey_mail_is_in_the_ticket_language(
    agent, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = make_ticket(requester_email="li@example.cn", language="zh-hans")
    ticket.owner = agent
    survey = make_survey(ticket=ticket, language="zh-hans", delivery="queued")
    assert deliver_survey(survey.pk) is True
    assert deliver_survey(survey.pk) is False  # sent once only
    assert len(mailoutbox) == 1
    assert "?score=5" in mailoutbox[0].body


def test_closing_an_unsolved_ticket_also_asks(agent, ticket, django_capture_on_commit_callbacks):
    _solve(django_capture_on_commit_callbacks, agent, ticket, status="closed")
    assert Survey.objects.filter(ticket=ticket, kind="csat").count() == 1


def test_reopened_and_solved_again_keeps_the_one_unanswered_survey(
    agent, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    _solve(django_capture_on_commit_callbacks, agent, ticket, status="open")
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    assert Survey.objects.count() == 1
    assert len(mailoutbox) == 1


def test_solved_again_after_an_answer_asks_again_only_after_the_quiet_period(
    agent, ticket, settings, django_capture_on_commit_callbacks
):
    settings.SURVEY_CSAT_QUIET_DAYS = 30
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    first = Survey.objects.get()
    answer_survey(survey=first, score=5)
    _solve(django_capture_on_commit_callbacks, agent, ticket, status="open")
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    assert Survey.objects.count() == 1  # answered 0 days ago: not again

    Survey.objects.filter(pk=first.pk).update(sent_at=timezone.now() - timedelta(days=31))
    _solve(django_capture_on_commit_callbacks, agent, ticket, status="open")
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    assert Survey.objects.count() == 2


def test_never_two_unanswered_csat_surveys_for_a_ticket(ticket):
    first = send_csat(actor=None, ticket=ticket)
    Survey.objects.filter(pk=first.pk).update(sent_at=timezone.now() - timedelta(days=400))
    assert send_csat(actor=None, ticket=ticket) is None
    assert Survey.objects.count() == 1


def test_no_requester_email_no_survey(agent, django_capture_on_commit_callbacks, mailoutbox):
    category = make_category(team=make_team(members=[agent]))
    ticket = make_ticket(category=category, requester_email="", channel="phone")
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    assert Survey.objects.count() == 0
    assert mailoutbox == []


def test_a_contact_who_withdrew_email_consent_gets_no_survey(
    agent, django_capture_on_commit_callbacks
):
    contact = make_contact(emails=[{"value": "chen@example.cn"}])
    record_consent(actor=None, contact=contact, channel="email", status="withdrawn", source="api")
    category = make_category(team=make_team(members=[agent]))
    ticket = make_ticket(category=category, contact=contact, requester_email="chen@example.cn")
    _solve(django_capture_on_commit_callbacks, agent, ticket)
    assert Survey.objects.count() == 0


def test_a_failed_mail_is_marked_failed(ticket, monkeypatch):
    def down(self, messages):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    survey = make_survey(ticket=ticket, delivery="queued")
    result = deliver_survey(survey.pk)
    survey.refresh_from_db()
    assert (result, survey.delivery) == (False, "failed")


# --- answers -----------------------------------------------------------------------------------


def test_an_answer_is_recorded_and_may_be_changed_while_open(ticket):
    survey = make_survey(ticket=ticket)
    answer_survey(survey=survey, score="4", comment="Quick help.")
    survey.refresh_from_db()
    first = survey.answered_at
    assert (survey.score, survey.comment) == (4, "Quick help.")
    answer_survey(survey=survey, score=5, comment="")
    survey.refresh_from_db()
    assert (survey.score, survey.comment, survey.answered_at) == (5, "", first)
    assert survey.changed_at >= first


@pytest.mark.parametrize("score", [0, 6, "x", None])
def test_a_csat_score_outside_1_to_5_is_refused_naming_the_field(ticket, score):
    survey = make_survey(ticket=ticket)
    with pytest.raises(ValidationError) as caught:
        answer_survey(survey=survey, score=score)
    assert caught.value.message_dict == {"score": ["Choose a score from 1 to 5."]}
    survey.refresh_from_db()
    assert (survey.score, survey.answered_at) == (None, None)


def test_an_nps_score_takes_0_to_10():
    survey = make_survey(kind="nps")
    answer_survey(survey=survey, score=0)
    survey.refresh_from_db()
    assert survey.score == 0
    with pytest.raises(ValidationError) as caught:
        answer_survey(survey=survey, score=11)
    assert caught.value.message_dict == {"score": ["Choose a score from 0 to 10."]}


def test_a_closed_survey_takes_no_answer(ticket, settings):
    settings.SURVEY_OPEN_DAYS = 30
    survey = make_survey(ticket=ticket, sent_at=timezone.now() - timedelta(days=31))
    with pytest.raises(ValidationError) as caught:
        answer_survey(survey=survey, score=5)
    assert "score" in caught.value.message_dict
    survey.refresh_from_db()
    assert survey.score is None


def test_a_low_csat_opens_one_task_for_the_ticket_agent_and_tells_them(agent, ticket):
    survey = make_survey(ticket=ticket)
    answer_survey(survey=survey, score=2, comment="Took a week.")
    survey.refresh_from_db()
    task = survey.follow_up
    assert task is not None
    assert (task.kind, task.status, task.assignee, task.owner) == ("task", "open", agent, agent)
    assert task.subject.startswith(f"Low satisfaction (2/5) on ticket {ticket.number}")
    assert task.body == "Took a week."
    note = Notification.objects.get(recipient=agent, kind="service.survey_low")
    assert note.url == survey.get_absolute_url()

    answer_survey(survey=survey, score=1, comment="Still bad.")  # changed: no second task
    assert Activity.objects.filter(kind="task").count() == 1
    assert Notification.objects.filter(kind="service.survey_low").count() == 1


def test_a_good_score_opens_no_task(ticket):
    survey = make_survey(ticket=ticket)
    answer_survey(survey=survey, score=3)
    survey.refresh_from_db()
    assert survey.follow_up is None
    assert Notification.objects.filter(kind="service.survey_low").count() == 0


def test_the_low_threshold_is_a_setting(ticket, settings):
    settings.SURVEY_LOW_CSAT = 3
    survey = make_survey(ticket=ticket)
    answer_survey(survey=survey, score=3)
    survey.refresh_from_db()
    assert survey.follow_up is not None


def test_a_low_nps_goes_to_the_account_owner():
    owner = make_user(role="sales_rep", language="en")
    account = make_account(owner=owner)
    contact = make_contact(owner=owner, accounts=[{"account": account}])
    survey = make_survey(kind="nps", contact=contact, account=account)
    answer_survey(survey=survey, score=6, comment="Too expensive.")
    survey.refresh_from_db()
    assert survey.follow_up.assignee == owner
    assert survey.follow_up.subject.startswith("Low NPS (6/10)")
    assert list(survey.follow_up.contacts.all()) == [contact]
    assert Notification.objects.filter(recipient=owner, kind="service.survey_low").count() == 1


# --- NPS ---------------------------------------------------------------------------------------


def _customer(email="buyer@example.com", **overrides):
    return make_contact(emails=[{"value": email}], preferred_language="en", **overrides)


def _recent_order(contact, days_ago=10):
    order = make_order()
    Order.objects.filter(pk=order.pk).update(
        contact=contact,
        status="confirmed",
        order_date=(timezone.now() - timedelta(days=days_ago)).date(),
    )


def test_the_nps_job_asks_recent_customers_once_per_interval(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SURVEY_NPS_RECENT_DAYS = 90
    settings.SURVEY_NPS_INTERVAL_DAYS = 90
    buyer = _customer("buyer@example.com")
    _recent_order(buyer)
    asker = _customer("asker@example.com")
    make_ticket(contact=asker, requester_email="asker@example.com")
    old_buyer = _customer("old@example.com")
    _recent_order(old_buyer, days_ago=200)
    _customer("never@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_scheduled_nps() == 2
    surveys = Survey.objects.filter(kind="nps")
    assert {s.contact for s in surveys} == {buyer, asker}
    assert sorted(m.to[0] for m in mailoutbox) == ["asker@example.com", "buyer@example.com"]
    assert all(m.subject == "How likely are you to recommend us?" for m in mailoutbox)
    assert "?score=0" in mailoutbox[0].body and "?score=10" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert send_scheduled_nps() == 0  # run twice: nobody asked again
    assert Survey.objects.filter(kind="nps").count() == 2

    later = timezone.now() + timedelta(days=91)
    _recent_order(buyer, days_ago=-80)  # still a recent customer then
    assert list(nps_candidates(later)) == [buyer]


def test_the_nps_job_sends_in_batches(settings):
    for n in range(3):
        contact = _customer(f"c{n}@example.com")
        _recent_order(contact)
    assert send_scheduled_nps(batch=2) == 2
    assert send_scheduled_nps(batch=2) == 1
    assert send_scheduled_nps(batch=2) == 0


def test_the_nps_job_skips_a_withdrawn_consent():
    contact = _customer()
    _recent_order(contact)
    record_consent(actor=None, contact=contact, channel="email", status="withdrawn", source="api")
    assert send_scheduled_nps() == 0


def test_sending_nps_now_is_refused_within_the_interval_naming_the_contact(settings):
    settings.SURVEY_NPS_INTERVAL_DAYS = 90
    manager = make_user(role="service_manager")
    contact = _customer()
    survey = send_nps(actor=manager, contact=contact)
    assert (survey.kind, survey.email, survey.language) == ("nps", "buyer@example.com", "en")
    with pytest.raises(ValidationError) as caught:
        send_nps(actor=manager, contact=contact)
    assert list(caught.value.message_dict) == ["contact"]
    assert Survey.objects.count() == 1


def test_sending_nps_to_a_contact_without_email_is_refused():
    contact = make_contact()
    with pytest.raises(ValidationError) as caught:
        send_nps(actor=None, contact=contact)
    assert caught.value.message_dict == {"contact": ["This contact has no e-mail address."]}


# --- summaries ---------------------------------------------------------------------------------


def test_csat_summary_counts_satisfied_answers():
    for score in (5, 4, 2, None):
        make_survey(score=score)
    make_survey(kind="nps", score=10)  # not CSAT
    assert csat_summary(Survey.objects.all()) == {
        "sent": 4,
        "answered": 3,
        "response_rate": 75.0,
        "average": 3.67,
        "satisfied": 2,
        "satisfied_percent": 66.7,
    }


def test_nps_is_promoters_minus_detractors():
    for score in (10, 9, 9, 8, 7, 6, 0, None):
        make_survey(kind="nps", score=score)
    assert nps_summary(Survey.objects.all()) == {
        "sent": 8,
        "answered": 7,
        "response_rate": 87.5,
        "average": 7.0,
        "promoters": 3,
        "passives": 2,
        "detractors": 2,
        "nps": 14,
    }


def test_summaries_without_answers_are_empty():
    assert csat_summary(Survey.objects.none())["satisfied_percent"] is None
    assert nps_summary(Survey.objects.none())["nps"] is None


def test_a_concurrent_survey_does_not_stop_the_ticket_being_solved(agent, ticket, monkeypatch):
    """Another process created the unanswered survey between the check and the insert:
    the database refuses the second one and the solve still goes through."""
    from django.db import transaction

    from guanxi.service import receivers_surveys

    make_survey(ticket=ticket, delivery="sent")

    @transaction.atomic
    def racing_send_csat(*, actor, ticket):
        return make_survey(ticket=ticket)  # skips the check, as a racing writer would

    monkeypatch.setattr(receivers_surveys, "send_csat", racing_send_csat)
    change_status(actor=agent, ticket=ticket, status="solved")
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert Survey.objects.filter(ticket=ticket).count() == 1


def test_the_nps_job_is_a_periodic_task_that_sends():
    from guanxi.core.scheduling import periodic_tasks
    from guanxi.service.tasks_surveys import send_nps_surveys

    assert send_nps_surveys.module_path in {entry.name for entry in periodic_tasks()}
    contact = _customer()
    _recent_order(contact)
    send_nps_surveys.enqueue()  # the test settings run tasks at once
    assert Survey.objects.filter(kind="nps", contact=contact).count() == 1
