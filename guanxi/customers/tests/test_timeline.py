"""The timeline merges registered sources into one stream, page by page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from guanxi.customers.timeline import (
    Cursor,
    TimelineEntry,
    TimelineSource,
    before,
    register_source,
    sources,
    timeline_page,
    unregister_source,
)

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def fake_source(key: str, times: list[datetime], kind: str = "fake") -> TimelineSource:
    """A source holding in-memory entries that honours the cursor like a real one."""
    entries = [
        TimelineEntry(
            at=at, source=key, id=i + 1, kind=kind, kind_label=kind, title=f"{key}{i + 1}"
        )
        for i, at in enumerate(times)
    ]

    def fetch(user, subject, cursor, limit, kinds):
        if kinds and kind not in kinds:
            return []
        kept = [
            e
            for e in entries
            if cursor is None or e.sort_key < (cursor.at, cursor.source, cursor.id)
        ]
        return sorted(kept, key=lambda e: e.sort_key, reverse=True)[:limit]

    return TimelineSource(key=key, kinds=[(kind, kind)], fetch=fetch)


@pytest.fixture
def only_fakes():
    """Run with just the fake sources, and put the real registry back afterwards."""
    saved = sources()
    for source in saved:
        unregister_source(source.key)
    yield
    for source in sources():
        unregister_source(source.key)
    for source in saved:
        register_source(source)


def test_fake_sources_are_merged_newest_first_across_pages(only_fakes):
    # given two sources whose entries interleave in time, one timestamp shared by both
    register_source(
        fake_source("orders", [T0, T0 + timedelta(hours=2), T0 + timedelta(hours=4)], "order")
    )
    register_source(
        fake_source(
            "calls",
            [T0 + timedelta(hours=1), T0 + timedelta(hours=2), T0 + timedelta(hours=5)],
            "call",
        )
    )
    # when the timeline is read two entries at a time
    titles, cursor, pages = [], None, 0
    while True:
        page, cursor = timeline_page(None, None, cursor=cursor, limit=2)
        titles.extend(e.title for e in page)
        pages += 1
        if cursor is None:
            break
    # then every entry comes exactly once, newest first; equal times ordered by source
    assert titles == ["calls3", "orders3", "orders2", "calls2", "calls1", "orders1"]
    assert pages == 3


def test_filter_by_kind_asks_only_the_sources_that_produce_it(only_fakes):
    register_source(fake_source("orders", [T0, T0 + timedelta(hours=1)], "order"))
    register_source(fake_source("calls", [T0 + timedelta(minutes=30)], "call"))
    page, cursor = timeline_page(None, None, limit=10, kinds=["order"])
    assert [e.title for e in page] == ["orders2", "orders1"]
    assert cursor is None


def test_last_page_has_no_next_cursor(only_fakes):
    register_source(fake_source("calls", [T0, T0 + timedelta(hours=1)]))
    page, cursor = timeline_page(None, None, limit=2)
    assert [e.title for e in page] == ["calls2", "calls1"]
    assert cursor is None


def test_cursor_round_trips_and_rejects_garbage():
    cursor = Cursor(T0, "activity", 42)
    assert Cursor.decode(cursor.encode()) == cursor
    with pytest.raises(ValidationError) as error:
        Cursor.decode("not-a-cursor")
    assert "cursor" in error.value.message_dict


def test_before_filter_breaks_ties_by_source_then_id():
    cursor = Cursor(T0, "m", 5)
    assert before(cursor, "a") == Q(at__lte=T0)  # an earlier source keeps equal times
    assert before(cursor, "z") == Q(at__lt=T0)  # a later source drops them
    assert before(cursor, "m") == Q(at__lt=T0) | Q(at=T0, pk__lt=5)
    assert before(None, "a") == Q()
