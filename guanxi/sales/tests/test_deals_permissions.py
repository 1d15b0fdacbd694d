"""Who sees and changes which deals: own, teammate and outsider for reps and managers;
a refused call changes nothing."""

import pytest
from django.urls import reverse

from guanxi.core.models import AuditEntry
from guanxi.sales.models import Deal, DealStageChange
from guanxi.sales.selectors_deals import deals_visible_to
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import team_trio

pytestmark = pytest.mark.django_db


def state():
    return (
        sorted(Deal.all_objects.values_list("pk", "name", "stage_id", "deleted_at")),
        DealStageChange.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("sales_rep", {"own": True, "teammate": False, "outsider": False}),
        ("sales_manager", {"own": True, "teammate": True, "outsider": False}),
    ],
)
def test_who_sees_which_deal(role, expected):
    trio = team_trio(role)
    deals = {
        "own": make_deal(owner=trio.owner),
        "teammate": make_deal(owner=trio.teammate),
        "outsider": make_deal(owner=trio.outsider),
    }
    visible = set(deals_visible_to(trio.owner).values_list("pk", flat=True))
    assert {name: deal.pk in visible for name, deal in deals.items()} == expected


@pytest.mark.parametrize(
    ("role", "whose", "allowed"),
    [
        ("sales_rep", "owner", True),
        ("sales_rep", "teammate", False),
        ("sales_rep", "outsider", False),
        ("sales_manager", "owner", True),
        ("sales_manager", "teammate", True),
        ("sales_manager", "outsider", False),
    ],
)
def test_moving_editing_and_deleting_follow_the_scope(client, role, whose, allowed):
    trio = team_trio(role)
    deal = make_deal(owner=getattr(trio, whose))
    client.force_login(trio.owner)
    calls = [
        ("post", reverse("sales:deal_move", args=[deal.pk]), {"stage": stage("proposal").pk}),
        (
            "post",
            reverse("sales:deal_edit", args=[deal.pk]),
            {"name": "Changed", "account": deal.account_id, "amount": "1", "currency": "CNY"},
        ),
        ("get", reverse("sales:deal_detail", args=[deal.pk]), {}),
    ]
    for method, url, data in calls:
        before = state()
        response = getattr(client, method)(url, data)
        if allowed:
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert response.status_code == 404, url
            assert state() == before
    response = client.post(reverse("sales:deal_delete", args=[deal.pk]))
    assert Deal.objects.filter(pk=deal.pk).exists() is not allowed
    assert response.status_code == (302 if allowed else 404)


def test_an_analyst_reads_every_deal_but_changes_none(client):
    trio = team_trio("sales_rep")
    deal = make_deal(owner=trio.owner)
    analyst = team_trio("analyst").owner
    client.force_login(analyst)
    assert client.get(deal.get_absolute_url()).status_code == 200
    html = client.get(reverse("sales:deal_board")).content.decode()
    assert deal.name in html
    assert 'draggable="true"' not in html
    before = state()
    response = client.post(reverse("sales:deal_move", args=[deal.pk]), {"stage": stage("won").pk})
    assert response.status_code == 403
    assert state() == before


def test_a_manager_may_give_a_teammates_deal_to_another_teammate_but_a_rep_may_not(client):
    managers = team_trio("sales_manager")
    deal = make_deal(owner=managers.teammate)
    client.force_login(managers.owner)
    data = {
        "name": deal.name,
        "account": deal.account_id,
        "amount": "1",
        "currency": "CNY",
        "owner": managers.owner.pk,
    }
    assert client.post(reverse("sales:deal_edit", args=[deal.pk]), data).status_code == 302
    deal.refresh_from_db()
    assert deal.owner == managers.owner
    reps = team_trio("sales_rep")
    mine = make_deal(owner=reps.owner)
    client.force_login(reps.owner)
    data = {
        "name": "x",
        "account": mine.account_id,
        "amount": "1",
        "currency": "CNY",
        "owner": reps.teammate.pk,
    }
    client.post(reverse("sales:deal_edit", args=[mine.pk]), data)
    mine.refresh_from_db()
    assert mine.owner == reps.owner  # reps get no owner field; it is ignored
