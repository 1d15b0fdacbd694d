"""Demo leads and deals: deterministic, with a consistent stage history."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from guanxi.sales.demo import load_sales, reset_sales
from guanxi.sales.models import Deal, DealStageChange, Lead, LeadScoreModel, Order
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    rep = make_user(role="sales_rep")
    return [make_account(owner=rep, name=f"公司 {i}") for i in range(30)]


def test_deals_walk_the_pipeline_and_closed_ones_are_closed(accounts):
    counts = load_sales(deals=20, leads=100, buyers=0, seed=7)
    assert (counts["deals"], counts["leads"]) == (20, 100)
    assert counts["orders"] == Deal.objects.filter(stage__kind="won").count()
    for deal in Deal.objects.select_related("stage"):
        history = list(DealStageChange.objects.filter(deal=deal).order_by("changed_at", "pk"))
        assert history[0].from_stage is None
        assert history[-1].to_stage == deal.stage
        assert (deal.closed_at is not None) == (deal.stage.kind != "open")
        assert deal.owner == deal.account.owner


def test_same_seed_same_data(accounts):
    load_sales(deals=10, leads=20, buyers=5, seed=3)
    first = sorted(Deal.objects.values_list("name", "amount"))
    orders = sorted(Order.objects.values_list("number", "account__name", "total"))
    reset_sales()
    load_sales(deals=10, leads=20, buyers=5, seed=3)
    assert sorted(Deal.objects.values_list("name", "amount")) == first
    assert sorted(Order.objects.values_list("number", "account__name", "total")) == orders


def test_the_lead_model_learns_from_the_demo_history(accounts):
    load_sales(deals=5, leads=200, buyers=0, seed=11)
    model = LeadScoreModel.objects.get()
    assert model.auc >= 0.7
    assert (
        Lead.objects.exclude(status__in=["converted", "disqualified"])
        .filter(predicted_score__isnull=True)
        .count()
        == 0
    )


def test_command_loads_once(accounts, capsys):
    call_command("seed_demo_sales", "--if-empty", "--deals", "5", "--leads", "10", "--buyers", "0")
    call_command("seed_demo_sales", "--if-empty")
    out = capsys.readouterr().out
    assert "Demo sales data loaded: 5 deals, 10 leads, " in out
    assert "no demo sales data loaded" in out
    assert Deal.objects.count() == 5


def test_reset_deletes_the_sales_data_so_the_customers_can_be_reset(accounts, capsys):
    from django.core.management.base import CommandError

    load_sales(deals=5, leads=5, buyers=3, seed=1)
    with pytest.raises(CommandError, match="seed_demo_sales --reset"):
        call_command(
            "seed_demo", "--reset", "--accounts", "1", "--contacts", "1", "--activities", "1"
        )
    call_command("seed_demo_sales", "--reset")
    assert (Deal.all_objects.count(), Lead.all_objects.count(), Order.objects.count()) == (0, 0, 0)
    call_command("seed_demo", "--reset", "--accounts", "2", "--contacts", "2", "--activities", "2")
    assert "Deleted the previous accounts" in capsys.readouterr().out
