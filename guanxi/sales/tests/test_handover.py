"""Handover: a leaver's customers, leads, open deals and tasks move, history intact."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import AuditEntry, Notification
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Activity
from guanxi.customers.services.activities import log_activity
from guanxi.sales.models import Deal, Lead, Pipeline
from guanxi.sales.services.handover import hand_over
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_team, make_user, team_trio

pytestmark = pytest.mark.django_db


def open_deal(account, owner, name="Deal"):
    pipeline = Pipeline.objects.get(is_default=True)
    stage = pipeline.stages.filter(kind="open").order_by("position").first()
    return Deal.objects.create(
        name=name, account=account, pipeline=pipeline, stage=stage, owner=owner
    )


def won_deal(account, owner):
    pipeline = Pipeline.objects.get(is_default=True)
    return Deal.objects.create(
        name="Won",
        account=account,
        pipeline=pipeline,
        stage=pipeline.stages.get(kind="won"),
        owner=owner,
    )


def lead(owner, status="new"):
    return Lead.objects.create(family_name="王", given_name="五", owner=owner, status=status)


@pytest.fixture
def admin():
    return make_user(role="administrator")


def test_an_accounts_contacts_deals_and_tasks_go_to_the_same_colleague(admin):
    leaver, anna, bo = (make_user(role="sales_rep") for _ in range(3))
    first, second = make_account(owner=leaver, name="甲"), make_account(owner=leaver, name="乙")
    contact = make_contact(owner=leaver, accounts=[{"account": second}])
    deal = open_deal(second, leaver)
    task = log_activity(actor=leaver, kind="task", subject="Send the contract", accounts=[second])
    result = hand_over(actor=admin, leaver=leaver, receivers=[anna, bo], reason="Resigned")
    first.refresh_from_db(), second.refresh_from_db(), contact.refresh_from_db()
    deal.refresh_from_db(), task.refresh_from_db()
    assert (first.owner, second.owner) == (anna, bo)  # shared out in turn
    assert contact.owner == bo and deal.owner == bo  # they follow their account
    assert (task.assignee, task.owner) == (bo, bo)
    assert dict(result.moved[anna.pk]) == {"accounts": 1}
    assert dict(result.moved[bo.pk]) == {"accounts": 1, "contacts": 1, "deals": 1, "tasks": 1}


def test_closed_deals_and_finished_leads_stay_with_the_leaver(admin):
    leaver, anna = make_user(role="sales_rep"), make_user(role="sales_rep")
    account = make_account(owner=make_user(role="sales_rep"))
    won = won_deal(account, leaver)
    converted = lead(leaver, status="converted")
    fresh = lead(leaver)
    hand_over(actor=admin, leaver=leaver, receivers=[anna])
    won.refresh_from_db(), converted.refresh_from_db(), fresh.refresh_from_db()
    assert won.owner == leaver  # the record of who won it stays true
    assert converted.owner == leaver
    assert fresh.owner == anna


def test_every_change_is_audited_and_the_timeline_says_who_took_over(admin):
    leaver = make_user(role="sales_rep", full_name="李伟")
    anna = make_user(role="sales_rep", full_name="王芳")
    make_team(members=[anna])
    account = make_account(owner=leaver, name="华信")
    hand_over(actor=admin, leaver=leaver, receivers=[anna], reason="Resigned")
    entry = AuditEntry.objects.get(
        object_type="customers.account", object_id=str(account.pk), event="change"
    )
    assert entry.changes["owner"] == [leaver.pk, anna.pk]
    assert entry.changes["handover"] == [None, "Resigned"]
    note = Activity.objects.get(kind="note", accounts=account)
    assert (note.subject, note.body, note.owner) == ("王芳 took over from 李伟", "Resigned", anna)
    summary = AuditEntry.objects.get(object_type="core.user", object_id=str(leaver.pk))
    assert summary.changes["handover"] == [None, f"{anna.email}: 1 accounts"]


def test_receivers_are_told_what_they_got(admin):
    leaver, anna = make_user(role="sales_rep", full_name="李伟"), make_user(role="sales_rep")
    make_account(owner=leaver)
    lead(leaver)
    hand_over(actor=admin, leaver=leaver, receivers=[anna])
    notice = Notification.objects.get(recipient=anna, kind="sales.handover")
    assert notice.title == "You took over from 李伟"
    assert notice.body == "1 accounts, 1 leads"


@pytest.mark.parametrize(
    ("receivers", "field"),
    [("none", "receivers"), ("self", "receivers"), ("inactive", "receivers")],
)
def test_bad_receivers_are_refused_and_nothing_moves(admin, receivers, field):
    leaver = make_user(role="sales_rep")
    account = make_account(owner=leaver)
    chosen = {
        "none": [],
        "self": [leaver],
        "inactive": [make_user(role="sales_rep", is_active=False)],
    }[receivers]
    with pytest.raises(ValidationError) as error:
        hand_over(actor=admin, leaver=leaver, receivers=chosen)
    assert field in error.value.message_dict
    account.refresh_from_db()
    assert account.owner == leaver


def test_a_manager_hands_over_only_within_their_teams():
    trio = team_trio("sales_manager")  # owner and teammate share a team; outsider does not
    make_account(owner=trio.teammate)
    with pytest.raises(ValidationError) as error:
        hand_over(actor=trio.owner, leaver=trio.teammate, receivers=[trio.outsider])
    assert "receivers" in error.value.message_dict
    third = make_user(role="sales_rep")
    make_team(members=[trio.owner, third])
    result = hand_over(actor=trio.owner, leaver=trio.teammate, receivers=[third])
    assert dict(result.moved[third.pk]) == {"accounts": 1}


def test_a_rep_cannot_hand_over(client):
    rep, leaver, other = (make_user(role="sales_rep") for _ in range(3))
    account = make_account(owner=leaver)
    client.force_login(rep)
    response = client.post(reverse("sales:handover", args=[leaver.pk]), {"receivers": [other.pk]})
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.owner == leaver


def test_page_shows_what_moves_and_hands_it_over(client, admin):
    leaver, anna = make_user(role="sales_rep"), make_user(role="sales_rep")
    make_account(owner=leaver)
    make_contact(owner=leaver)
    client.force_login(admin)
    url = reverse("sales:handover", args=[leaver.pk])
    page = client.get(url).content.decode()
    assert "<dt>Accounts</dt><dd>1</dd>" in page and "<dt>Contacts</dt><dd>1</dd>" in page
    response = client.post(url, {"receivers": [anna.pk], "reason": "left"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:user_detail", args=[leaver.pk])
    assert client.get(url).content.decode().count("<dd>0</dd>") == 5


def test_user_page_links_to_the_handover(client, admin):
    leaver = make_user(role="sales_rep")
    make_account(owner=leaver)
    client.force_login(admin)
    page = client.get(reverse("core:user_detail", args=[leaver.pk])).content.decode()
    assert reverse("sales:handover", args=[leaver.pk]) in page


def test_api_hands_over_and_reports_the_counts(client, admin):
    leaver, anna = make_user(role="sales_rep"), make_user(role="sales_rep")
    make_account(owner=leaver)
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}
    response = client.post(
        f"/api/v1/users/{leaver.pk}/handover",
        {"receiver_ids": [anna.pk], "reason": "left"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json() == [
        {"receiver_id": anna.pk, "accounts": 1, "contacts": 0, "leads": 0, "deals": 0, "tasks": 0}
    ]


def test_api_names_an_unknown_receiver(client, admin):
    leaver = make_user(role="sales_rep")
    headers = {"Authorization": f"Bearer {create_token(actor=admin, name='t')[1]}"}
    response = client.post(
        f"/api/v1/users/{leaver.pk}/handover",
        {"receiver_ids": [999999]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.receiver_ids"
