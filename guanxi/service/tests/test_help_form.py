"""The public help form (story 15): the customer writes what is wrong in plain words,
sees matching answers while typing, and sends a ticket without choosing a department;
its protections are the public forms' (honeypot, per-address limit, stored
submission)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.core.models import FormSubmission, PublicForm
from guanxi.core.services.public_forms import RATE_LIMIT
from guanxi.service.models import ArticleFeedback, Ticket
from guanxi.service.services.help_form import (
    ensure_help_form,
    find_product,
    help_public_form,
    subject_of,
)
from guanxi.testing.knowledge import make_article
from guanxi.testing.quotes import make_product

pytestmark = pytest.mark.django_db

ANSWERS = {
    "description": "打印机一直卡纸\n每次打印两三张就卡住。",
    "product": "",
    "name": "王先生",
    "email": "wang@example.cn",
    "phone": "13800138000",
}


def test_the_help_page_asks_plain_questions_and_no_department(client):
    response = client.get(reverse("service:help_form"), {"lang": "en"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["description", "product", "name", "email", "phone", "website_url"]
    assert "category" not in form.fields and "team" not in form.fields
    html = response.content.decode()
    assert reverse("service:help_suggest") in html
    assert "delay:400ms" in html  # debounced while typing
    assert PublicForm.objects.get(slug="help").kind == "ticket"


def test_suggestions_appear_for_what_is_typed_in_the_page_language(client):
    make_article(title="打印机卡纸怎么办")
    make_article(title="Printer paper jam", language="en")
    make_article(title="如何重置密码")

    zh = client.get(reverse("service:help_suggest"), {"description": "卡纸", "lang": "zh-hans"})
    en = client.get(reverse("service:help_suggest"), {"description": "paper jam", "lang": "en"})
    nothing = client.get(reverse("service:help_suggest"), {"description": "退货", "lang": "zh"})

    assert [a.title for a in zh.context["suggestions"]] == ["打印机卡纸怎么办"]
    assert [a.title for a in en.context["suggestions"]] == ["Printer paper jam"]
    assert 'data-testid="help-no-suggestions"' in nothing.content.decode()


def test_sending_opens_a_web_ticket_and_shows_its_number_and_status_page(client):
    response = client.post(reverse("service:help_form") + "?lang=zh-hans", ANSWERS)

    ticket = Ticket.objects.get()
    assert response.status_code == 200
    assert (ticket.channel, ticket.language) == ("web", "zh-hans")
    assert ticket.subject == "打印机一直卡纸"
    assert ticket.requester_email == "wang@example.cn"
    assert ticket.requester_name == "王先生"
    first = ticket.messages.get()
    assert first.body.startswith("打印机一直卡纸\n每次打印两三张就卡住。")
    assert "13800138000" in first.body
    html = response.content.decode()
    assert ticket.number in html
    assert reverse("service:ticket_public", args=[ticket.public_token]) in html
    submission = FormSubmission.objects.get()
    assert (submission.result_type, submission.result_id) == ("service.ticket", str(ticket.pk))
    assert submission.language == "zh-hans"


def test_product_is_found_by_sku_or_name(client):
    printer = make_product(sku="T80", name="Thermal printer T80")
    assert find_product("t80") == (printer, None)
    assert find_product("Thermal printer") == (printer, None)
    assert find_product("something else") == (None, None)

    client.post(reverse("service:help_form") + "?lang=en", {**ANSWERS, "product": "T80"})
    assert Ticket.objects.get().product == printer


def test_an_unknown_product_is_kept_in_the_message(client):
    client.post(reverse("service:help_form") + "?lang=en", {**ANSWERS, "product": "XYZ-1"})
    ticket = Ticket.objects.get()
    assert ticket.product is None
    assert "Product or serial number given: XYZ-1" in ticket.messages.get().body


def test_missing_description_and_bad_email_are_named(client):
    response = client.post(
        reverse("service:help_form") + "?lang=en", {**ANSWERS, "description": "", "email": "x"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"description", "email"}
    assert Ticket.objects.count() == 0


def test_a_bot_filling_the_honeypot_gets_thanks_and_no_ticket(client):
    response = client.post(reverse("service:help_form"), {**ANSWERS, "website_url": "spam"})
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert FormSubmission.objects.count() == 0


def test_too_many_requests_from_one_address_are_refused(client):
    for _ in range(RATE_LIMIT):
        client.post(reverse("service:help_form"), ANSWERS, REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("service:help_form"), ANSWERS, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert Ticket.objects.count() == RATE_LIMIT


def test_solved_by_a_suggestion_counts_a_deflection_and_opens_no_ticket(client):
    article = make_article(title="打印机卡纸怎么办")

    response = client.post(
        reverse("service:faq_feedback", args=[article.pk]) + "?lang=zh-hans",
        {"answer": "yes", "source": "help_form"},
    )

    assert 'data-testid="help-solved-page"' in response.content.decode()
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.source, feedback.language) == (True, "help_form", "zh-hans")
    assert Ticket.objects.count() == 0


def test_the_subject_is_the_first_line_shortened():
    assert subject_of("\n  Printer broken \nmore") == "Printer broken"
    long = "字" * 100
    assert subject_of(long) == "字" * 79 + "…"


def test_an_administrator_may_close_the_help_form(client):
    form = help_public_form()
    PublicForm.objects.filter(pk=form.pk).update(is_active=False)
    assert client.get(reverse("service:help_form")).status_code == 404


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def test_the_help_form_exists_after_migrate_so_a_get_writes_nothing(client):
    # given a database just migrated (the test database), before any visitor
    form = PublicForm.objects.get(slug="help")
    assert (form.kind, form.is_active, form.title_zh) == ("ticket", True, "需要什么帮助？")
    assert form.fields == [
        {"name": "description", "required": True},
        {"name": "product", "required": False},
        {"name": "name", "required": False},
        {"name": "email", "required": True},
        {"name": "phone", "required": False},
    ]
    # when a visitor opens the page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("service:help_form"), {"lang": "zh-hans"})
    # then it shows the form and nothing was written
    assert response.status_code == 200
    assert _writes(queries) == []
    assert "需要什么帮助？" in response.content.decode()


def test_a_deleted_help_form_closes_the_page_without_writing_until_migrate_makes_it_again(client):
    PublicForm.objects.filter(slug="help").delete()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("service:help_form"))
    assert response.status_code == 404
    assert _writes(queries) == []
    assert client.post(reverse("service:help_form"), ANSWERS).status_code == 404
    assert not PublicForm.objects.filter(slug="help").exists()
    assert Ticket.objects.count() == 0

    made = ensure_help_form()
    assert (made.slug, made.is_active) == ("help", True)
    assert ensure_help_form() == made  # made once
    assert client.get(reverse("service:help_form")).status_code == 200


def test_an_administrators_changes_to_the_help_form_are_kept(client):
    PublicForm.objects.filter(slug="help").update(title="Service desk")
    ensure_help_form()
    assert PublicForm.objects.get(slug="help").title == "Service desk"
    assert (
        "Service desk" in client.get(reverse("service:help_form"), {"lang": "en"}).content.decode()
    )
