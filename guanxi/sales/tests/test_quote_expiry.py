"""Quotes past their validity expire by themselves, once, and their owner is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from guanxi.core.models import AuditEntry, Notification
from guanxi.sales.models import Quote
from guanxi.sales.services.quotes import expire_quotes
from guanxi.sales.tasks import expire_old_quotes
from guanxi.testing.quotes import make_quote, today
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_drafts_past_their_validity_expire_once_and_the_owner_is_told():
    rep = make_user(role="sales_rep")
    old = make_quote(owner=rep, valid_until=today() + timedelta(days=3))
    fresh = make_quote(owner=rep, valid_until=today() + timedelta(days=30))
    assert expire_quotes(today=today() + timedelta(days=4)) == 1
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("expired", "draft")
    entry = AuditEntry.objects.get(object_type="sales.quote", object_id=str(old.pk), event="change")
    assert entry.actor is None and entry.changes == {"status": ["draft", "expired"]}
    notice = Notification.objects.get(recipient=rep, kind="quote.expired")
    assert notice.title == f"Quote {old.number} has expired"
    assert expire_quotes(today=today() + timedelta(days=4)) == 0  # idempotent


def test_accepted_quotes_never_expire():
    quote = make_quote(valid_until=today() + timedelta(days=1))
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    assert expire_quotes(today=today() + timedelta(days=10)) == 0


def test_the_daily_task_expires_quotes():
    quote = make_quote(valid_until=today() + timedelta(days=1))
    Quote.objects.filter(pk=quote.pk).update(valid_until=today() - timedelta(days=1))
    assert expire_old_quotes.call() == 1
