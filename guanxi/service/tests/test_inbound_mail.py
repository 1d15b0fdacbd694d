"""Routing incoming mail: tickets opened and answered, replies to CRM e-mails and BCC
copies on the timeline, once per Message-ID; the command and the HTTP endpoint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.urls import NoReverseMatch, reverse

from guanxi.core.models import Attachment
from guanxi.customers.models import Activity, Contact
from guanxi.customers.services.email import send_customer_email
from guanxi.service.choices import MessageKind, TicketStatus
from guanxi.service.models import Ticket, TicketMessage
from guanxi.service.services import inbound_mail
from guanxi.service.services.inbound_mail import Action, receive_mail
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

MAIL = Path(__file__).parent / "mail"
URL = "/inbound/email/"
SECRET = "a-long-shared-secret-for-tests-0123456789"


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


@pytest.fixture(autouse=True)
def ticket_urls(monkeypatch):
    """Ticket.get_absolute_url needs service:ticket_detail, which may not exist yet."""
    try:
        reverse("service:ticket_detail", args=[1])
    except NoReverseMatch:
        monkeypatch.setattr(Ticket, "get_absolute_url", lambda self: f"/tickets/{self.pk}/")


@pytest.fixture(autouse=True)
def inbound_settings(settings):
    settings.SERVICE_EMAIL = "support@guanxi.example"
    settings.INBOUND_BCC_ADDRESS = "crm-log@guanxi.example"
    settings.INBOUND_CONTACT_OWNER = ""
    settings.INBOUND_EMAIL_SECRET = SECRET
    return settings


@pytest.fixture
def admin(db):
    return make_user(role="administrator", full_name="Ada Admin")


@pytest.fixture
def rep(db):
    return make_user(role="sales_rep", full_name="李伟", email="li.wei@guanxi.example")


def zhang_ticket(**overrides):
    """Zhang Wei's ticket T-2026-0001 with the agent's reply <ticket-reply-1@…>."""
    ticket = make_ticket(
        subject="打印机无法打印（急）",
        requester_email="zhang.wei@example.cn",
        requester_name="张伟",
        message_id="<gbk-0001@mail.example.cn>",
    )
    Ticket.objects.filter(pk=ticket.pk).update(number="T-2026-0001", **overrides)
    TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.REPLY,
        body="请您更换墨盒后再试。",
        channel="email",
        message_id="<ticket-reply-1@guanxi.example>",
    )
    ticket.refresh_from_db()
    return ticket


def wang_fang(owner):
    account = make_account(owner=owner, name="艾克米科技")
    contact = make_contact(
        owner=owner,
        family_name="王",
        given_name="芳",
        emails=[{"value": "wang.fang@acme.example"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    return contact, account


def counts():
    return (
        Ticket.all_objects.count(),
        TicketMessage.objects.count(),
        Activity.all_objects.count(),
        Contact.all_objects.count(),
        Attachment.all_objects.count(),
    )


# --- 4. new tickets ---------------------------------------------------------------------


@pytest.mark.django_db
def test_gbk_mail_from_unknown_sender_opens_ticket_and_makes_a_consumer_contact(admin):
    outcome = receive_mail(read("gbk_new_ticket.eml"))

    ticket = outcome.ticket
    assert outcome.action == Action.TICKET_OPENED
    assert (ticket.subject, ticket.channel, ticket.language) == (
        "打印机无法打印（急）",
        "email",
        "zh-hans",
    )
    assert (ticket.requester_name, ticket.requester_email) == ("张伟", "zhang.wei@example.cn")
    contact = outcome.new_contact
    assert (contact.family_name, contact.given_name, contact.full_name) == ("张", "伟", "张伟")
    assert contact.owner == admin
    assert [e.value for e in contact.emails.all()] == ["zhang.wei@example.cn"]
    assert contact.account_links.count() == 0
    assert (ticket.contact, ticket.account) == (contact, None)
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert message.message_id == "<gbk-0001@mail.example.cn>"
    assert message.body.startswith("你好，\n\n我们的打印机从昨天开始无法打印")
    assert message.author_email == "zhang.wei@example.cn"


@pytest.mark.django_db
def test_compound_surname_and_configured_contact_owner(admin, settings):
    owner = make_user(email="service.desk@guanxi.example")
    settings.INBOUND_CONTACT_OWNER = "Service.Desk@guanxi.example"

    outcome = receive_mail(read("gb18030_qp.eml"))

    contact = outcome.new_contact
    assert (contact.family_name, contact.given_name, contact.owner) == ("欧阳", "娜娜", owner)
    assert outcome.ticket.subject == "发票抬头需要修改：𠮷野家"
    assert outcome.ticket.messages.get().body == (
        "您好：\n\n请把发票抬头改为“𠮷野家餐饮管理有限公司”，联系人王䶮。\n谢谢！"
    )


@pytest.mark.django_db
def test_known_sender_ticket_goes_to_their_contact_and_account(admin, rep):
    account = make_account(owner=rep, name="远景贸易")
    contact = make_contact(
        owner=rep,
        family_name="张",
        given_name="伟",
        emails=[{"value": "zhang.wei@example.cn"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    before = Contact.all_objects.count()

    outcome = receive_mail(read("gbk_new_ticket.eml"))

    assert outcome.new_contact is None
    assert (outcome.ticket.contact, outcome.ticket.account) == (contact, account)
    assert Contact.all_objects.count() == before


@pytest.mark.django_db
def test_mislabelled_gb2312_mail_opens_a_readable_ticket(admin):
    outcome = receive_mail(read("gb2312_mislabelled.eml"))

    assert outcome.ticket.subject == "退货申请：王堃"
    assert outcome.ticket.messages.get().body == "朱镕基路 88 号的王堃先生要求退货。"
    assert (outcome.new_contact.family_name, outcome.new_contact.given_name) == ("王", "堃")


@pytest.mark.django_db
def test_attachments_are_kept_and_refused_ones_noted(admin):
    outcome = receive_mail(read("utf8_multipart_pdf.eml"))

    files = Attachment.objects.filter(
        object_type="service.ticket", object_id=str(outcome.ticket.pk)
    )
    assert [(f.name, f.content_type, f.uploaded_by) for f in files] == [
        ("报价单 2026.pdf", "application/pdf", None)
    ]
    assert files[0].file.read().startswith(b"%PDF-1.4")
    assert outcome.attachments == ["报价单 2026.pdf"]
    assert len(outcome.notes) == 1
    assert outcome.notes[0].startswith("setup.exe skipped: ")
    assert outcome.ticket.messages.get().body.startswith("李经理您好：")


@pytest.mark.django_db
def test_html_only_mail_becomes_a_text_ticket(admin):
    outcome = receive_mail(read("html_only_qp.eml"))

    assert (
        outcome.ticket.messages.get().body
        == "您好，\n\n我们的账号无法登录，提示“密码错误”。\n\n陈 静"
    )


@pytest.mark.django_db
def test_without_any_administrator_the_ticket_opens_without_a_contact():
    outcome = receive_mail(read("gbk_new_ticket.eml"))

    assert outcome.action == Action.TICKET_OPENED
    assert (outcome.ticket.contact, outcome.new_contact) == (None, None)
    assert outcome.notes == ["no owner for new contacts: set INBOUND_CONTACT_OWNER"]


# --- 1. replies to tickets --------------------------------------------------------------


@pytest.mark.django_db
def test_reply_by_headers_joins_the_ticket_and_reopens_it(admin):
    ticket = zhang_ticket(status=TicketStatus.PENDING)
    before = Ticket.objects.count()

    outcome = receive_mail(read("reply_to_ticket.eml"))

    assert (outcome.action, outcome.ticket) == (Action.TICKET_REPLY, ticket)
    assert Ticket.objects.count() == before
    message = ticket.messages.order_by("pk").last()
    assert (message.kind, message.body) == (MessageKind.CUSTOMER, "已经换了新的墨盒，还是不行。")
    assert message.message_id == "<reply-0001@mail.example.cn>"
    assert message.in_reply_to == "<ticket-reply-1@guanxi.example>"
    assert (message.author_name, message.author_email) == ("张伟", "zhang.wei@example.cn")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


@pytest.mark.django_db
def test_outlook_reply_with_only_the_number_in_the_subject_joins_the_ticket(admin):
    ticket = zhang_ticket()

    outcome = receive_mail(read("outlook_reply_subject_only.eml"))

    assert (outcome.action, outcome.ticket) == (Action.TICKET_REPLY, ticket)
    message = ticket.messages.order_by("pk").last()
    assert message.body == "问题已经解决了，谢谢！\n\n张伟"
    assert message.in_reply_to == ""


@pytest.mark.django_db
def test_number_in_the_subject_from_a_stranger_opens_a_new_ticket(admin):
    ticket = zhang_ticket()
    messages = ticket.messages.count()
    raw = read("outlook_reply_subject_only.eml").replace(
        b"zhang.wei@example.cn>", b"mallory@evil.example>", 1
    )

    outcome = receive_mail(raw)

    assert outcome.action == Action.TICKET_OPENED
    assert outcome.ticket != ticket
    assert outcome.ticket.subject == "打印机无法打印（急）"
    assert ticket.messages.count() == messages


@pytest.mark.django_db
def test_reply_to_a_closed_ticket_opens_a_follow_up(admin):
    ticket = zhang_ticket(status=TicketStatus.CLOSED)
    messages = ticket.messages.count()

    outcome = receive_mail(read("reply_to_ticket.eml"))

    assert outcome.action == Action.TICKET_OPENED
    assert outcome.ticket != ticket
    assert "T-2026-0001" in outcome.notes[0]
    body = outcome.ticket.messages.get().body
    assert "T-2026-0001" in body.split("\n\n")[0]
    assert body.endswith("\n\n已经换了新的墨盒，还是不行。")
    assert ticket.messages.count() == messages


# --- 2. replies to CRM e-mails ----------------------------------------------------------


@pytest.mark.django_db
def test_reply_to_a_crm_email_joins_the_conversation_on_the_timeline(admin, rep):
    contact, account = wang_fang(rep)
    sent = send_customer_email(
        actor=rep,
        contact=contact,
        to="wang.fang@acme.example",
        subject="新产品介绍",
        body="王女士您好，\n附上新产品介绍。",
        account=account,
    )
    Activity.objects.filter(pk=sent.pk).update(message_id="<crm-email-1@guanxi.example>")
    tickets = Ticket.all_objects.count()

    outcome = receive_mail(read("reply_to_crm_email.eml"))

    reply = outcome.activity
    assert outcome.action == Action.ACTIVITY_REPLY
    assert (reply.kind, reply.direction, reply.owner) == ("email", "inbound", rep)
    assert (reply.subject, reply.in_reply_to) == ("Re: 新产品介绍", "<crm-email-1@guanxi.example>")
    assert reply.message_id == "<acme-0001@mail.acme.example>"
    assert (reply.email_from, reply.email_to) == ("wang.fang@acme.example", "li.wei@guanxi.example")
    assert reply.body.endswith("请下周安排一次演示。\n需求清单见附件。\n\n王芳")
    assert list(reply.contacts.all()) == [contact]
    assert list(reply.accounts.all()) == [account]
    files = Attachment.objects.filter(object_type="customers.activity", object_id=str(reply.pk))
    assert [(f.name, f.uploaded_by) for f in files] == [("需求清单.txt", rep)]
    assert Ticket.all_objects.count() == tickets


# --- 3. BCC logging ---------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_copied_to_the_logging_address_is_logged_on_the_contact(admin, rep):
    contact, account = wang_fang(rep)
    before = Ticket.all_objects.count(), Contact.all_objects.count()

    outcome = receive_mail(read("bcc_logged.eml"))

    activity = outcome.activity
    assert outcome.action == Action.ACTIVITY_LOGGED
    assert (activity.kind, activity.direction, activity.owner) == ("email", "outbound", rep)
    assert activity.subject == "报价单已更新"
    assert activity.body.startswith("王女士您好：\n\n报价单已按您的要求更新")
    assert activity.email_to == "wang.fang@acme.example, someone.else@unknown.example"
    assert list(activity.contacts.all()) == [contact]
    assert list(activity.accounts.all()) == [account]
    assert (Ticket.all_objects.count(), Contact.all_objects.count()) == before


@pytest.mark.django_db
def test_logging_address_from_the_envelope_recipient(admin, rep):
    contact, _account = wang_fang(rep)
    raw = read("bcc_logged.eml").replace(b"Delivered-To: crm-log@guanxi.example\r\n", b"")

    outcome = receive_mail(raw, recipients=["CRM-Log@guanxi.example"])

    assert outcome.action == Action.ACTIVITY_LOGGED
    assert list(outcome.activity.contacts.all()) == [contact]


@pytest.mark.django_db
def test_logged_mail_to_nobody_known_records_no_contact(admin, rep):
    before = counts()

    outcome = receive_mail(read("bcc_logged.eml"))

    assert (outcome.action, outcome.activity) == (Action.NO_CONTACT, None)
    assert outcome.notes == ["no contact with these addresses"]
    assert counts() == before


@pytest.mark.django_db
def test_contacts_the_user_may_not_see_are_not_logged_on(admin, rep):
    wang_fang(make_user(role="sales_rep"))  # someone else's contact

    outcome = receive_mail(read("bcc_logged.eml"))

    assert outcome.action == Action.NO_CONTACT


# --- once only, loops -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["gbk_new_ticket.eml", "utf8_multipart_pdf.eml", "bcc_logged.eml"])
def test_the_same_message_twice_does_nothing_the_second_time(admin, rep, name):
    wang_fang(rep)
    first = receive_mail(read(name))
    before = counts()

    second = receive_mail(read(name))

    assert first.stored is True
    assert (second.action, second.message_id) == (Action.DUPLICATE, first.message_id)
    assert counts() == before


@pytest.mark.django_db
def test_mail_without_message_id_is_still_received_once(admin):
    raw = read("gbk_new_ticket.eml").replace(b"Message-ID: <gbk-0001@mail.example.cn>\r\n", b"")

    first = receive_mail(raw)
    second = receive_mail(raw)

    assert first.action == Action.TICKET_OPENED
    assert first.message_id.endswith("@inbound.guanxi.invalid>")
    assert second.action == Action.DUPLICATE


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b"Auto-Submitted: auto-replied\r\n" + read("gbk_new_ticket.eml"),
        read("gbk_new_ticket.eml").replace(b"zhang.wei@example.cn", b"support@guanxi.example"),
    ],
)
def test_auto_replies_and_our_own_mail_are_ignored(admin, raw):
    before = counts()

    outcome = receive_mail(raw)

    assert outcome.action == Action.IGNORED
    assert counts() == before


# --- the command ------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_reads_a_file_and_prints_one_summary_line(admin, capsys):
    call_command("receive_mail", str(MAIL / "gbk_new_ticket.eml"))

    out = capsys.readouterr().out
    ticket = Ticket.objects.get()
    assert out.count("\n") == 1
    assert out.startswith(f"ticket_opened ticket={ticket.number} new_contact=")
    assert out.rstrip().endswith("<gbk-0001@mail.example.cn>")


@pytest.mark.django_db
def test_command_reads_standard_input(admin, monkeypatch, capsys):
    class Stdin:
        buffer = __import__("io").BytesIO(read("gb18030_qp.eml"))

    monkeypatch.setattr(sys, "stdin", Stdin)

    call_command("receive_mail")

    assert capsys.readouterr().out.startswith("ticket_opened ticket=")


@pytest.mark.django_db
def test_command_exit_65_for_what_is_not_a_message(tmp_path):
    path = tmp_path / "junk.eml"
    path.write_bytes(b"this is not an e-mail")

    with pytest.raises(CommandError) as refused:
        call_command("receive_mail", str(path))

    assert refused.value.returncode == 65
    assert Ticket.all_objects.count() == 0


@pytest.mark.django_db
def test_command_exit_75_on_a_database_error_so_the_mta_retries(monkeypatch):
    def broken(raw, recipients=()):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("guanxi.service.management.commands.receive_mail.receive_mail", broken)

    with pytest.raises(CommandError) as failed:
        call_command("receive_mail", str(MAIL / "gbk_new_ticket.eml"))

    assert failed.value.returncode == 75
    assert str(failed.value) == "database error: could not connect to server"


def test_command_exit_66_for_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as failed:
        call_command("receive_mail", str(tmp_path / "missing.eml"))

    assert failed.value.returncode == 66


def test_piped_command_exits_65_with_one_line_on_stderr():
    """As the MTA runs it: a separate process reading stdin (nothing reaches the
    database before the message is read, so this needs no test database)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "receive_mail"],
        input=b"garbage without headers",
        capture_output=True,
        cwd=Path(django_settings.BASE_DIR),
        env={"DJANGO_SETTINGS_MODULE": "guanxi.config.test_settings", "PATH": ""},
        timeout=60,
        check=False,
    )

    assert result.returncode == 65
    assert result.stdout == b""
    assert result.stderr.decode().strip().splitlines() == [
        "CommandError: not an e-mail message: no headers"
    ]


# --- the HTTP endpoint ------------------------------------------------------------------


def post(client, raw, *, secret=SECRET, content_type="message/rfc822", **headers):
    if secret is not None:
        headers["X-Guanxi-Inbound-Secret"] = secret
    return client.post(URL, data=raw, content_type=content_type, headers=headers)


@pytest.mark.django_db
def test_endpoint_creates_a_ticket_and_answers_the_outcome(client, admin):
    response = post(client, read("gbk_new_ticket.eml"))

    ticket = Ticket.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "action": "ticket_opened",
        "message_id": "<gbk-0001@mail.example.cn>",
        "ticket": ticket.number,
        "activity": None,
        "new_contact": ticket.contact_id,
        "attachments": [],
        "notes": [],
    }


@pytest.mark.django_db
def test_endpoint_answers_200_for_a_duplicate(client, admin):
    post(client, read("gbk_new_ticket.eml"), content_type="application/octet-stream")

    response = post(client, read("gbk_new_ticket.eml"))

    assert (response.status_code, response.json()["action"]) == (200, "duplicate")
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_endpoint_passes_envelope_recipients(client, admin, rep):
    contact, _account = wang_fang(rep)
    raw = read("bcc_logged.eml").replace(b"Delivered-To: crm-log@guanxi.example\r\n", b"")

    response = post(client, raw, X_Guanxi_Recipient="crm-log@guanxi.example")

    assert (response.status_code, response.json()["action"]) == (201, "activity_logged")


@pytest.mark.django_db
@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
def test_endpoint_refuses_a_wrong_secret_and_stores_nothing(client, admin, secret):
    before = counts()

    response = post(client, read("gbk_new_ticket.eml"), secret=secret)

    assert response.status_code == 403
    assert counts() == before


@pytest.mark.django_db
def test_endpoint_ignores_a_logged_in_session_without_the_secret(client, admin):
    client.force_login(admin)

    response = post(client, read("gbk_new_ticket.eml"), secret=None)

    assert response.status_code == 403
    assert Ticket.all_objects.count() == 0


@pytest.mark.django_db
def test_endpoint_does_not_exist_without_a_configured_secret(client, admin, settings):
    settings.INBOUND_EMAIL_SECRET = ""

    response = post(client, read("gbk_new_ticket.eml"), secret="")

    assert response.status_code == 404
    assert Ticket.all_objects.count() == 0


@pytest.mark.django_db
def test_endpoint_refuses_a_message_over_the_limit(client, admin, settings):
    raw = read("utf8_multipart_pdf.eml")
    settings.INBOUND_EMAIL_MAX_BYTES = len(raw) - 1

    response = post(client, raw)

    assert response.status_code == 413
    assert Ticket.all_objects.count() == 0


@pytest.mark.django_db
def test_endpoint_accepts_more_than_djangos_form_upload_limit(client, admin, settings):
    raw = read("utf8_multipart_pdf.eml")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = post(client, raw)

    assert response.status_code == 201


@pytest.mark.django_db
def test_endpoint_answers_400_for_what_is_not_a_message(client, admin):
    response = post(client, b"hello")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "unparseable")


@pytest.mark.django_db
def test_endpoint_refuses_other_content_types_and_methods(client, admin):
    form = client.post(URL, {"raw": "x"}, headers={"X-Guanxi-Inbound-Secret": SECRET})
    get = client.get(URL, headers={"X-Guanxi-Inbound-Secret": SECRET})

    assert (form.status_code, get.status_code) == (415, 405)


@pytest.mark.django_db
def test_endpoint_answers_503_on_a_database_error(client, admin, monkeypatch):
    def broken(raw, recipients=()):
        raise OperationalError("down")

    monkeypatch.setattr("guanxi.service.views_inbound.receive_mail", broken)

    response = post(client, read("gbk_new_ticket.eml"))

    assert response.status_code == 503
    assert json.loads(response.content)["error"]["code"] == "unavailable"


def test_outcome_summary_is_one_line():
    outcome = inbound_mail.Outcome(
        Action.NO_CONTACT, "<a@b>", notes=["no contact\nwith these", "x"]
    )

    assert outcome.summary() == "no_contact <a@b> (no contact with these; x)"
