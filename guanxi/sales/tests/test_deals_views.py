"""Deal pages: the table view, the board and its move endpoint, the deal page, forms,
the account page's Deals card; constant query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.sales.models import Deal, DealStageChange
from guanxi.sales.services.deals import move_deal
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import team_trio

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    return team_trio("sales_rep")


@pytest.fixture
def rep_client(client, trio):
    client.force_login(trio.owner)
    return client


def moves():
    return (DealStageChange.objects.count(), sorted(Deal.objects.values_list("pk", "stage_id")))


def test_the_table_filters_by_status_stage_owner_and_close_date(rep_client, trio):
    early = make_deal(owner=trio.owner, name="Early", expected_close=date(2026, 1, 10))
    late = make_deal(owner=trio.owner, name="Late", expected_close=date(2026, 6, 1))
    won = make_deal(owner=trio.owner, name="Won one")
    move_deal(actor=trio.owner, deal=won, stage=stage("won"))
    make_deal(owner=trio.outsider, name="Not mine")
    url = reverse("sales:deal_list")

    def names(**params):
        response = rep_client.get(url, params)
        return [d.name for d in response.context["object_list"]]

    assert sorted(names()) == ["Early", "Late", "Won one"]
    assert names(status="won") == ["Won one"]
    assert sorted(names(status="open")) == ["Early", "Late"]
    assert names(close_from="2026-02-01") == ["Late"]
    assert names(close_to="2026-02-01") == ["Early"]
    assert names(stage=stage("won").pk) == ["Won one"]
    assert names(sort="expected_close", status="open") == ["Early", "Late"]
    assert names(q="late") == ["Late"]
    assert names(owner=trio.outsider.pk) == []
    assert early.pk and late.pk


def test_the_table_shows_the_primary_contact_and_owner(rep_client, trio):
    account = make_account(owner=trio.owner)
    make_contact(
        owner=trio.owner,
        family_name="王",
        given_name="芳",
        accounts=[{"account": account, "is_primary": True}],
    )
    make_deal(owner=trio.owner, account=account)
    html = rep_client.get(reverse("sales:deal_list")).content.decode()
    assert "王芳" in html
    assert str(trio.owner) in html


@pytest.mark.parametrize("url_name", ["sales:deal_list", "sales:deal_board"])
def test_pages_cost_the_same_queries_for_5_and_25_deals(rep_client, trio, url_name):
    for _i in range(5):
        account = make_account(owner=trio.owner)
        make_contact(owner=trio.owner, accounts=[{"account": account, "is_primary": True}])
        make_deal(owner=trio.owner, account=account, tags=["t"])
    rep_client.get(reverse(url_name))
    with CaptureQueriesContext(connection) as small:
        rep_client.get(reverse(url_name))
    for i in range(20):
        account = make_account(owner=trio.owner)
        make_contact(owner=trio.owner, accounts=[{"account": account, "is_primary": True}])
        deal = make_deal(owner=trio.owner, account=account, tags=["t"])
        if i % 3:
            move_deal(actor=trio.owner, deal=deal, stage=stage("proposal"))
    with CaptureQueriesContext(connection) as large:
        response = rep_client.get(reverse(url_name))
    assert len(large) == len(small)
    if url_name == "sales:deal_list":
        assert len(response.context["object_list"]) == 25


def test_the_board_has_open_columns_with_totals_and_won_lost_summaries(rep_client, trio):
    make_deal(owner=trio.owner, amount=1000)
    make_deal(owner=trio.owner, amount=2500, currency="USD")
    third = make_deal(owner=trio.owner, amount=400)
    move_deal(actor=trio.owner, deal=third, stage=stage("lost"), lost_reason="price")
    response = rep_client.get(reverse("sales:deal_board"))
    board = response.context["board"]
    assert [c.stage.code for c in board.columns] == [
        "first_contact",
        "needs_analysis",
        "proposal",
        "negotiation",
    ]
    first = board.columns[0]
    assert (first.count, [(c, str(a)) for c, a in first.sums]) == (
        2,
        [("CNY", "1000.00"), ("USD", "2500.00")],
    )
    assert (board.lost.count, board.won.count) == (1, 0)
    html = response.content.decode()
    assert html.count('data-testid="deal-card"') == 2
    assert 'draggable="true"' in html
    assert "0 days in stage" in html


def test_a_drop_posted_by_htmx_moves_the_card_and_returns_the_board(rep_client, trio):
    deal = make_deal(owner=trio.owner)
    response = rep_client.post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": stage("proposal").pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "sales/board_columns.html"
    deal.refresh_from_db()
    assert deal.stage.code == "proposal"
    proposal = next(c for c in response.context["board"].columns if c.stage.code == "proposal")
    assert [d.pk for d in proposal.cards] == [deal.pk]


def test_the_fallback_form_moves_and_goes_back_to_the_board(rep_client, trio):
    deal = make_deal(owner=trio.owner)
    board = f"{reverse('sales:deal_board')}?pipeline={deal.pipeline_id}"
    response = rep_client.post(
        reverse("sales:deal_move", args=[deal.pk]), {"stage": stage("won").pk, "next": board}
    )
    assert (response.status_code, response["Location"]) == (302, board)
    deal.refresh_from_db()
    assert deal.stage.code == "won"


def test_a_lost_move_without_a_reason_goes_to_the_deal_page(rep_client, trio):
    deal = make_deal(owner=trio.owner)
    before = moves()
    lost = stage("lost")
    response = rep_client.post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": lost.pk},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == f"/deals/{deal.pk}/?move_to={lost.pk}#move"
    assert moves() == before
    response = rep_client.post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": lost.pk, "lost_reason": "competitor", "lost_note": "Chose SAP"},
        headers={"HX-Request": "true"},
    )
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason, deal.lost_note) == (lost, "competitor", "Chose SAP")


def test_a_teammates_deal_cannot_be_moved_by_a_rep(rep_client, trio):
    deal = make_deal(owner=trio.teammate)
    before = moves()
    response = rep_client.post(
        reverse("sales:deal_move", args=[deal.pk]), {"stage": stage("won").pk}
    )
    assert response.status_code == 404
    assert moves() == before


def test_the_deal_page_shows_owner_primary_contact_progress_and_history(rep_client, trio):
    account = make_account(owner=trio.owner)
    make_contact(
        owner=trio.owner,
        family_name="张",
        given_name="伟",
        phones=[{"value": "13800138000"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    deal = make_deal(owner=trio.owner, account=account, next_step="Demo on Friday")
    move_deal(actor=trio.owner, deal=deal, stage=stage("proposal"))
    response = rep_client.get(deal.get_absolute_url())
    html = response.content.decode()
    assert response.context["primary"].full_name == "张伟"
    assert "+86 138 0013 8000" in html
    assert f'data-testid="deal-owner">{trio.owner}' in html
    assert [v.stage.code for v in response.context["visits"]] == ["first_contact", "proposal"]
    assert [v.is_current for v in response.context["visits"]] == [False, True]
    assert [r["done"] for r in response.context["stages"]][:3] == [True, True, False]
    assert "Demo on Friday" in html
    assert 'aria-current="step"' in html


def test_quick_add_logs_an_activity_on_the_deal_and_its_account(rep_client, trio):
    deal = make_deal(owner=trio.owner)
    response = rep_client.post(
        reverse("sales:deal_log_activity", args=[deal.pk]),
        {"kind": "meeting", "subject": "Demo", "at": "2026-01-05T10:00"},
    )
    assert response.status_code == 302
    [activity] = deal.activities.all()
    assert (activity.kind, activity.subject, list(activity.accounts.all())) == (
        "meeting",
        "Demo",
        [deal.account],
    )
    html = rep_client.get(deal.get_absolute_url()).content.decode()
    assert "Demo" in html


def test_the_create_form_makes_a_deal_and_errors_name_the_field(rep_client, trio):
    account = make_account(owner=trio.owner)
    response = rep_client.post(
        reverse("sales:deal_create"),
        {"name": "新项目", "account": account.pk, "amount": "1200", "currency": "usd"},
    )
    deal = Deal.objects.get()
    assert response["Location"] == deal.get_absolute_url()
    assert (deal.name, deal.currency, str(deal.amount), deal.stage.code) == (
        "新项目",
        "USD",
        "1200.00",
        "first_contact",
    )
    response = rep_client.post(
        reverse("sales:deal_create"),
        {"name": "x", "account": account.pk, "amount": "1", "currency": "元元元元"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "currency": ["Ensure this value has at most 3 characters (it has 4)."]
    }


def test_the_edit_form_changes_the_deal(rep_client, trio):
    deal = make_deal(owner=trio.owner)
    response = rep_client.post(
        reverse("sales:deal_edit", args=[deal.pk]),
        {
            "name": "Renamed",
            "account": deal.account_id,
            "amount": "99",
            "currency": "CNY",
            "probability": "33",
            "competitors": "用友",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.name, str(deal.amount), deal.probability, deal.competitors) == (
        "Renamed",
        "99.00",
        33,
        "用友",
    )


def test_delete_moves_the_deal_to_the_trash(rep_client, trio):
    deal = make_deal(owner=trio.owner)
    response = rep_client.post(reverse("sales:deal_delete", args=[deal.pk]))
    assert response["Location"] == reverse("sales:deal_list")
    assert Deal.all_objects.get(pk=deal.pk).deleted_at is not None


def test_the_account_page_lists_its_deals_open_first_with_a_new_deal_button(rep_client, trio):
    account = make_account(owner=trio.owner)
    won = make_deal(owner=trio.owner, account=account, name="Closed")
    move_deal(actor=trio.owner, deal=won, stage=stage("won"))
    make_deal(owner=trio.owner, account=account, name="Open")
    html = rep_client.get(reverse("customers:account_detail", args=[account.pk])).content.decode()
    assert html.index(">Open<") < html.index(">Closed<")
    assert f"/deals/new/?account={account.pk}" in html
    assert "Deal “Closed” won" in html  # the account timeline


def test_a_managers_board_counts_each_team_deal_once_however_many_teams_share_it():
    from guanxi.sales.selectors_deals import board_of
    from guanxi.testing.deals import default_pipeline
    from guanxi.testing.users import make_team, make_user

    manager = make_user(role="sales_manager")
    reps = [make_user(role="sales_rep") for _ in range(3)]
    team = make_team(members=[manager, *reps], managers=[manager])
    make_team(members=[manager, reps[0]])  # a second shared team must not double either
    for rep in reps:
        make_deal(owner=rep, amount=100, team=team)
    board = board_of(manager, default_pipeline())
    first = board.columns[0]
    assert first.count == 3
    assert [(c, str(a)) for c, a in first.sums] == [("CNY", "300.00")]
    assert sorted(d.owner_id for d in first.cards) == sorted(r.pk for r in reps)
