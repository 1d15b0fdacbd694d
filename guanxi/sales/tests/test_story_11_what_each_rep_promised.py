"""Story 11: three reps talked to the same customer; the manager cannot tell what each
promised.

Each rep works a deal with the customer and logs what they said and promised on it.
The manager opens the customer: the account's timeline shows every promise and every
deal event with the name of the rep who made it, and each deal's page keeps its own."""

import pytest
from django.urls import reverse

from guanxi.customers.timeline import timeline_page
from guanxi.sales.services.deals import log_deal_activity, move_deal
from guanxi.sales.timeline_sources_deals import deal_timeline_page
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_the_manager_sees_what_each_rep_promised_on_the_customer_timeline(client):
    # given a manager whose three reps each work a deal with the same customer
    manager = make_user(role="sales_manager", full_name="王经理")
    reps = [make_user(role="sales_rep", full_name=name) for name in ("李娜", "赵强", "陈静")]
    make_team(members=[manager, *reps], managers=[manager])
    account = make_account(owner=manager, name="上海明达制造有限公司")
    contact = make_contact(owner=manager, accounts=[{"account": account, "is_primary": True}])
    deals = [
        make_deal(
            actor=manager,
            owner=rep,
            account=account,
            contact=contact,
            name=f"{rep.full_name}的项目",
        )
        for rep in reps
    ]

    # when each rep logs what they promised, and two of them move their deals on
    promises = ["答应打九折", "承诺两周内交货", "免费培训三天"]
    for rep, deal, promise in zip(reps, deals, promises, strict=True):
        log_deal_activity(actor=rep, deal=deal, kind="call", subject=promise, body="客户同意")
    move_deal(actor=reps[1], deal=deals[1], stage=stage("proposal"))
    move_deal(actor=reps[2], deal=deals[2], stage=stage("won"))

    # then the account's timeline names who promised what
    entries, _next = timeline_page(manager, account, limit=50)
    said = {(e.title, e.actor) for e in entries if e.source == "activity"}
    assert said == {("答应打九折", "李娜"), ("承诺两周内交货", "赵强"), ("免费培训三天", "陈静")}
    events = [(e.kind, e.title, e.actor) for e in entries if e.source == "deal"]
    assert ("deal_stage", "Deal “赵强的项目” moved to Proposal", "赵强") in events
    assert ("deal_won", "Deal “陈静的项目” won", "陈静") in events
    assert sorted(k for k, _t, _a in events if k == "deal_created") == ["deal_created"] * 3
    # and the page shows it to the manager, with each deal's owner on the Deals card
    client.force_login(manager)
    html = client.get(reverse("customers:account_detail", args=[account.pk])).content.decode()
    for promise, rep in zip(promises, reps, strict=True):
        assert promise in html
        assert rep.full_name in html
    # each deal keeps its own timeline: only its own promise
    own = [e.title for e in deal_timeline_page(manager, deals[0])[0]]
    assert own == ["答应打九折", "Deal “李娜的项目” opened at First contact"]
    # a rep sees their own deal's promise but not their colleagues' deals
    rep_view = [e.title for e in deal_timeline_page(reps[0], deals[1])[0] if e.source == "deal"]
    assert rep_view == []
