"""Story 13: "A deal closes in half an hour; the rep who ran it just resigned; the
manager knows nothing of its history." Guanxi makes that impossible: the leaver is
deactivated, everything they ran moves to a colleague in one action, and the colleague
finds the whole history — what was said and promised, by whom — on the deal's account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.core.services.users import deactivate_user
from guanxi.customers.models import Activity
from guanxi.customers.selectors import agenda_of
from guanxi.customers.services.activities import log_activity
from guanxi.customers.timeline import timeline_page
from guanxi.sales.models import Deal, Pipeline
from guanxi.sales.services.handover import hand_over
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_the_manager_takes_over_a_closing_deal_with_its_whole_history():
    # given a rep who ran a deal that closes today, with calls and a promise on record
    manager = make_user(role="sales_manager", full_name="王经理")
    rep = make_user(role="sales_rep", full_name="李伟")
    make_team(members=[manager, rep], managers=[manager])
    account = make_account(owner=rep, name="华信科技有限公司")
    buyer = make_contact(
        owner=rep,
        family_name="张",
        given_name="伟",
        accounts=[{"account": account, "is_primary": True}],
    )
    pipeline = Pipeline.objects.get(is_default=True)
    negotiation = pipeline.stages.get(code="negotiation")
    deal = Deal.objects.create(
        name="华信 200 台",
        account=account,
        contact=buyer,
        pipeline=pipeline,
        stage=negotiation,
        owner=rep,
        amount=480000,
        expected_close=timezone.localdate(),
    )
    log_activity(
        actor=rep,
        kind="call",
        subject="答应 9 折并免费安装",
        accounts=[account],
        contacts=[buyer],
        at=timezone.now() - timedelta(days=3),
    )
    log_activity(
        actor=rep,
        kind="task",
        subject="今天下午签合同",
        accounts=[account],
        at=timezone.localtime().replace(hour=15, minute=0),  # this afternoon
    )

    # when the rep resigns and the manager takes everything over in one action
    deactivate_user(actor=make_user(role="administrator"), user=rep)
    hand_over(actor=manager, leaver=rep, receivers=[manager], reason="李伟离职")

    # then the deal, the customer and the open task are the manager's
    deal.refresh_from_db()
    assert deal.owner == manager
    assert account.__class__.objects.get(pk=account.pk).owner == manager
    agenda = agenda_of(manager, timezone.localdate(), timezone.get_current_timezone())
    assert [t.subject for t in agenda["today"]] == ["今天下午签合同"]
    # and the account's timeline still tells what was promised, by whom, and who took over
    entries, _cursor = timeline_page(manager, account, limit=10)
    lines = [(e.title, e.actor) for e in entries]
    assert ("答应 9 折并免费安装", "李伟") in lines
    assert ("王经理 took over from 李伟", "王经理") in lines
    # and the manager was told what they got
    assert Notification.objects.filter(recipient=manager, kind="sales.handover").count() == 1
    assert Activity.objects.filter(kind="call", accounts=account).get().owner == rep
