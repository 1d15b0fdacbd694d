"""Public replies by e-mail: sent after the commit, threaded by their headers, from the
support address; a failure marks the reply and tells its author."""

import smtplib
from email.header import decode_header, make_header
from email.utils import parseaddr

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.urls import NoReverseMatch, reverse

from guanxi.core.models import Notification
from guanxi.service.models import Ticket, TicketMessage
from guanxi.service.services.ticket_email import deliver_reply, reply_subject, support_address
from guanxi.service.services.tickets import add_note, customer_message, reply
from guanxi.testing.service import make_category, make_ticket
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ticket_urls(monkeypatch):
    """Until the ticket pages exist, tickets link to a stand-in address."""
    try:
        reverse("service:ticket_detail", args=[1])
    except NoReverseMatch:
        monkeypatch.setattr(Ticket, "get_absolute_url", lambda self: f"/service/{self.pk}/")


@pytest.fixture
def agent():
    return make_user(role="service_agent", full_name="王芳", email="wang.fang@example.test")


@pytest.fixture
def ticket(agent):
    category = make_category(team=make_team(members=[agent]))
    return make_ticket(
        category=category,
        subject="打印机不打印",
        requester_email="customer@example.com",
        message_id="<first@mail.customer.example>",
    )


def _reply(capture, **kwargs) -> TicketMessage:
    with capture(execute=True):
        message = reply(**kwargs)
    message.refresh_from_db()
    return message


def test_a_reply_goes_out_after_the_commit_threaded_to_the_customer_message(
    agent, ticket, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SERVICE_EMAIL = "Guanxi Support <support@guanxi.example>"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = reply(actor=agent, ticket=ticket, body="请重启打印机。")
    assert mailoutbox == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()

    message.refresh_from_db()
    assert message.delivery == "sent"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == f"[{ticket.number}] 打印机不打印"
    assert mail.subject.startswith("[T-")
    assert mail.to == ["customer@example.com"]
    assert mail.body.startswith("请重启打印机。\n\n-- \n")  # then the status page link
    assert parseaddr(mail.from_email)[1] == "support@guanxi.example"
    assert mail.reply_to == ["support@guanxi.example"]
    headers = mail.message()
    assert headers["Message-ID"] == message.message_id
    assert headers["In-Reply-To"] == "<first@mail.customer.example>"
    assert headers["References"] == "<first@mail.customer.example>"
    assert parseaddr(str(make_header(decode_header(headers["From"])))) == (
        "王芳",
        "support@guanxi.example",
    )


def test_a_reply_answers_the_latest_customer_message(
    agent, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    customer_message(
        ticket=ticket, body="Still broken", channel="email", message_id="<second@customer>"
    )
    customer_message(ticket=ticket, body="From the web page", channel="web")  # no id
    message = _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="OK")
    assert message.in_reply_to == "<second@customer>"
    assert mailoutbox[0].message()["In-Reply-To"] == "<second@customer>"


def test_without_service_email_replies_come_from_the_default_address(
    agent, ticket, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SERVICE_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Guanxi <noreply@guanxi.example>"
    assert support_address() == "noreply@guanxi.example"
    _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="Hello")
    assert parseaddr(mailoutbox[0].from_email)[1] == "noreply@guanxi.example"


def test_an_author_name_with_a_comma_still_makes_one_sender(
    ticket, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SERVICE_EMAIL = "support@guanxi.example"
    agent = make_user(role="service_agent", full_name="Smith, John")
    ticket.team.memberships.create(user=agent)
    message = _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="Hi")
    assert message.delivery == "sent"
    sender = str(make_header(decode_header(mailoutbox[0].message()["From"])))
    assert parseaddr(sender) == ("Smith, John", "support@guanxi.example")


def test_the_subject_carries_the_ticket_number():
    assert reply_subject("T-2026-0007", "Help") == "[T-2026-0007] Help"


def test_delivery_runs_once(agent, ticket, mailoutbox, django_capture_on_commit_callbacks):
    message = _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="x")
    assert deliver_reply(message.pk) is False
    assert len(mailoutbox) == 1


def test_an_smtp_failure_marks_the_reply_and_tells_its_author(
    agent, ticket, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"customer@example.com": (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    Notification.objects.all().delete()
    message = _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="x")

    assert message.delivery == "failed"
    assert mailoutbox == []
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (agent, "service.reply_failed")
    assert ticket.number in note.title
    assert "no such user" in note.body
    # A failed reply is not retried by a second run, and its author is told once.
    assert deliver_reply(message.pk) is False
    assert Notification.objects.count() == 1


def test_a_connection_failure_marks_the_reply_failed(
    agent, ticket, monkeypatch, django_capture_on_commit_callbacks
):
    def down(self, messages):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    message = _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="x")
    assert message.delivery == "failed"


def test_a_reply_rolled_back_sends_nothing(agent, ticket, mailoutbox):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        reply(actor=agent, ticket=ticket, body="never sent")
        raise RuntimeError
    assert mailoutbox == []
    assert not TicketMessage.objects.filter(kind="reply").exists()


def test_notes_are_never_mailed(agent, ticket, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = add_note(actor=agent, ticket=ticket, body="internal")
    assert callbacks == []
    assert mailoutbox == []
    assert deliver_reply(note.pk) is False


def test_the_reply_links_the_customer_to_their_status_page_in_their_language(
    agent, ticket, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://crm.example.cn/"
    _reply(django_capture_on_commit_callbacks, actor=agent, ticket=ticket, body="已寄出新硒鼓。")
    body = mailoutbox[0].body
    assert body.startswith("已寄出新硒鼓。")
    assert f"https://crm.example.cn/t/{ticket.public_token}/" in body
    assert ticket.number in body.rsplit("-- ", 1)[1]
    assert "在线查看请求" in body  # the ticket's language (zh-hans), not the agent's
