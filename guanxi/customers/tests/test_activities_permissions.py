"""Who may read and change activities: own, teammate, outsider; reading through customers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Activity
from guanxi.customers.selectors import activities_visible_to, get_activity_for
from guanxi.customers.services.accounts import update_account
from guanxi.customers.services.activities import log_activity
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_team, make_user, team_trio

pytestmark = pytest.mark.django_db

AT = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
NOT_FOUND = {"errors": [{"field": None, "message": "Not found.", "code": "not_found"}]}
FORBIDDEN = {
    "errors": [
        {"field": None, "message": "You do not have permission to do this.", "code": "forbidden"}
    ]
}


def state() -> tuple:
    return (
        sorted(
            Activity.all_objects.values_list(
                "pk", "subject", "status", "completed_at", "owner_id", "deleted_at"
            )
        ),
        sorted(Activity.accounts.through.objects.values_list("activity_id", "account_id")),
        AuditEntry.objects.filter(object_type="customers.activity").count(),
    )


def api_as(client, user):
    key = create_token(actor=user, name="t")[1]

    def call(method, path, body=None):
        return client.generic(
            method,
            path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    return call


def edit_data(**overrides):
    data = {"kind": "call", "subject": "Changed", "at": "2026-01-15T11:00"}
    data.update(overrides)
    return data


@pytest.fixture
def reps(db):
    return team_trio("sales_rep")


@pytest.fixture
def sales(db):
    """A sales manager and two reps in one team, and a manager of another team."""
    manager = make_user(role="sales_manager", full_name="Manager Ma")
    rep = make_user(role="sales_rep", full_name="Rep Ren")
    other_rep = make_user(role="sales_rep", full_name="Rep Ou")
    team = make_team(members=[manager, rep, other_rep], managers=[manager])
    stranger = make_user(role="sales_manager", full_name="Manager Elsewhere")
    make_team(members=[stranger], managers=[stranger])
    return manager, rep, other_rep, stranger, team


# --- a rep and other reps' activities -------------------------------------------------


def test_a_rep_cannot_change_a_teammates_activity_through_the_pages(client, reps):
    # given the teammate's task
    task = log_activity(actor=reps.teammate, kind="task", subject="Mine", at=AT)
    client.force_login(reps.owner)
    before = state()
    # when the other rep tries to edit, complete and delete it
    responses = [
        client.post(reverse("customers:activity_edit", args=[task.pk]), edit_data(kind="task")),
        client.post(reverse("customers:activity_toggle", args=[task.pk])),
        client.post(reverse("customers:activity_delete", args=[task.pk])),
        client.get(reverse("customers:activity_detail", args=[task.pk])),
    ]
    # then every page answers "not found" and nothing changed
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert state() == before


def test_a_rep_cannot_change_a_teammates_activity_through_the_api(client, reps):
    task = log_activity(actor=reps.teammate, kind="task", subject="Mine", at=AT)
    api = api_as(client, reps.owner)
    before = state()
    responses = [
        api("PATCH", f"/api/v1/activities/{task.pk}", {"subject": "Taken over"}),
        api("POST", f"/api/v1/activities/{task.pk}/complete"),
        api("POST", f"/api/v1/activities/{task.pk}/reopen"),
        api("DELETE", f"/api/v1/activities/{task.pk}"),
        api("GET", f"/api/v1/activities/{task.pk}"),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404, 404]
    assert [r.json() for r in responses] == [NOT_FOUND] * 5
    assert state() == before


def test_a_rep_reads_but_cannot_change_another_reps_activity_on_a_customer_they_now_own(
    client, reps, admin
):
    # given the teammate's call on an account that is then given to the owner
    account = make_account(owner=reps.teammate, name="美的集团")
    call = log_activity(
        actor=reps.teammate, kind="call", subject="Price list", at=AT, accounts=[account]
    )
    update_account(actor=admin, account=account, owner=reps.owner)
    client.force_login(reps.owner)
    api = api_as(client, reps.owner)
    # when the new owner opens the call, then they can read it...
    page = client.get(reverse("customers:activity_detail", args=[call.pk]))
    assert page.status_code == 200
    assert "Price list" in page.content.decode()
    assert page.context["can_change"] is False
    assert page.context["can_delete"] is False
    assert api("GET", f"/api/v1/activities/{call.pk}").json()["subject"] == "Price list"
    ics = client.get(reverse("customers:activity_ics", args=[call.pk]))
    assert ics.status_code == 200
    timeline = client.get(reverse("customers:account_timeline", args=[account.pk]))
    assert "Price list" in timeline.content.decode()
    # ...but not change it, and it is not in their own activity list
    before = state()
    assert (
        client.post(reverse("customers:activity_edit", args=[call.pk]), edit_data()).status_code
        == 404
    )
    assert api("PATCH", f"/api/v1/activities/{call.pk}", {"subject": "x"}).status_code == 404
    assert api("DELETE", f"/api/v1/activities/{call.pk}").status_code == 404
    assert state() == before
    assert api("GET", "/api/v1/activities").json()["items"] == []
    assert list(activities_visible_to(reps.owner)) == []


def test_an_outsider_cannot_read_an_activity_about_customers_they_cannot_see(client, reps):
    account = make_account(owner=reps.owner)
    call = log_activity(actor=reps.owner, kind="call", subject="Secret", accounts=[account])
    client.force_login(reps.outsider)
    api = api_as(client, reps.outsider)
    assert client.get(reverse("customers:activity_detail", args=[call.pk])).status_code == 404
    assert client.get(reverse("customers:activity_ics", args=[call.pk])).status_code == 404
    assert client.get(reverse("customers:account_timeline", args=[account.pk])).status_code == 404
    assert api("GET", f"/api/v1/activities/{call.pk}").status_code == 404
    assert api("GET", f"/api/v1/accounts/{account.pk}/timeline").status_code == 404


def test_missing_and_malformed_ids_are_not_found(reps):
    for pk in [999_999, "abc", None]:
        for action in ["view", "change"]:
            with pytest.raises(Http404):
                get_activity_for(reps.owner, pk, action)


def test_reps_list_only_their_own_activities(reps):
    mine = log_activity(actor=reps.owner, kind="note", subject="Mine")
    given = log_activity(
        actor=reps.teammate, kind="task", subject="Given to me", assignee=reps.owner
    )
    log_activity(actor=reps.outsider, kind="note", subject="Theirs")
    assert list(activities_visible_to(reps.owner)) == [mine]
    assert list(activities_visible_to(reps.teammate)) == [given]


# --- managers --------------------------------------------------------------------------


def test_a_sales_manager_changes_a_teammates_activity_through_the_pages(client, sales):
    manager, rep, _other, _stranger, _team = sales
    task = log_activity(actor=rep, kind="task", subject="Follow up", at=AT)
    client.force_login(manager)
    response = client.post(
        reverse("customers:activity_edit", args=[task.pk]),
        edit_data(kind="task", subject="Follow up twice", status="open"),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.subject, task.owner) == ("Follow up twice", rep)
    client.post(reverse("customers:activity_toggle", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "done"
    entry = AuditEntry.objects.filter(
        object_type="customers.activity", object_id=str(task.pk)
    ).latest("pk")
    assert (entry.actor, entry.event, entry.changes) == (
        manager,
        "change",
        {"status": ["open", "done"]},
    )


def test_a_sales_manager_changes_a_teammates_activity_through_the_api(client, sales):
    manager, rep, _other, _stranger, _team = sales
    task = log_activity(actor=rep, kind="task", subject="Follow up", at=AT)
    api = api_as(client, manager)
    patched = api("PATCH", f"/api/v1/activities/{task.pk}", {"subject": "Follow up twice"})
    assert patched.status_code == 200
    assert patched.json()["subject"] == "Follow up twice"
    assert api("POST", f"/api/v1/activities/{task.pk}/complete").json()["status"] == "done"
    listed = api("GET", "/api/v1/activities").json()["items"]
    assert [item["id"] for item in listed] == [task.pk]


def test_a_manager_of_another_team_cannot_change_it(client, sales):
    _manager, rep, _other, stranger, _team = sales
    task = log_activity(actor=rep, kind="task", subject="Follow up", at=AT)
    api = api_as(client, stranger)
    client.force_login(stranger)
    before = state()
    assert api("PATCH", f"/api/v1/activities/{task.pk}", {"subject": "x"}).status_code == 404
    assert client.post(reverse("customers:activity_toggle", args=[task.pk])).status_code == 404
    assert state() == before


def test_the_read_only_analyst_reads_every_activity_but_logs_none(client, reps):
    analyst = make_user(role="analyst")
    call = log_activity(actor=reps.owner, kind="call", subject="Quote")
    client.force_login(analyst)
    api = api_as(client, analyst)
    before = state()
    assert api("GET", f"/api/v1/activities/{call.pk}").status_code == 200
    created = api("POST", "/api/v1/activities", {"kind": "note", "subject": "Mine"})
    assert (created.status_code, created.json()) == (403, FORBIDDEN)
    page = client.post(reverse("customers:activity_create"), {"kind": "note", "subject": "x"})
    assert page.status_code == 403
    # refused: 403 (no change grant at all) or 404 (not an activity they may change)
    assert api("PATCH", f"/api/v1/activities/{call.pk}", {"subject": "x"}).status_code in (403, 404)
    assert api("DELETE", f"/api/v1/activities/{call.pk}").status_code in (403, 404)
    assert state() == before


def test_links_to_customers_the_rep_cannot_see_are_refused_in_the_form(client, reps):
    theirs = make_account(owner=reps.outsider)
    client.force_login(reps.owner)
    before = state()
    response = client.post(
        reverse("customers:activity_create"),
        {"kind": "call", "subject": "Sneaky", "accounts": [theirs.pk]},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["accounts"]
    assert state() == before


# --- assignees --------------------------------------------------------------------------


def test_an_assignee_can_open_and_complete_the_task_on_their_day(client, sales, monkeypatch):
    manager, rep, _other, _stranger, _team = sales
    monkeypatch.setattr(timezone, "now", lambda: AT)
    task = log_activity(
        actor=manager, kind="task", subject="Visit 格力", at=AT + timedelta(hours=1), assignee=rep
    )
    client.force_login(rep)
    day = client.get(reverse("customers:my_day"))
    assert [item.pk for item in day.context["today"]] == [task.pk]
    assert client.get(reverse("customers:activity_detail", args=[task.pk])).status_code == 200
    done = client.post(reverse("customers:activity_toggle", args=[task.pk]))
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    # but deleting it still needs the activity grant on the record
    assert client.post(reverse("customers:activity_delete", args=[task.pk])).status_code == 404
    assert Activity.objects.filter(pk=task.pk).exists()
