"""The board's cards: the first cards of each open stage by expected close (unset last)
then id, of the live deals the reader may see, read by one LIMITed query per stage (no
window over every deal) that the partial index ``deal_board_cards_idx`` serves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.sales import selectors_deals
from guanxi.sales.models import Deal
from guanxi.sales.selectors_deals import CARD_ORDER, board_of
from guanxi.testing.deals import default_pipeline, make_deal, stage
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def _expected(deals: list[Deal], count: int) -> list[int]:
    """The first ``count`` ids by (expected close, unset last; id)."""
    far = timezone.localdate() + timedelta(days=100_000)
    return [d.pk for d in sorted(deals, key=lambda d: (d.expected_close or far, d.pk))][:count]


@pytest.fixture
def few_cards(monkeypatch):
    monkeypatch.setattr(selectors_deals, "BOARD_CARDS_PER_COLUMN", 3)


def test_each_column_shows_its_first_live_visible_deals_by_expected_close_then_id(few_cards):
    rep = make_user(role="sales_rep")
    today = timezone.localdate()
    shown = [
        make_deal(owner=rep, expected_close=None if days is None else today + timedelta(days))
        for days in (None, 5, 1, 5, 3, None, 5)
    ]
    proposal = [
        make_deal(owner=rep, stage=stage("proposal"), expected_close=today + timedelta(days))
        for days in (9, 2)
    ]
    trashed = make_deal(owner=rep, expected_close=today - timedelta(days=30))
    Deal.all_objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())
    make_deal(expected_close=today - timedelta(days=30))  # someone else's: not visible

    board = board_of(rep, default_pipeline())

    first, needs, prop, _negotiation = board.columns
    assert [d.pk for d in first.cards] == _expected(shown, 3)
    assert (first.count, first.hidden) == (7, 4)
    assert needs.cards == [] and needs.count == 0
    assert [d.pk for d in prop.cards] == _expected(proposal, 3)
    assert all(d.account.name and d.owner_id == rep.pk for d in first.cards)


def test_the_owner_filter_and_a_team_scope_pick_each_deal_once(few_cards):
    manager = make_user(role="sales_manager")
    reps = [make_user(role="sales_rep") for _ in range(2)]
    team = make_team(members=[manager, *reps], managers=[manager])
    make_team(members=[manager, *reps])  # a second shared team
    today = timezone.localdate()
    deals = [
        make_deal(owner=reps[i % 2], team=team, expected_close=today + timedelta(days=i))
        for i in range(5)
    ]

    board = board_of(manager, default_pipeline())
    only_second = board_of(manager, default_pipeline(), owner_id=reps[1].pk)

    assert [d.pk for d in board.columns[0].cards] == [d.pk for d in deals[:3]]
    assert board.columns[0].count == 5
    assert [d.pk for d in only_second.columns[0].cards] == [deals[1].pk, deals[3].pk]
    assert only_second.columns[0].count == 2


def test_the_cards_are_one_query_of_limited_parts_without_a_window(few_cards):
    rep = make_user(role="sales_rep")
    for _ in range(5):
        make_deal(owner=rep)
    pipeline = default_pipeline()

    with CaptureQueriesContext(connection) as queries:
        board_of(rep, pipeline)

    assert len(queries) == 4  # stages, totals, cards, primary contacts
    cards = queries[2]["sql"]
    assert "ROW_NUMBER" not in cards.upper()
    assert cards.count("UNION ALL") == 3  # four open stages
    assert cards.upper().count("LIMIT 3") == 4


def test_a_columns_cards_are_read_from_the_partial_board_index():
    pipeline, first = default_pipeline(), stage("first_contact")
    rep = make_user(role="sales_rep")
    for _ in range(3):
        make_deal(owner=rep)
    top = Deal.objects.filter(pipeline=pipeline, stage=first).order_by(*CARD_ORDER)
    top = top.values("pk")[:50]

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a tiny table: make the planner show its hand
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
    plan = top.explain()

    assert "deal_board_cards_idx" in plan
