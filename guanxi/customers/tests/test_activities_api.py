"""The activities API: CRUD, complete / reopen, filters and keyset paging, timelines, My day."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from guanxi.core.models import AuditEntry, Notification
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Activity
from guanxi.customers.services.activities import log_activity
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def api(client):
    """A sales rep (Shanghai time) calling the API with a token."""
    user = make_user(role="sales_rep", full_name="李伟")
    key = create_token(actor=user, name="t")[1]

    def call(method, path, body=None, **params):
        return client.generic(
            method,
            path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
            QUERY_STRING="&".join(f"{k}={v}" for k, v in params.items()),
        )

    call.user = user
    call.client = client
    return call


def error(field, message, code="invalid"):
    return {"errors": [{"field": field, "message": message, "code": code}]}


def state() -> tuple:
    return (
        sorted(
            Activity.all_objects.values_list(
                "pk",
                "kind",
                "subject",
                "status",
                "ends_at",
                "assignee_id",
                "owner_id",
                "deleted_at",
            )
        ),
        sorted(Activity.accounts.through.objects.values_list("activity_id", "account_id")),
        sorted(Activity.contacts.through.objects.values_list("activity_id", "contact_id")),
        AuditEntry.objects.filter(object_type="customers.activity").count(),
    )


# --- create ----------------------------------------------------------------------------


def test_create_call_on_accounts_and_contacts_returns_201_with_everything(api, frozen):
    account = make_account(owner=api.user, name="华为")
    other = make_account(owner=api.user, name="中兴")
    contact = make_contact(owner=api.user, family_name="张", accounts=[{"account": account}])
    response = api(
        "POST",
        "/api/v1/activities",
        {
            "kind": "call",
            "subject": "询问报价",
            "body": "200 台",
            "direction": "inbound",
            "account_ids": [other.pk, account.pk],
            "contact_ids": [contact.pk],
        },
    )
    assert response.status_code == 201
    body = response.json()
    activity = Activity.objects.get()
    assert body == {
        "id": activity.pk,
        "kind": "call",
        "subject": "询问报价",
        "body": "200 台",
        "direction": "inbound",
        "at": "2026-01-15T03:00:00Z",
        "ends_at": None,
        "location": "",
        "status": "done",
        "completed_at": None,
        "assignee_id": None,
        "reminder_at": None,
        "owner_id": api.user.pk,
        "team_id": None,
        "account_ids": sorted([account.pk, other.pk]),
        "contact_ids": [contact.pk],
        "email_from": "",
        "email_to": "",
        "message_id": "",
        "custom_fields": {},
        "created_at": "2026-01-15T03:00:00Z",
        "updated_at": "2026-01-15T03:00:00Z",
    }
    assert AuditEntry.objects.get(object_type="customers.activity").origin == "api"


def test_create_task_for_a_colleague_assigns_and_notifies_them(api, frozen):
    colleague = make_user(role="sales_rep")
    response = api(
        "POST",
        "/api/v1/activities",
        {
            "kind": "task",
            "subject": "Chase",
            "at": "2026-01-16T09:00:00+08:00",
            "assignee_id": colleague.pk,
            "reminder_at": "2026-01-16T08:00:00+08:00",
        },
    )
    body = response.json()
    assert (body["status"], body["assignee_id"], body["at"], body["reminder_at"]) == (
        "open",
        colleague.pk,
        "2026-01-16T01:00:00Z",
        "2026-01-16T00:00:00Z",
    )
    assert Notification.objects.get().recipient == colleague


def test_create_task_without_assignee_is_the_callers(api, frozen):
    body = api("POST", "/api/v1/activities", {"kind": "task", "subject": "Mine"}).json()
    assert (body["assignee_id"], body["status"], body["at"]) == (
        api.user.pk,
        "open",
        "2026-01-15T03:00:00Z",
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"kind": "call", "subject": "x", "account_ids": [999_999]},
            error("body.account_ids", "Some of these accounts do not exist."),
        ),
        (
            {"kind": "call", "subject": "x", "contact_ids": [999_999]},
            error("body.contact_ids", "Some of these contacts do not exist."),
        ),
        (
            {"kind": "call", "subject": "x", "assignee_id": 999_999},
            error("body.assignee_id", "This does not exist."),
        ),
        ({"kind": "meeting", "subject": "x"}, error("body.at", "This field is required.")),
        (
            {"kind": "note", "subject": "x", "direction": "inbound"},
            error("body.direction", "Only calls and emails have a direction."),
        ),
        (
            {"kind": "call", "subject": "x", "ends_at": "2030-01-01T10:00:00Z"},
            error("body.ends_at", "Only meetings have an end."),
        ),
        (
            {"kind": "call", "subject": "x", "reminder_at": "2030-01-01T10:00:00Z"},
            error("body.reminder_at", "Only tasks and meetings have reminders."),
        ),
        (
            {"kind": "visit", "subject": "x"},
            error("body.kind", "Choose one of: call, email, meeting, note, task."),
        ),
        ({"kind": "call", "subject": "   "}, error("body.subject", "This field is required.")),
    ],
)
def test_bad_create_is_422_naming_the_field_and_saves_nothing(api, frozen, payload, expected):
    before = state()
    response = api("POST", "/api/v1/activities", payload)
    assert (response.status_code, response.json()) == (422, expected)
    assert state() == before


def test_create_without_kind_names_body_kind(api):
    response = api("POST", "/api/v1/activities", {"subject": "x"})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("body.kind", "missing")
    ]


def test_linking_an_account_the_caller_cannot_see_is_422_as_if_unknown(api):
    theirs = make_account(owner=make_user(role="sales_rep"))
    before = state()
    response = api(
        "POST", "/api/v1/activities", {"kind": "call", "subject": "x", "account_ids": [theirs.pk]}
    )
    assert (response.status_code, response.json()) == (
        422,
        error("body.account_ids", "Some of these accounts do not exist."),
    )
    assert state() == before


# --- read, list, page ---------------------------------------------------------------------


def test_get_one_activity(api):
    account = make_account(owner=api.user)
    call = log_activity(actor=api.user, kind="call", subject="Quote", accounts=[account])
    body = api("GET", f"/api/v1/activities/{call.pk}").json()
    assert (body["id"], body["subject"], body["account_ids"]) == (call.pk, "Quote", [account.pk])
    assert api("GET", "/api/v1/activities/999999").status_code == 404


def test_list_filters_by_kind_status_account_contact_and_assignee(api):
    account = make_account(owner=api.user)
    contact = make_contact(owner=api.user)
    colleague = make_user(role="sales_rep")
    at = datetime(2025, 5, 1, tzinfo=UTC)
    call = log_activity(actor=api.user, kind="call", subject="call", at=at, accounts=[account])
    open_task = log_activity(actor=api.user, kind="task", subject="open", at=at, contacts=[contact])
    done_task = log_activity(actor=api.user, kind="task", subject="done", at=at, status="done")
    given = log_activity(actor=api.user, kind="task", subject="given", at=at, assignee=colleague)

    def ids(**params):
        return sorted(i["id"] for i in api("GET", "/api/v1/activities", **params).json()["items"])

    assert ids() == sorted([call.pk, open_task.pk, done_task.pk, given.pk])
    assert ids(kind="call") == [call.pk]
    assert ids(kind="task", status="open") == sorted([open_task.pk, given.pk])
    assert ids(status="done", kind="task") == [done_task.pk]
    assert ids(account_id=account.pk) == [call.pk]
    assert ids(contact_id=contact.pk) == [open_task.pk]
    assert ids(assignee_id=colleague.pk) == [given.pk]
    assert ids(owner_id=api.user.pk, kind="note") == []


def test_list_pages_by_keyset_newest_first_with_equal_times(api):
    base = datetime(2025, 5, 1, tzinfo=UTC)
    for i in range(7):
        log_activity(
            actor=api.user, kind="note", subject=f"n{i}", at=base + timedelta(hours=i // 2)
        )
    expected = list(Activity.objects.order_by("-at", "-pk").values_list("pk", flat=True))
    seen, sizes, cursor = [], [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api("GET", "/api/v1/activities", **params).json()
        seen += [i["id"] for i in body["items"]]
        sizes.append(len(body["items"]))
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert seen == expected


def test_list_sorted_by_creation_oldest_first(api):
    first = log_activity(actor=api.user, kind="note", subject="first")
    second = log_activity(actor=api.user, kind="note", subject="second")
    body = api("GET", "/api/v1/activities", sort="created_at").json()
    assert [i["id"] for i in body["items"]] == [first.pk, second.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "subject"}, "query.sort"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"cursor": "%%%"}, "query.cursor"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_query_parameter(api, params, field):
    response = api("GET", "/api/v1/activities", **params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


# --- change, complete, reopen, delete ------------------------------------------------------


def test_patch_changes_only_the_given_fields(api, frozen):
    account = make_account(owner=api.user)
    call = log_activity(
        actor=api.user,
        kind="call",
        subject="Quote",
        body="200",
        direction="inbound",
        accounts=[account],
    )
    response = api("PATCH", f"/api/v1/activities/{call.pk}", {"subject": "Quote v2"})
    assert response.status_code == 200
    body = response.json()
    assert (body["subject"], body["body"], body["direction"], body["account_ids"]) == (
        "Quote v2",
        "200",
        "inbound",
        [account.pk],
    )
    entry = AuditEntry.objects.filter(object_type="customers.activity").latest("pk")
    assert (entry.event, entry.changes, entry.origin) == (
        "change",
        {"subject": ["Quote", "Quote v2"]},
        "api",
    )


def test_patch_replaces_links_and_clears_the_assignee(api):
    first = make_account(owner=api.user, name="First")
    second = make_account(owner=api.user, name="Second")
    task = log_activity(actor=api.user, kind="task", subject="T", accounts=[first])
    body = api(
        "PATCH",
        f"/api/v1/activities/{task.pk}",
        {"account_ids": [second.pk], "assignee_id": None},
    ).json()
    assert (body["account_ids"], body["assignee_id"]) == ([second.pk], None)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"ends_at": "2030-01-01T00:00:00Z"}, error("body.ends_at", "Only meetings have an end.")),
        (
            {"account_ids": [999_999]},
            error("body.account_ids", "Some of these accounts do not exist."),
        ),
        ({"kind": "note"}, error("body.direction", "Only calls and emails have a direction.")),
        ({"at": None}, error("body.at", "This field is required.")),
    ],
)
def test_refused_patch_is_422_and_changes_nothing(api, payload, expected):
    call = log_activity(actor=api.user, kind="call", subject="Quote", direction="inbound")
    before = state()
    response = api("PATCH", f"/api/v1/activities/{call.pk}", payload)
    assert (response.status_code, response.json()) == (422, expected)
    assert state() == before


def test_complete_and_reopen(api, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    task = log_activity(actor=api.user, kind="task", subject="Send")
    done = api("POST", f"/api/v1/activities/{task.pk}/complete")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["completed_at"]) == ("done", "2026-01-15T03:00:00Z")
    reopened = api("POST", f"/api/v1/activities/{task.pk}/reopen").json()
    assert (reopened["status"], reopened["completed_at"]) == ("open", None)


def test_delete_is_204_and_the_activity_is_gone(api):
    account = make_account(owner=api.user)
    call = log_activity(actor=api.user, kind="call", subject="Quote", accounts=[account])
    response = api("DELETE", f"/api/v1/activities/{call.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert api("GET", "/api/v1/activities").json() == {"items": [], "next_cursor": None}
    assert api("GET", f"/api/v1/activities/{call.pk}").status_code == 404
    assert api("GET", f"/api/v1/accounts/{account.pk}/timeline").json()["items"] == []
    assert api("DELETE", f"/api/v1/activities/{call.pk}").status_code == 404


def test_patch_with_null_status_is_refused(api):
    task = log_activity(actor=api.user, kind="task", subject="T")
    response = api("PATCH", f"/api/v1/activities/{task.pk}", {"status": None})
    task.refresh_from_db()
    assert task.status == "open"
    assert response.status_code == 422


def test_patch_with_null_owner_is_422(api):
    call = log_activity(actor=api.user, kind="call", subject="Quote")
    api.client.raise_request_exception = False
    response = api("PATCH", f"/api/v1/activities/{call.pk}", {"owner_id": None})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.owner_id"]


# --- timelines -----------------------------------------------------------------------------


def test_account_timeline_pages_with_next_cursor(api):
    account = make_account(owner=api.user)
    contact = make_contact(owner=api.user, accounts=[{"account": account}])
    base = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(30):
        log_activity(
            actor=api.user,
            kind="call" if i % 2 else "note",
            subject=f"a{i:02}",
            at=base + timedelta(hours=i // 2),
            accounts=[account] if i % 3 else [],
            contacts=[] if i % 3 else [contact],
        )
    expected = list(Activity.objects.order_by("-at", "-pk").values_list("pk", flat=True))
    first = api("GET", f"/api/v1/accounts/{account.pk}/timeline").json()
    assert len(first["items"]) == 25
    second = api(
        "GET", f"/api/v1/accounts/{account.pk}/timeline", cursor=first["next_cursor"]
    ).json()
    assert second["next_cursor"] is None
    assert [i["id"] for i in first["items"] + second["items"]] == expected


def test_timeline_items_describe_the_activity(api, frozen):
    contact = make_contact(owner=api.user)
    call = log_activity(
        actor=api.user, kind="call", subject="询问报价", body="200 台", contacts=[contact]
    )
    body = api("GET", f"/api/v1/contacts/{contact.pk}/timeline").json()
    assert body == {
        "items": [
            {
                "at": "2026-01-15T03:00:00Z",
                "source": "activity",
                "id": call.pk,
                "kind": "call",
                "kind_label": "Call",
                "title": "询问报价",
                "body": "200 台",
                "actor": "李伟",
                "url": f"/activities/{call.pk}/",
            }
        ],
        "next_cursor": None,
    }


def test_timeline_filters_by_kind_and_limit(api):
    account = make_account(owner=api.user)
    for i, kind in enumerate(["call", "meeting", "call", "note", "call"]):
        log_activity(
            actor=api.user,
            kind=kind,
            subject=f"{kind}{i}",
            at=datetime(2025, 1, 1, i, tzinfo=UTC),
            accounts=[account],
        )
    page = api("GET", f"/api/v1/accounts/{account.pk}/timeline", kind="call", limit=2).json()
    assert [i["title"] for i in page["items"]] == ["call4", "call2"]
    rest = api(
        "GET",
        f"/api/v1/accounts/{account.pk}/timeline",
        kind="call",
        limit=2,
        cursor=page["next_cursor"],
    ).json()
    assert ([i["title"] for i in rest["items"]], rest["next_cursor"]) == (["call0"], None)


@pytest.mark.parametrize("subject", ["accounts", "contacts"])
def test_timeline_with_a_bad_cursor_is_422_naming_query_cursor(api, subject):
    record = make_account(owner=api.user) if subject == "accounts" else make_contact(owner=api.user)
    response = api("GET", f"/api/v1/{subject}/{record.pk}/timeline", cursor="not-a-cursor")
    assert (response.status_code, response.json()) == (
        422,
        error("query.cursor", "This cursor is not valid."),
    )


def test_timeline_limit_out_of_range_is_422(api):
    account = make_account(owner=api.user)
    response = api("GET", f"/api/v1/accounts/{account.pk}/timeline", limit=0)
    assert (response.status_code, response.json()) == (
        422,
        error("query.limit", "Limit must be between 1 and 200."),
    )


def test_timeline_of_an_unknown_account_is_404(api):
    assert api("GET", "/api/v1/accounts/999999/timeline").status_code == 404
    assert api("GET", "/api/v1/contacts/999999/timeline").status_code == 404


# --- My day --------------------------------------------------------------------------------


def test_my_day_lists_overdue_and_due_tasks_and_todays_meetings(api, frozen):
    # Shanghai: it is 11:00 on Thursday 15 January
    def shanghai(day, hour):
        return datetime(2026, 1, day, hour, tzinfo=UTC) - timedelta(hours=8)

    overdue = log_activity(actor=api.user, kind="task", subject="Overdue", at=shanghai(14, 18))
    today = log_activity(actor=api.user, kind="task", subject="Today", at=shanghai(15, 17))
    log_activity(actor=api.user, kind="task", subject="Tomorrow", at=shanghai(16, 9))
    log_activity(actor=api.user, kind="task", subject="Done", at=shanghai(15, 9), status="done")
    meeting = log_activity(actor=api.user, kind="meeting", subject="Lunch", at=shanghai(15, 12))
    body = api("GET", "/api/v1/my-day").json()
    assert body["day"] == "2026-01-15"
    assert [i["id"] for i in body["overdue"]] == [overdue.pk]
    assert [i["id"] for i in body["today"]] == [today.pk]
    assert [i["id"] for i in body["meetings"]] == [meeting.pk]
    assert body["meetings"][0]["status"] == "open"


# --- custom fields ---------------------------------------------------------------------------


@pytest.fixture
def visitors_field(db):
    from guanxi.core.services.custom_fields import create_custom_field

    return create_custom_field(
        actor=make_user(role="administrator"),
        object_type="customers.activity",
        label="Visitors",
        key="visitors",
        field_type="number",
    )


def test_custom_fields_are_saved_and_a_bad_value_is_422_naming_the_key(api, visitors_field):
    created = api(
        "POST",
        "/api/v1/activities",
        {
            "kind": "meeting",
            "subject": "Visit",
            "at": "2030-01-01T09:00:00Z",
            "custom_fields": {"visitors": "12"},
        },
    )
    assert (created.status_code, created.json()["custom_fields"]) == (201, {"visitors": 12})
    before = state()
    bad = api(
        "PATCH",
        f"/api/v1/activities/{created.json()['id']}",
        {"custom_fields": {"visitors": "many"}},
    )
    assert (bad.status_code, bad.json()) == (
        422,
        error("body.custom_fields.visitors", "Enter a number."),
    )
    unknown = api(
        "POST", "/api/v1/activities", {"kind": "note", "subject": "x", "custom_fields": {"nope": 1}}
    )
    assert unknown.json() == error("body.custom_fields.nope", "There is no such field.")
    assert state() == before
    assert Activity.objects.get().custom_fields == {"visitors": 12}
