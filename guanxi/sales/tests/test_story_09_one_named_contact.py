"""Story 9: a customer was given five different contact names in a few calls and does
not know whom to call for a demo.

Wherever a deal appears — its page, the board, the table, the account page, the API —
it shows the same two people: the rep who owns it and the customer's primary contact.
However many colleagues call, the customer always has one named person."""

import json

import pytest
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.sales.services.deals import log_deal_activity
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_every_view_of_a_deal_names_the_same_owner_and_primary_contact(client):
    # given a rep who owns a deal with 华信, whose primary contact is 张伟
    rep = make_user(role="sales_rep", full_name="李娜")
    manager = make_user(role="sales_manager", full_name="王经理")
    colleagues = [make_user(role="sales_manager", full_name=f"同事{i}") for i in range(3)]
    make_team(members=[rep, manager, *colleagues], managers=[manager])
    account = make_account(owner=rep, name="北京华信科技有限公司")
    zhang = make_contact(
        owner=rep,
        family_name="张",
        given_name="伟",
        phones=[{"value": "13800138000"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    make_contact(owner=rep, family_name="刘", given_name="洋", accounts=[{"account": account}])
    deal = make_deal(owner=rep, account=account, name="华信 ERP", next_step="安排演示")

    # when five different people call the customer about the deal
    for caller in [rep, manager, *colleagues]:
        log_deal_activity(actor=caller, deal=deal, kind="call", subject=f"{caller.full_name} 来电")

    # then the deal page names one owner and one primary contact, with a number to call
    client.force_login(manager)
    page = client.get(deal.get_absolute_url())
    assert page.context["primary"] == zhang
    html = page.content.decode()
    assert 'data-testid="deal-owner">李娜' in html
    assert "+86 138 0013 8000" in html
    # the board card, the table and the account's Deals card name the same people
    board = client.get(reverse("sales:deal_board")).content.decode()
    card = board[board.index('id="deal-card-') :]
    card = card[: card.index("</li>")]
    assert "张伟" in card and "李娜" in card and "刘洋" not in card
    table = client.get(reverse("sales:deal_list")).content.decode()
    row = table[table.index('data-testid="deal-row"') :]
    row = row[: row.index("</tr>")]
    assert "张伟" in row and "李娜" in row
    account_page = client.get(reverse("customers:account_detail", args=[account.pk])).content
    assert "李娜" in account_page.decode().split('data-testid="account-deals"')[1]
    # and so does the API
    key = create_token(actor=manager, name="t")[1]
    body = client.get(f"/api/v1/deals/{deal.pk}", headers={"Authorization": f"Bearer {key}"}).json()
    assert (body["owner"]["full_name"], body["primary_contact"]) == (
        "李娜",
        {"id": zhang.pk, "full_name": "张伟"},
    )
    assert json.dumps(body["owner"], ensure_ascii=False) == json.dumps(
        {"id": rep.pk, "full_name": "李娜"}, ensure_ascii=False
    )
    # five calls, still one owner: nobody else became the customer's contact person
    assert deal.activities.count() == 5
    deal.refresh_from_db()
    assert deal.owner == rep
