"""Story 20: "Agents spend their time on questions the customer could answer from an
FAQ."

Given published answers on the knowledge base, a customer describing a paper jam on the
help form sees the answer while typing, says it solved the problem: a deflection is
counted and no ticket reaches an agent. Another customer, whose question no article
answers, sends the form: a ticket opens, with its number and status page shown.
"""

import pytest
from django.urls import reverse

from guanxi.service.models import ArticleFeedback, Ticket
from guanxi.service.selectors_knowledge import deflections
from guanxi.testing.knowledge import make_article

pytestmark = pytest.mark.django_db


def test_customer_answered_by_the_faq_opens_no_ticket_another_gets_one(client):
    jam = make_article(
        title="打印机卡纸怎么办", body="1. 关机\n2. 顺着出纸方向取出纸张", keywords="卡纸 夹纸"
    )
    make_article(title="如何重置账户密码", body="点击忘记密码。")
    help_url = reverse("service:help_form") + "?lang=zh-hans"

    # The first customer opens the help page and starts typing.
    assert client.get(help_url).status_code == 200
    typed = client.get(
        reverse("service:help_suggest"), {"description": "打印机老是卡纸", "lang": "zh-hans"}
    )
    suggested = typed.context["suggestions"]
    assert [article.pk for article in suggested] == [jam.pk]

    # The answer helps: they say so from the suggestion.
    solved = client.post(
        reverse("service:faq_feedback", args=[jam.pk]) + "?lang=zh-hans",
        {"answer": "yes", "source": "help_form"},
    )
    assert solved.status_code == 200
    assert Ticket.objects.count() == 0
    assert deflections()["from_help_form"] == 1
    jam.refresh_from_db()
    assert jam.helpful_yes == 1

    # The second customer's question has no article: the form becomes a ticket.
    other = client.get(
        reverse("service:help_suggest"), {"description": "订单还没有发货", "lang": "zh-hans"}
    )
    assert other.context["suggestions"] == []
    sent = client.post(
        help_url,
        {
            "description": "订单还没有发货\n下单一周了还没有物流信息。",
            "name": "李女士",
            "email": "li@example.cn",
        },
    )
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subject, ticket.language) == ("web", "订单还没有发货", "zh-hans")
    assert ticket.number in sent.content.decode()
    assert reverse("service:ticket_public", args=[ticket.public_token]) in sent.content.decode()
    # One deflection in all; the ticket was not counted as one.
    assert ArticleFeedback.objects.filter(helpful=True).count() == 1
