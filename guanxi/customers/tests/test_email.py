"""Email from the CRM: personalised, sent by SMTP, kept on the timeline with thread headers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import Notification
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Activity, EmailTemplate
from guanxi.customers.services.email import deliver, fill, send_customer_email
from guanxi.customers.services.email_templates import create_email_template
from guanxi.customers.timeline import timeline_page
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.smtp import smtp_server  # noqa: F401 - a fixture
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(rep):
    account = make_account(owner=rep, name="北京华信科技有限公司")
    contact = make_contact(
        owner=rep,
        family_name="王",
        given_name="芳",
        gender="female",
        emails=[{"value": "wang.fang@huaxin.example"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    return contact, account


def test_placeholders_are_filled_per_recipient(rep, wang, django_capture_on_commit_callbacks):
    contact, account = wang
    with django_capture_on_commit_callbacks(execute=True):
        activity = send_customer_email(
            actor=rep,
            contact=contact,
            to="wang.fang@huaxin.example",
            subject="{{ company }} 报价",
            body="{{ salutation }}，您好！\n{{ my_name }}",
            account=account,
        )
    activity.refresh_from_db()
    assert activity.subject == "北京华信科技有限公司 报价"
    assert activity.body == "王女士，您好！\n李伟"
    assert (activity.kind, activity.direction, activity.status) == ("email", "outbound", "done")
    assert activity.message_id.startswith("<") and activity.message_id.endswith(">")
    [message] = mail.outbox
    assert message.to == ["wang.fang@huaxin.example"]
    assert message.subject == "北京华信科技有限公司 报价"
    assert message.extra_headers["Message-ID"] == activity.message_id
    assert message.reply_to == [f"李伟 <{rep.email}>"]
    assert list(activity.contacts.all()) == [contact]
    assert list(activity.accounts.all()) == [account]


def test_sent_email_is_on_the_contact_and_account_timelines(rep, wang):
    contact, account = wang
    send_customer_email(
        actor=rep, contact=contact, to="wang.fang@huaxin.example", subject="Hi", body="Hello"
    )
    for subject in (contact, account):
        entries, _cursor = timeline_page(rep, subject)
        assert [(e.kind, e.title) for e in entries] == [("email", "Hi")]


def test_reply_is_threaded_to_the_earlier_email(rep, wang, django_capture_on_commit_callbacks):
    contact, _account = wang
    with django_capture_on_commit_callbacks(execute=True):
        first = send_customer_email(
            actor=rep, contact=contact, to="wang.fang@huaxin.example", subject="Q", body="1"
        )
        second = send_customer_email(
            actor=rep,
            contact=contact,
            to="wang.fang@huaxin.example",
            subject="Re: Q",
            body="2",
            in_reply_to=first,
        )
    assert second.in_reply_to == first.message_id
    assert mail.outbox[1].extra_headers["In-Reply-To"] == first.message_id
    assert mail.outbox[1].extra_headers["References"] == first.message_id


@pytest.mark.parametrize(
    ("to", "subject", "body", "field"),
    [
        ("someone@else.example", "Hi", "Hello", "to"),
        ("wang.fang@huaxin.example", "", "Hello", "subject"),
        ("wang.fang@huaxin.example", "Hi", "Dear {{ nickname }}", "body"),
    ],
)
def test_bad_email_is_refused_naming_the_field(rep, wang, to, subject, body, field):
    contact, _account = wang
    with pytest.raises(ValidationError) as error:
        send_customer_email(actor=rep, contact=contact, to=to, subject=subject, body=body)
    assert list(error.value.message_dict) == [field]
    assert Activity.objects.count() == 0
    assert mail.outbox == []


def test_unknown_placeholder_message_lists_the_known_ones():
    assert fill("{{ first_name }} {{ other }}", {"first_name": "芳"}) == "芳 {{ other }}"


def test_smtp_failure_cancels_the_email_and_tells_the_sender(rep, wang, settings):
    contact, _account = wang
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    activity = send_customer_email(
        actor=rep, contact=contact, to="wang.fang@huaxin.example", subject="Hi", body="x"
    )
    assert deliver(activity.pk) is False
    activity.refresh_from_db()
    assert activity.status == "cancelled"
    [notice] = Notification.objects.filter(recipient=rep, kind="email.failed")
    assert notice.title == "Your email “Hi” could not be sent"
    assert deliver(activity.pk) is False  # nothing is sent twice


def test_mail_reaches_a_real_smtp_server_with_chinese_intact(
    rep,
    wang,
    smtp_server,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    contact, account = wang
    with django_capture_on_commit_callbacks(execute=True):
        activity = send_customer_email(
            actor=rep,
            contact=contact,
            to="wang.fang@huaxin.example",
            subject="关于{{ company }}的报价",
            body="{{ salutation }}，附上报价。",
            account=account,
        )
    [received] = smtp_server.messages
    # (a folded encoded-word header may decode with the fold's leading space)
    assert received["Subject"].strip() == "关于北京华信科技有限公司的报价"
    assert received["To"] == "wang.fang@huaxin.example"
    assert received["Message-ID"] == Activity.objects.get(pk=activity.pk).message_id
    assert received.get_content().strip() == "王女士，附上报价。"


def test_compose_page_prefills_a_template_and_sends(client, rep, wang):
    contact, _account = wang
    template = create_email_template(
        actor=make_user(role="marketer"), name="报价跟进", subject="报价", body="{{ full_name }}"
    )
    client.force_login(rep)
    url = reverse("customers:contact_email", args=[contact.pk])
    page = client.get(url, {"template": template.pk}).content.decode()
    assert 'value="报价"' in page
    response = client.post(url, {"to": "wang.fang@huaxin.example", "subject": "S", "body": "B"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:contact_detail", args=[contact.pk])
    assert Activity.objects.get().subject == "S"


def test_account_compose_writes_to_a_chosen_contact(client, rep, wang):
    contact, account = wang
    client.force_login(rep)
    url = reverse("customers:account_email", args=[account.pk])
    response = client.post(
        url, {"to": f"{contact.pk}:wang.fang@huaxin.example", "subject": "S", "body": "B"}
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert list(activity.contacts.all()) == [contact]
    assert list(activity.accounts.all()) == [account]


def test_outsider_cannot_email_someone_elses_contact(client, wang):
    contact, _account = wang
    other = make_user(role="sales_rep")
    client.force_login(other)
    url = reverse("customers:contact_email", args=[contact.pk])
    response = client.post(url, {"to": "wang.fang@huaxin.example", "subject": "S", "body": "B"})
    assert response.status_code == 404
    assert Activity.objects.count() == 0


def test_api_emails_a_contact(client, rep, wang):
    contact, account = wang
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/emails",
        {
            "to": "wang.fang@huaxin.example",
            "subject": "Hi {{ first_name }}",
            "body": "B",
            "account_id": account.pk,
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["subject"], body["account_ids"]) == ("email", "Hi 芳", [account.pk])


def test_api_names_a_bad_placeholder(client, rep, wang):
    contact, _account = wang
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/emails",
        {"to": "wang.fang@huaxin.example", "subject": "S", "body": "{{ x }}"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.body"


def test_template_with_unknown_placeholder_is_refused(admin):
    with pytest.raises(ValidationError) as error:
        create_email_template(actor=admin, name="T", subject="S", body="{{ nope }}")
    assert list(error.value.message_dict) == ["body"]
    assert EmailTemplate.objects.count() == 0


def test_sales_rep_may_use_but_not_edit_templates(client, admin):
    template = create_email_template(actor=admin, name="T", subject="S", body="B")
    client.force_login(make_user(role="sales_rep"))
    assert client.get(reverse("customers:email_template_list")).status_code == 200
    response = client.post(
        reverse("customers:email_template_edit", args=[template.pk]),
        {"name": "X", "subject": "S", "body": "B"},
    )
    assert response.status_code == 403
    assert EmailTemplate.objects.get().name == "T"
