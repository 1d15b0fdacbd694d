"""Public forms: anyone may fill one in (no login, CSRF-protected), in English or
Chinese; bots fall into the honeypot, floods hit the rate limit; every answer is kept
with the record its kind's handler made."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from guanxi.core.models import AuditEntry, FormSubmission, PublicForm
from guanxi.core.services.public_forms import RATE_LIMIT, create_public_form
from guanxi.customers.models import Activity
from guanxi.sales.models import Lead
from guanxi.testing.sales import make_lead_form
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

ANSWERS = {
    "family_name": "王",
    "given_name": "芳",
    "company": "上海电气",
    "phone": "138 1234 5678",
    "email": "wang@example.com",
    "description": "想了解价格",
}


@pytest.fixture
def form():
    make_user(role="administrator", full_name="Ada Admin")
    return make_lead_form(slug="contact-us")


def test_the_form_speaks_the_visitors_language(client, form):
    english = client.get("/f/contact-us/").content.decode()
    assert "Family name" in english and "Send me news by email." in english
    chinese = client.get("/f/contact-us/?lang=zh-hans").content.decode()
    assert "通过电子邮件向我发送新闻。" in chinese and '<html lang="zh-hans">' in chinese
    by_header = client.get("/f/contact-us/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert "通过电子邮件向我发送新闻。" in by_header.content.decode()


def test_a_submission_creates_an_assigned_lead_with_the_consent_wording(client, form):
    response = client.post(
        "/f/contact-us/?lang=zh-hans", {**ANSWERS, "consent": "on"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200
    assert "谢谢，我们会尽快联系您。" in response.content.decode()
    lead = Lead.objects.get()
    assert (lead.full_name, lead.phone, lead.source, lead.owner.full_name) == (
        "王芳",
        "+8613812345678",
        "web_form",
        "Ada Admin",
    )
    assert (lead.consent_email, lead.consent_wording) == (True, "通过电子邮件向我发送新闻。")
    assert (lead.wants_call, lead.first_contact_due) == (False, None)
    submission = FormSubmission.objects.get()
    assert (submission.result_type, submission.result_id) == ("sales.lead", str(lead.pk))
    assert (submission.ip_address, submission.language) == ("203.0.113.9", "zh-hans")
    assert submission.data["consent_wording"] == "通过电子邮件向我发送新闻。"
    assert Activity.objects.count() == 0


def test_bad_answers_are_shown_on_the_field_and_nothing_is_kept(client, form):
    response = client.post("/f/contact-us/", {**ANSWERS, "phone": "12"})
    assert response.status_code == 200
    assert "12 is not a valid phone number." in response.content.decode()
    assert (Lead.objects.count(), FormSubmission.objects.count()) == (0, 0)


def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(client, form):
    response = client.post("/f/contact-us/", {**ANSWERS, "website_url": "http://spam.example"})
    assert response.status_code == 200
    assert "Thank you, we will be in touch." in response.content.decode()
    assert (Lead.objects.count(), FormSubmission.objects.count()) == (0, 0)


def test_too_many_submissions_from_one_address_are_refused(client, form):
    for _ in range(RATE_LIMIT):
        assert client.post("/f/contact-us/", ANSWERS, REMOTE_ADDR="198.51.100.7").status_code == 200
    refused = client.post("/f/contact-us/", ANSWERS, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert Lead.objects.count() == RATE_LIMIT
    other = client.post("/f/contact-us/", ANSWERS, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200
    assert FormSubmission.objects.count() == RATE_LIMIT + 1


def test_the_form_is_csrf_protected(form):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/f/contact-us/", ANSWERS).status_code == 403
    assert Lead.objects.count() == 0


def test_an_inactive_or_unknown_form_is_not_found(client, form):
    PublicForm.objects.filter(pk=form.pk).update(is_active=False)
    assert client.get("/f/contact-us/").status_code == 404
    assert client.get("/f/nothing/").status_code == 404


def test_administrators_set_up_forms_and_read_the_answers(client, form):
    admin = make_user(role="administrator")
    client.force_login(admin)
    response = client.post(
        "/web-forms/",
        {
            "name": "Trade show",
            "slug": "expo",
            "kind": "lead",
            "shown": ["family_name", "phone", "wants_call"],
            "required_fields": ["phone"],
            "labels": "phone = Mobile | 手机",
            "call_within_hours": "2",
            "is_active": "on",
        },
    )
    created = PublicForm.objects.get(slug="expo")
    assert response["Location"] == f"/web-forms/{created.pk}/"
    assert created.fields == [
        {"name": "family_name", "required": True, "label": "", "label_zh": ""},
        {"name": "phone", "required": True, "label": "Mobile", "label_zh": "手机"},
        {"name": "wants_call", "required": False, "label": "", "label_zh": ""},
    ]
    assert created.call_within_hours == 2
    assert AuditEntry.objects.filter(object_type="core.publicform", event="create").count() == 2
    Client().post("/f/contact-us/", ANSWERS)
    detail = client.get(f"/web-forms/{form.pk}/").content.decode()
    assert "想了解价格" in detail and "sales.lead" in detail
    client.force_login(make_user(role="sales_manager"))
    assert client.get("/web-forms/").status_code == 403


def test_forms_only_offer_the_kinds_fields():
    admin = make_user(role="administrator")
    with pytest.raises(ValidationError) as caught:
        create_public_form(
            actor=admin, slug="Bad Slug", name="x", fields=[{"name": "salary"}, {"name": "phone"}]
        )
    assert set(caught.value.message_dict) == {"slug", "fields.0.name", "fields"}
    assert not PublicForm.objects.exclude(slug="help").exists()
