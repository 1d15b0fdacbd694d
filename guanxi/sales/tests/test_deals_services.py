"""Deal services: defaults, checks naming the field, stage moves and their history,
audit diffs, trash, activities on the deal and its customers, search."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guanxi.core.models import AuditEntry, TrashItem
from guanxi.core.search import search
from guanxi.core.services.custom_fields import create_custom_field
from guanxi.core.services.trash import restore_record
from guanxi.customers.models import Activity
from guanxi.customers.timeline import timeline_page
from guanxi.sales.models import Deal, DealStageChange, Pipeline
from guanxi.sales.services.deals import (
    create_deal,
    delete_deal,
    log_deal_activity,
    move_deal,
    update_deal,
)
from guanxi.sales.services.pipelines import create_pipeline
from guanxi.sales.timeline_sources_deals import deal_timeline_page
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    return team_trio("sales_rep")


def audit_of(deal):
    return list(
        AuditEntry.objects.filter(object_type="sales.deal", object_id=str(deal.pk))
        .order_by("pk")
        .values_list("event", "changes")
    )


def deal_state():
    return (
        sorted(Deal.all_objects.values_list("pk", "name", "stage_id", "probability", "closed_at")),
        DealStageChange.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_new_deal_takes_the_default_pipeline_first_open_stage_and_its_probability(trio):
    account = make_account(owner=trio.owner)
    deal = create_deal(actor=trio.owner, name="ERP 上线", account=account, amount="250000.5")
    assert deal.pipeline == Pipeline.objects.get(is_default=True)
    assert (deal.stage.code, deal.probability, deal.amount) == (
        "first_contact",
        10,
        Decimal("250000.50"),
    )
    assert (deal.owner, deal.team, deal.currency, deal.closed_at) == (
        trio.owner,
        trio.team,
        "CNY",
        None,
    )
    [change] = DealStageChange.objects.filter(deal=deal)
    assert (change.from_stage, change.to_stage, change.changed_by, change.seconds_in_previous) == (
        None,
        deal.stage,
        trio.owner,
        0,
    )
    [(event, changes)] = audit_of(deal)
    assert event == "create"
    assert changes["name"] == [None, "ERP 上线"]
    assert changes["amount"] == [None, "250000.50"]
    assert changes["stage"] == [None, deal.stage_id]


def test_an_account_the_actor_cannot_see_is_refused_naming_the_field(trio):
    hidden = make_account(owner=trio.outsider)
    before = deal_state()
    with pytest.raises(ValidationError) as error:
        create_deal(actor=trio.owner, name="X", account=hidden)
    assert error.value.message_dict == {"account": ["No such account."]}
    assert deal_state() == before


def test_the_contact_must_work_at_the_account(trio):
    account = make_account(owner=trio.owner)
    elsewhere = make_contact(owner=trio.owner)
    colleague = make_contact(owner=trio.owner, accounts=[{"account": account}])
    with pytest.raises(ValidationError) as error:
        create_deal(actor=trio.owner, name="X", account=account, contact=elsewhere)
    assert error.value.message_dict == {
        "contact": ["This person does not work at the deal's account."]
    }
    deal = create_deal(actor=trio.owner, name="X", account=account, contact=colleague)
    assert deal.contact == colleague


def test_bad_values_are_all_reported_at_once(trio):
    account = make_account(owner=trio.owner)
    with pytest.raises(ValidationError) as error:
        create_deal(
            actor=trio.owner,
            name="",
            account=account,
            amount="-1",
            currency="yuan",
            probability=120,
            expected_close="next week",
        )
    assert set(error.value.message_dict) == {
        "name",
        "amount",
        "currency",
        "probability",
        "expected_close",
    }
    assert Deal.objects.count() == 0


def test_a_rep_may_not_give_a_deal_to_a_teammate(trio):
    account = make_account(owner=trio.owner)
    with pytest.raises(ValidationError) as error:
        create_deal(actor=trio.owner, name="X", account=account, owner=trio.teammate)
    assert error.value.message_dict == {"owner": ["You may not give records to someone else."]}


def test_a_manager_gives_a_deal_to_a_teammate_and_the_team_follows():
    managers = team_trio("sales_manager")
    deal = make_deal(owner=managers.owner)
    update_deal(actor=managers.owner, deal=deal, owner=managers.teammate)
    deal.refresh_from_db()
    assert (deal.owner, deal.team) == (managers.teammate, managers.team)
    assert audit_of(deal)[-1] == ("change", {"owner": [managers.owner.pk, managers.teammate.pk]})


def test_update_records_a_field_level_diff_and_refuses_the_stage(trio):
    deal = make_deal(owner=trio.owner, next_step="Call")
    update_deal(
        actor=trio.owner,
        deal=deal,
        next_step="Send the quote",
        competitors="SAP, 用友",
        expected_close=date(2026, 3, 31),
        tags=["ERP"],
    )
    assert audit_of(deal)[-1] == (
        "change",
        {
            "competitors": ["", "SAP, 用友"],
            "expected_close": [None, "2026-03-31"],
            "next_step": ["Call", "Send the quote"],
            "tags": [[], ["ERP"]],
        },
    )
    before = deal_state()
    with pytest.raises(ValidationError) as error:
        update_deal(actor=trio.owner, deal=deal, stage=stage("won"))
    assert error.value.message_dict == {"stage": ["This field cannot be changed here."]}
    assert deal_state() == before


def test_custom_fields_are_checked_and_audited(trio):
    admin = make_user(role="administrator")
    create_custom_field(
        actor=admin, object_type="sales.deal", label="Budget approved", field_type="boolean"
    )
    deal = make_deal(owner=trio.owner, custom_fields={"budget_approved": True})
    assert deal.custom_fields == {"budget_approved": True}
    with pytest.raises(ValidationError) as error:
        update_deal(actor=trio.owner, deal=deal, custom_fields={"nope": 1})
    assert list(error.value.message_dict) == ["custom_fields.nope"]


def test_move_records_the_time_in_the_previous_stage_and_resets_the_probability(trio):
    deal = make_deal(owner=trio.owner)
    entered = timezone.now() - timedelta(days=3, hours=2)
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=entered)
    deal.refresh_from_db()
    move_deal(actor=trio.owner, deal=deal, stage=stage("proposal"))
    deal.refresh_from_db()
    assert (deal.stage.code, deal.probability, deal.closed_at) == ("proposal", 50, None)
    change = DealStageChange.objects.filter(deal=deal).last()
    assert (change.from_stage.code, change.to_stage.code, change.changed_by) == (
        "first_contact",
        "proposal",
        trio.owner,
    )
    assert 3 * 86400 + 2 * 3600 <= change.seconds_in_previous < 3 * 86400 + 2 * 3600 + 60
    assert deal.stage_entered_at == change.changed_at
    assert audit_of(deal)[-1] == (
        "change",
        {"probability": [10, 50], "stage": [stage("first_contact").pk, stage("proposal").pk]},
    )


def test_winning_closes_the_deal_and_reopening_clears_it(trio):
    deal = make_deal(owner=trio.owner)
    move_deal(actor=trio.owner, deal=deal, stage=stage("won"))
    deal.refresh_from_db()
    assert (deal.probability, deal.closed_at is not None) == (100, True)
    move_deal(actor=trio.owner, deal=deal, stage=stage("negotiation"))
    deal.refresh_from_db()
    assert (deal.probability, deal.closed_at) == (75, None)


def test_a_lost_stage_needs_a_reason_and_a_refused_move_changes_nothing(trio):
    deal = make_deal(owner=trio.owner)
    before = deal_state()
    with pytest.raises(ValidationError) as error:
        move_deal(actor=trio.owner, deal=deal, stage=stage("lost"))
    assert error.value.message_dict == {"lost_reason": ["Say why the deal was lost."]}
    assert deal_state() == before
    move_deal(actor=trio.owner, deal=deal, stage=stage("lost"), lost_reason="price", lost_note="贵")
    deal.refresh_from_db()
    assert (deal.lost_reason, deal.lost_note, deal.probability) == ("price", "贵", 0)
    assert deal.closed_at is not None


def test_a_stage_of_another_pipeline_is_refused(trio):
    other = create_pipeline(actor=make_user(role="administrator"), name="Renewals")
    deal = make_deal(owner=trio.owner)
    before = deal_state()
    with pytest.raises(ValidationError) as error:
        move_deal(actor=trio.owner, deal=deal, stage=other.stages.first())
    assert error.value.message_dict == {"stage": ["This stage belongs to another pipeline."]}
    assert deal_state() == before


def test_moving_to_the_same_stage_records_nothing(trio):
    deal = make_deal(owner=trio.owner)
    before = deal_state()
    move_deal(actor=trio.owner, deal=deal, stage=deal.stage)
    assert deal_state() == before


def test_a_deleted_deal_goes_to_the_trash_and_comes_back_with_its_history(trio):
    deal = make_deal(owner=trio.owner)
    move_deal(actor=trio.owner, deal=deal, stage=stage("proposal"))
    item = delete_deal(actor=trio.owner, deal=deal)
    assert Deal.objects.filter(pk=deal.pk).exists() is False
    assert TrashItem.objects.get(pk=item.pk).object_type == "sales.deal"
    restore_record(actor=trio.owner, item=item)
    assert Deal.objects.get(pk=deal.pk).stage.code == "proposal"
    assert DealStageChange.objects.filter(deal=deal).count() == 2


def test_an_activity_on_a_deal_is_also_on_its_account_and_contact(trio):
    account = make_account(owner=trio.owner)
    contact = make_contact(owner=trio.owner, accounts=[{"account": account}])
    deal = make_deal(owner=trio.owner, account=account, contact=contact)
    call = log_deal_activity(
        actor=trio.owner, deal=deal, kind="call", subject="答应月底前给报价", body="Price 9%"
    )
    assert list(deal.activities.all()) == [call]
    assert list(call.accounts.all()) == [account]
    assert list(call.contacts.all()) == [contact]
    account_titles = [e.title for e in timeline_page(trio.owner, account)[0]]
    assert account_titles[0] == "答应月底前给报价"
    deal_entries = deal_timeline_page(trio.owner, deal)[0]
    assert [(e.kind, e.title) for e in deal_entries] == [
        ("call", "答应月底前给报价"),
        ("deal_created", f"Deal “{deal.name}” opened at First contact"),
    ]
    assert audit_of(deal)[-1] == ("change", {"activities": [None, call.pk]})


def test_a_refused_activity_leaves_no_trace(trio):
    deal = make_deal(owner=trio.owner)
    before = (Activity.all_objects.count(), deal_state())
    with pytest.raises(ValidationError) as error:
        log_deal_activity(actor=trio.owner, deal=deal, kind="fax", subject="")
    assert set(error.value.message_dict) == {"kind", "subject"}
    assert (Activity.all_objects.count(), deal_state()) == before


def test_the_deal_page_timeline_pages_without_repeats(trio):
    deal = make_deal(owner=trio.owner)
    for i in range(4):
        log_deal_activity(actor=trio.owner, deal=deal, kind="note", subject=f"n{i}")
    move_deal(actor=trio.owner, deal=deal, stage=stage("proposal"))
    seen, cursor = [], None
    while True:
        page, cursor = deal_timeline_page(trio.owner, deal, cursor=cursor, limit=2)
        seen += [(e.source, e.id) for e in page]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6


def test_deals_are_found_by_the_search_box_only_by_who_may_see_them(trio):
    account = make_account(owner=trio.owner, name="北京华信科技有限公司")
    make_deal(owner=trio.owner, account=account, name="华信 ERP", competitors="Kingdee")
    assert [r["title"] for r in search(trio.owner, "kingdee")] == ["华信 ERP"]
    assert [r["title"] for r in search(trio.owner, "华信 ERP")] == ["华信 ERP"]
    assert search(trio.outsider, "kingdee") == []
