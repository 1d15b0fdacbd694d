"""Service contracts on the customers' timelines: "started" on the first day, "ends" or
"ended" on the last, for readers who may see contracts, in a constant number of
queries, paging without repeats or gaps."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.customers.timeline import Cursor, timeline_page
from guanxi.service.models import ServiceContract
from guanxi.service.services.contracts import update_contract
from guanxi.service.timeline_contracts import (
    END_SOURCE,
    START_SOURCE,
    before_day,
    day_start,
    end_entries,
    start_entries,
)
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.routing import make_contract
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
KINDS = ["contract_start", "contract_end"]


@pytest.fixture
def world():
    admin = make_user(role="administrator", full_name="Admin Wang")
    account = make_account(owner=admin, name="华信科技")
    today = timezone.localdate()
    ended = make_contract(
        actor=admin,
        account=account,
        name="Silver",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=40),
    )
    current = make_contract(
        actor=admin,
        account=account,
        name="Gold",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=335),
        response_hours=8,
    )
    return type("World", (), locals())


def _lines(entries):
    return [(e.kind, e.title, e.at) for e in entries]


def test_the_timeline_shows_when_contracts_start_and_end(world):
    today = world.today
    entries, cursor = timeline_page(make_user(role="service_agent"), world.account, kinds=KINDS)
    gold, silver = world.current.number, world.ended.number
    assert cursor is None
    assert _lines(entries) == [
        ("contract_end", f"Contract {gold} (Gold) ends", day_start(today + timedelta(days=335))),
        ("contract_start", f"Contract {gold} (Gold) started", day_start(today - timedelta(30))),
        ("contract_end", f"Contract {silver} (Silver) ended", day_start(today - timedelta(40))),
        (
            "contract_start",
            f"Contract {silver} (Silver) started",
            day_start(today - timedelta(days=400)),
        ),
    ]
    start = entries[1]
    assert start.at == timezone.make_aware(
        datetime.combine(today - timedelta(days=30), time.min), timezone.get_default_timezone()
    )
    assert start.kind_label == "Service contract started"
    assert entries[0].kind_label == "Service contract ended"
    assert start.body == (
        f"{today - timedelta(days=30):%Y-%m-%d} to {today + timedelta(days=335):%Y-%m-%d}"
        " · response within 8 h"
    )
    assert start.actor == "Admin Wang"
    assert entries[0].actor == ""
    assert start.url == world.current.get_absolute_url()
    assert start.details == {
        "contract_id": world.current.pk,
        "starts_on": (today - timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=335)).isoformat(),
    }


def test_a_contract_starting_later_starts_and_one_ending_today_still_ends(world):
    today = world.today
    soon = make_contract(
        account=world.account,
        name="Next",
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=50),
    )
    last_day = make_contract(
        account=world.account, name="Last", starts_on=today - timedelta(days=5), ends_on=today
    )
    reader = make_user(role="sales_rep")
    starts = {e.id: e.title for e in start_entries(reader, world.account, None, 10, None)}
    ends = {e.id: e.title for e in end_entries(reader, world.account, None, 10, None)}
    assert starts[soon.pk] == f"Contract {soon.number} (Next) starts"
    assert ends[last_day.pk] == f"Contract {last_day.number} (Last) ends"


def test_a_consumer_contract_is_on_the_contacts_timeline_only():
    contact = make_contact(family_name="周", given_name="敏")
    contract = make_contract(contact=contact, name="Home care")
    reader = make_user(role="service_agent")
    entries, _cursor = timeline_page(reader, contact, kinds=KINDS)
    assert [(e.source, e.id) for e in entries] == [
        (END_SOURCE, contract.pk),
        (START_SOURCE, contract.pk),
    ]
    assert start_entries(reader, make_account(), None, 10, None) == []
    assert start_entries(reader, reader, None, 10, None) == []  # not a customer


def test_a_contract_moved_to_another_account_leaves_the_old_timeline(world):
    other = make_account(owner=world.admin, name="Other Co")
    update_contract(actor=world.admin, contract=world.current, account=other)
    reader = make_user(role="service_agent")
    assert {e.id for e in end_entries(reader, world.account, None, 10, None)} == {world.ended.pk}
    assert {e.id for e in end_entries(reader, other, None, 10, None)} == {world.current.pk}


def test_readers_who_may_not_see_contracts_get_nothing_and_no_query(world):
    nobody = make_user()
    with CaptureQueriesContext(connection) as queries:
        assert start_entries(nobody, world.account, None, 10, None) == []
        assert end_entries(nobody, world.account, None, 10, None) == []
    assert [q for q in queries.captured_queries if "servicecontract" in q["sql"]] == []


@pytest.mark.parametrize("extra", [0, 6])
def test_a_page_costs_one_query_per_source_however_many_contracts(world, extra):
    for index in range(extra):
        make_contract(
            account=world.account,
            starts_on=world.today - timedelta(days=index),
            ends_on=world.today + timedelta(days=index),
        )
    reader = make_user(role="service_agent")
    timeline_page(reader, world.account, kinds=KINDS)  # the reader's grants, once
    with CaptureQueriesContext(connection) as queries:
        entries, _cursor = timeline_page(reader, world.account, kinds=KINDS, limit=5)
    assert len(entries) == min(5, 4 + 2 * extra)
    assert len(queries) == 2


def test_paging_one_entry_at_a_time_gives_every_entry_once_even_on_shared_days(world):
    today = world.today
    for name in ("A", "B"):  # the same days as "Gold"
        make_contract(
            account=world.account,
            name=name,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=335),
        )
    reader = make_user(role="service_agent")
    everything, _cursor = timeline_page(reader, world.account, kinds=KINDS, limit=50)
    assert len(everything) == 2 * ServiceContract.objects.count() == 8
    paged, cursor = [], None
    while True:
        page, cursor = timeline_page(reader, world.account, kinds=KINDS, limit=1, cursor=cursor)
        paged += page
        if cursor is None:
            break
    assert [e.sort_key for e in paged] == [e.sort_key for e in everything]


def test_a_cursor_later_in_a_day_lets_that_days_contracts_through(world):
    # given a cursor left by another source (an activity at noon of Gold's first day)
    first_day = world.today - timedelta(days=30)
    noon = day_start(first_day) + timedelta(hours=12)
    reader = make_user(role="service_agent")
    later = Cursor(noon, "activity", 99)
    assert [e.id for e in start_entries(reader, world.account, later, 10, None)] == [
        world.current.pk,
        world.ended.pk,
    ]
    # at midnight itself the tie is broken by the source: "activity" < "contract_start"
    midnight = Cursor(day_start(first_day), "activity", 99)
    assert [e.id for e in start_entries(reader, world.account, midnight, 10, None)] == [
        world.ended.pk
    ]
    assert before_day(None, START_SOURCE, "starts_on").children == []
