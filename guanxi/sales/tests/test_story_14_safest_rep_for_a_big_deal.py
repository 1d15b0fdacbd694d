"""Story 14: "A big deal is coming: which rep is the safest to send?"

A manager opens the new deal and sees the team's reps ranked by their win rate on
similar deals (same size band, industry and region), shrunk towards the team's overall
rate, with the number of deals each figure rests on and each rep's open load. A rep
who won 2 of 2 similar deals does not outrank one who won 18 of 20.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.testing.customers import make_account
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.forecast import closed_deal
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def _history(rep, wins, closed):
    for i in range(closed):
        account = make_account(owner=rep, industry="manufacturing", province="44")
        closed_deal(owner=rep, won=i < wins, account=account, amount=400000)


def test_the_manager_sends_the_rep_with_the_long_record_not_the_lucky_streak(client, api_as):
    # given a team: 小王 won 2 of 2 similar deals, 老李 18 of 20, 小张 0 of 8
    manager = make_user(role="sales_manager", full_name="王经理")
    lucky = make_user(role="sales_rep", full_name="小王")
    steady = make_user(role="sales_rep", full_name="老李")
    weak = make_user(role="sales_rep", full_name="小张")
    outsider = make_user(role="sales_rep", full_name="外人")
    make_team(members=[manager, lucky, steady, weak], managers=[manager])
    make_team(members=[outsider])
    _history(lucky, 2, 2)
    _history(steady, 18, 20)
    _history(weak, 0, 8)
    make_deal(owner=steady, stage=stage("proposal"), amount=1000)  # 老李's open load
    # and a big manufacturing deal in Guangdong (44) just came in, owned by the manager
    account = make_account(owner=manager, industry="manufacturing", province="44")
    big = make_deal(owner=manager, account=account, amount=500000, name="广州 500 台")

    # when the manager asks who should take it
    response = api_as(manager)("GET", f"/api/v1/deals/{big.pk}/suggested-owners")

    # then: overall 20 wins of 30 → p = 2/3, prior 10 deals → α = 20/3, β = 10/3;
    # 老李 (18 + 6.67) / 30 = 0.822, 小王 (2 + 6.67) / 12 = 0.722, the manager and 小张
    # follow; the outsider is not among them
    assert response.status_code == 200
    body = response.json()
    assert body["criteria"] == ["size", "industry", "region"]
    assert body["similar"] == 30
    assert body["overall_rate"] == pytest.approx(2 / 3)
    assert (body["alpha"], body["beta"]) == (pytest.approx(20 / 3), pytest.approx(10 / 3))
    rows = [
        (o["user"]["full_name"], round(o["score"], 4), o["wins"], o["closed"], o["open_deals"])
        for o in body["owners"]
    ]
    assert rows == [
        ("老李", 0.8222, 18, 20, 1),
        ("小王", 0.7222, 2, 2, 0),
        ("王经理", 0.6667, 0, 0, 1),
        ("小张", 0.3704, 0, 8, 0),
    ]

    # and the deal page shows the same ranking in a card
    client.force_login(manager)
    page = client.get(reverse("sales:deal_detail", args=[big.pk])).content.decode()
    card = page.split('data-testid="suggested-owners"', 1)[1].split("</section>", 1)[0]
    assert card.index("老李") < card.index("小王") < card.index("小张")
    assert "82.2%" in card and "18 / 20" in card and "2 / 2" in card
    assert "外人" not in card


def test_a_rep_does_not_get_the_card_and_sees_only_their_own_record(client, api_as):
    rep = make_user(role="sales_rep", full_name="Solo")
    other = make_user(role="sales_rep", full_name="Someone else")
    _history(other, 3, 3)
    deal = make_deal(owner=rep, amount=500000)
    client.force_login(rep)

    page = client.get(reverse("sales:deal_detail", args=[deal.pk])).content.decode()
    body = api_as(rep)("GET", f"/api/v1/deals/{deal.pk}/suggested-owners").json()

    assert 'data-testid="suggested-owners"' not in page
    assert [(o["user"]["full_name"], o["closed"]) for o in body["owners"]] == [("Solo", 0)]
    assert body["similar"] == 0
