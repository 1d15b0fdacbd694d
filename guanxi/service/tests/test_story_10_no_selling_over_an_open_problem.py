"""Story 10: "A customer still has an unresolved problem with a past purchase and is
being sold to again as if nothing happened."

The customer's complaint about what they bought is a ticket; the rep who wants to sell
to them again sees it beside the account on their account list, on the account page
and on the new deal, with a link to the ticket — and the warning goes once it is
solved."""

import pytest
from django.urls import reverse

from guanxi.service.services.tickets import change_status
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal
from guanxi.testing.service import make_ticket
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_the_rep_sees_the_open_problem_everywhere_they_would_sell(client):
    rep = make_user(role="sales_rep")
    agent = make_user(role="administrator")
    customer = make_account(name="苏州精工机械", owner=rep)
    quiet = make_account(name="杭州云帆", owner=rep)
    make_contact(owner=rep, accounts=[{"account": customer}], emails=[{"value": "li@jinggong.cn"}])
    # The customer writes in about the machine they bought last year.
    ticket = make_ticket(
        subject="去年买的切割机又坏了",
        body="第三次出同样的故障。",
        requester_email="li@jinggong.cn",
    )
    assert ticket.account == customer
    deal = make_deal(owner=rep, account=customer, name="新生产线")
    client.force_login(rep)

    # "My accounts": the account carries the mark, the quiet one does not.
    listing = client.get(reverse("customers:account_list"), {"owner": rep.pk}).content.decode()
    row_of = {
        name: listing.split(name, 1)[1].split("</tr>", 1)[0]
        for name in ("苏州精工机械", "杭州云帆")
    }
    assert "1 unresolved ticket" in row_of["苏州精工机械"]
    assert f"account={customer.pk}" in row_of["苏州精工机械"]
    assert "unresolved" not in row_of["杭州云帆"]

    # The account page and the deal page warn, naming the ticket.
    for url in (
        reverse("customers:account_detail", args=[customer.pk]),
        reverse("sales:deal_detail", args=[deal.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'data-testid="open-tickets-warning"' in page
        assert ticket.number in page and "去年买的切割机又坏了" in page
    assert quiet.pk != customer.pk

    # Once service has solved it, the warnings go.
    change_status(actor=agent, ticket=ticket, status="solved")
    listing = client.get(reverse("customers:account_list"), {"owner": rep.pk}).content.decode()
    assert "unresolved ticket" not in listing
    page = client.get(reverse("customers:account_detail", args=[customer.pk])).content.decode()
    assert 'data-testid="open-tickets-warning"' not in page


def test_the_mark_costs_one_query_whatever_the_number_of_accounts(
    client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rep = make_user(role="sales_rep")
    client.force_login(rep)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("customers:account_list"))
        return len(captured)

    for _ in range(2):
        account = make_account(owner=rep)
        make_ticket(account=account)
    few = queries()
    for _ in range(8):
        account = make_account(owner=rep)
        make_ticket(account=account)
    assert queries() == few
