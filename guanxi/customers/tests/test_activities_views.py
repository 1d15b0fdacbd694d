"""Activity pages: the timeline on the customer page, quick-add, edit, done, delete, list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import AuditEntry
from guanxi.customers.models import Activity
from guanxi.customers.services.accounts import update_account
from guanxi.customers.services.activities import log_activity, send_reminders
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 3, 0, 7, 123456, tzinfo=UTC)  # 11:00:07 in Shanghai


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def rep(db):
    return make_user(role="sales_rep", full_name="李伟")


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def account(rep):
    return make_account(owner=rep, name="深圳市腾讯计算机系统有限公司")


def local(value: datetime, user) -> str:
    """A time as a datetime-local input shows it to ``user``."""
    return timezone.localtime(value, ZoneInfo(user.time_zone)).strftime("%Y-%m-%dT%H:%M")


def entry_titles(html: str) -> list[str]:
    return re.findall(r'<div class="timeline-title"><a href="[^"]*">([^<]*)</a>', html)


def audit_changes(activity) -> list[tuple[str, dict]]:
    entries = AuditEntry.objects.filter(
        object_type="customers.activity", object_id=str(activity.pk)
    ).order_by("pk")
    return [(e.event, e.changes) for e in entries]


# --- the timeline on the customer pages -------------------------------------------------


def test_account_page_has_the_timeline_and_a_quick_add_form_for_the_account(rep_client, account):
    log_activity(actor=account.owner, kind="call", subject="First call", accounts=[account])
    html = rep_client.get(reverse("customers:account_detail", args=[account.pk])).content.decode()
    form = html[html.index('class="quick-activity"') : html.index("</form>", html.index("quick"))]
    assert f'action="{reverse("customers:activity_create")}"' in html
    assert f'<input type="hidden" name="next" value="/accounts/{account.pk}/">' in form
    assert f'<input type="hidden" name="accounts" value="{account.pk}">' in form
    assert 'name="contacts"' not in form
    assert entry_titles(html) == ["First call"]


def test_contact_page_quick_add_form_names_the_contact(rep_client, rep):
    contact = make_contact(owner=rep, family_name="张", given_name="伟")
    html = rep_client.get(reverse("customers:contact_detail", args=[contact.pk])).content.decode()
    assert f'<input type="hidden" name="contacts" value="{contact.pk}">' in html
    assert f'<input type="hidden" name="next" value="/contacts/{contact.pk}/">' in html


def test_quick_add_logs_a_call_and_returns_to_the_account(rep_client, rep, account, frozen):
    # given an older activity on the account
    log_activity(
        actor=rep, kind="note", subject="Older", at=NOW - timedelta(days=1), accounts=[account]
    )
    # when the rep logs a call with the quick-add form
    response = rep_client.post(
        reverse("customers:activity_create"),
        {
            "next": f"/accounts/{account.pk}/",
            "accounts": [account.pk],
            "kind": "call",
            "subject": "询问报价",
            "body": "要 200 台，下周报价",
            "at": "",
        },
    )
    # then it is saved on the account, now, done, and the page shows it first
    assert (response.status_code, response["Location"]) == (302, f"/accounts/{account.pk}/")
    call = Activity.objects.get(subject="询问报价")
    assert (call.kind, call.body, call.at, call.status, call.owner) == (
        "call",
        "要 200 台，下周报价",
        NOW,
        "done",
        rep,
    )
    assert list(call.accounts.all()) == [account]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Call “询问报价” was saved."]
    html = rep_client.get(response["Location"]).content.decode()
    assert entry_titles(html) == ["询问报价", "Older"]
    assert "要 200 台，下周报价" in html


def test_quick_add_time_is_read_in_the_users_time_zone(client, frozen):
    new_yorker = make_user(role="sales_rep", time_zone="America/New_York")
    account = make_account(owner=new_yorker)
    client.force_login(new_yorker)
    client.post(
        reverse("customers:activity_create"),
        {"accounts": [account.pk], "kind": "call", "subject": "Morning", "at": "2026-01-14T09:30"},
    )
    assert Activity.objects.get().at == datetime(2026, 1, 14, 14, 30, tzinfo=UTC)


def test_quick_add_task_is_open_and_assigned_to_the_rep(rep_client, rep, account):
    rep_client.post(
        reverse("customers:activity_create"),
        {"accounts": [account.pk], "kind": "task", "subject": "Send the quote"},
    )
    task = Activity.objects.get()
    assert (task.status, task.assignee) == ("open", rep)


def test_quick_add_never_redirects_off_site(rep_client, account):
    response = rep_client.post(
        reverse("customers:activity_create"),
        {"next": "https://evil.example/", "kind": "note", "subject": "Hi"},
    )
    assert response["Location"] == f"/activities/{Activity.objects.get().pk}/"


def test_quick_add_without_subject_shows_the_error_and_saves_nothing(rep_client, account):
    response = rep_client.post(
        reverse("customers:activity_create"),
        {"accounts": [account.pk], "kind": "call", "subject": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"subject": ["This field is required."]}
    assert Activity.all_objects.count() == 0


def test_service_errors_come_back_on_the_form_field(rep_client, frozen):
    response = rep_client.post(
        reverse("customers:activity_create"),
        {"kind": "meeting", "subject": "Demo", "at": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"at": ["This field is required."]}
    assert Activity.all_objects.count() == 0


def test_new_activity_form_offers_the_account_and_its_contacts(rep_client, rep, account):
    contact = make_contact(
        owner=rep, family_name="马", given_name="化腾", accounts=[{"account": account}]
    )
    make_contact(owner=rep, family_name="Unrelated")
    response = rep_client.get(
        reverse("customers:activity_create"), {"account": account.pk, "kind": "meeting"}
    )
    form = response.context["form"]
    assert list(form.fields["accounts"].queryset) == [account]
    assert list(form.fields["contacts"].queryset) == [contact]
    assert (form.initial["kind"], form.initial["accounts"]) == ("meeting", [account.pk])


# --- the timeline fragment ----------------------------------------------------------------


def test_timeline_filters_by_kind(rep_client, rep, account):
    log_activity(actor=rep, kind="call", subject="A call", accounts=[account])
    log_activity(
        actor=rep,
        kind="meeting",
        subject="A meeting",
        at=datetime(2026, 2, 1, tzinfo=UTC),
        accounts=[account],
    )
    url = reverse("customers:account_timeline", args=[account.pk])
    everything = rep_client.get(url).content.decode()
    meetings = rep_client.get(url, {"kind": "meeting"})
    assert sorted(entry_titles(everything)) == ["A call", "A meeting"]
    assert entry_titles(meetings.content.decode()) == ["A meeting"]
    assert meetings.context["timeline_selected"] == ["meeting"]
    assert 'aria-current="true" data-testid="timeline-kind-meeting"' in meetings.content.decode()


def test_timeline_pages_with_show_older_keeping_the_filter(rep_client, rep, account):
    base = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(30):
        log_activity(
            actor=rep,
            kind="note",
            subject=f"n{i:02}",
            at=base + timedelta(hours=i),
            accounts=[account],
        )
    log_activity(actor=rep, kind="call", subject="call", at=base, accounts=[account])
    url = reverse("customers:account_timeline", args=[account.pk])
    first = rep_client.get(url, {"kind": "note"})
    html = first.content.decode()
    assert entry_titles(html) == [f"n{i:02}" for i in range(29, 4, -1)]
    cursor = first.context["timeline_next"]
    assert f'hx-get="{url}?cursor={cursor}&amp;kind=note"' in html
    rest = rep_client.get(url, {"cursor": cursor, "kind": "note"})
    assert next(t.name for t in rest.templates) == "customers/_timeline_entries.html"
    assert entry_titles(rest.content.decode()) == ["n04", "n03", "n02", "n01", "n00"]
    assert "Show older" not in rest.content.decode()


def test_timeline_with_a_bad_cursor_is_not_found(rep_client, account):
    url = reverse("customers:account_timeline", args=[account.pk])
    assert rep_client.get(url, {"cursor": "garbage!"}).status_code == 404


def test_contact_timeline_lists_the_contacts_activities(rep_client, rep):
    contact = make_contact(owner=rep, family_name="王")
    log_activity(actor=rep, kind="email", subject="Sent the deck", contacts=[contact])
    html = rep_client.get(reverse("customers:contact_timeline", args=[contact.pk])).content.decode()
    assert entry_titles(html) == ["Sent the deck"]


def test_empty_timeline_says_nothing_has_happened(rep_client, account):
    html = rep_client.get(reverse("customers:account_timeline", args=[account.pk])).content.decode()
    assert "Nothing has happened yet." in html


def _fill(rep, account, count):
    other = make_user(role="sales_rep")
    contact = make_contact(owner=rep, accounts=[{"account": account}])
    for i in range(count):
        log_activity(
            actor=rep,
            kind=["call", "task", "meeting", "note"][i % 4],
            subject=f"a{i}",
            at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i),
            assignee=other if i % 4 == 1 else None,
            accounts=[account] if i % 2 else [],
            contacts=[contact],
        )


@pytest.mark.parametrize("url_name", ["customers:account_timeline", "customers:account_detail"])
def test_timeline_costs_the_same_queries_for_5_and_50_activities(
    rep_client, rep, django_assert_num_queries, url_name
):
    small = make_account(owner=rep)
    large = make_account(owner=rep)
    _fill(rep, small, 5)
    _fill(rep, large, 50)
    rep_client.get(reverse(url_name, args=[small.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as baseline:
        response = rep_client.get(reverse(url_name, args=[small.pk]))
    assert len(response.context["timeline_entries"]) == 5
    with django_assert_num_queries(len(baseline)):
        response = rep_client.get(reverse(url_name, args=[large.pk]))
    assert len(response.context["timeline_entries"]) == 25


def test_filtered_timeline_keeps_the_quick_add_form(rep_client, account):
    url = reverse("customers:account_timeline", args=[account.pk])
    html = rep_client.get(url, {"kind": "meeting"}, headers={"HX-Request": "true"}).content
    assert b'class="quick-activity"' in html
    assert f'<input type="hidden" name="accounts" value="{account.pk}">'.encode() in html


# --- detail, edit, done, delete --------------------------------------------------------


def test_activity_page_shows_the_meeting_and_its_actions(rep_client, rep, account, frozen):
    contact = make_contact(
        owner=rep, family_name="张", given_name="伟", accounts=[{"account": account}]
    )
    meeting = log_activity(
        actor=rep,
        kind="meeting",
        subject="季度回顾",
        at=NOW + timedelta(days=1),
        location="深圳南山",
        accounts=[account],
        contacts=[contact],
    )
    response = rep_client.get(reverse("customers:activity_detail", args=[meeting.pk]))
    html = response.content.decode()
    assert "<h1>季度回顾</h1>" in html
    assert "2026-01-16 11:00" in html  # Shanghai time
    assert "深圳南山" in html
    assert account.name in html and "张伟" in html
    assert reverse("customers:activity_ics", args=[meeting.pk]) in html
    assert "Mark as done" in html
    assert (response.context["can_change"], response.context["can_delete"]) == (True, True)


def test_edit_form_changes_the_activity_and_audits_it(rep_client, rep, account):
    at = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
    call = log_activity(actor=rep, kind="call", subject="Quote", at=at, accounts=[account])
    form = rep_client.get(reverse("customers:activity_edit", args=[call.pk])).context["form"]
    assert form.initial["subject"] == "Quote"
    response = rep_client.post(
        reverse("customers:activity_edit", args=[call.pk]),
        {
            "kind": "call",
            "subject": "Quote for 300",
            "body": "",
            "at": local(at, rep),
            "direction": "outbound",
            "accounts": [account.pk],
        },
    )
    assert (response.status_code, response["Location"]) == (302, f"/activities/{call.pk}/")
    call.refresh_from_db()
    assert (call.subject, call.direction, call.status, call.at) == (
        "Quote for 300",
        "outbound",
        "done",
        at,
    )
    [(event, changes)] = audit_changes(call)[1:]
    assert event == "change"
    assert changes["subject"] == ["Quote", "Quote for 300"]
    assert changes["direction"] == ["", "outbound"]


def test_edit_refused_by_the_service_shows_the_error_and_changes_nothing(rep_client, rep):
    call = log_activity(actor=rep, kind="call", subject="Quote")
    response = rep_client.post(
        reverse("customers:activity_edit", args=[call.pk]),
        {
            "kind": "call",
            "subject": "Quote",
            "at": local(call.at, rep),
            "reminder_at": "2026-02-01T09:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reminder_at": ["Only tasks and meetings have reminders."]
    }
    call.refresh_from_db()
    assert call.reminder_at is None
    assert len(audit_changes(call)) == 1


def test_done_toggles_a_task_and_back(rep_client, rep, frozen):
    task = log_activity(actor=rep, kind="task", subject="Send")
    url = reverse("customers:activity_toggle", args=[task.pk])
    first = rep_client.post(url)
    task.refresh_from_db()
    assert (first["Location"], task.status, task.completed_at) == (
        f"/activities/{task.pk}/",
        "done",
        NOW,
    )
    rep_client.post(url)
    task.refresh_from_db()
    assert (task.status, task.completed_at) == ("open", None)
    assert rep_client.get(url).status_code == 405


def test_delete_moves_the_activity_to_the_trash_and_off_the_timeline(rep_client, rep, account):
    call = log_activity(
        actor=rep, kind="call", subject="Called about the tender", accounts=[account]
    )
    response = rep_client.post(reverse("customers:activity_delete", args=[call.pk]))
    assert (response.status_code, response["Location"]) == (302, "/activities/")
    assert Activity.all_objects.get(pk=call.pk).deleted_at is not None
    html = rep_client.get(reverse("customers:account_timeline", args=[account.pk])).content
    assert b"Called about the tender" not in html
    assert rep_client.get(reverse("customers:activity_detail", args=[call.pk])).status_code == 404


def test_activity_list_filters_by_kind_and_status(rep_client, rep):
    log_activity(actor=rep, kind="call", subject="A call")
    log_activity(actor=rep, kind="task", subject="Open task")
    log_activity(actor=rep, kind="task", subject="Done task", status="done")
    url = reverse("customers:activity_list")

    def listed(**params):
        return sorted(a.subject for a in rep_client.get(url, params).context["object_list"])

    assert listed() == ["A call", "Done task", "Open task"]
    assert listed(kind="task") == ["Done task", "Open task"]
    assert listed(kind="task", status="open") == ["Open task"]
    assert listed(kind="nonsense") == ["A call", "Done task", "Open task"]


def test_activity_list_shows_mine_or_everything_i_may_see(client, rep):
    # given a manager in the rep's team
    manager = make_user(role="sales_manager")
    make_team(members=[manager, rep], managers=[manager])
    log_activity(actor=manager, kind="note", subject="Manager's note")
    log_activity(actor=rep, kind="call", subject="Rep's call")
    log_activity(actor=rep, kind="task", subject="For the manager", assignee=manager)
    log_activity(actor=make_user(role="sales_rep"), kind="note", subject="Outsider's")
    client.force_login(manager)
    url = reverse("customers:activity_list")

    def listed(**params):
        return sorted(a.subject for a in client.get(url, params).context["object_list"])

    # then "mine" is what they own or were given, "everything" adds their team's
    assert listed() == ["For the manager", "Manager's note"]
    assert listed(mine="0") == ["For the manager", "Manager's note", "Rep's call"]


# --- bugs in the edit form -----------------------------------------------------------------


def test_editing_a_task_after_its_reminder_does_not_send_it_again(rep_client, rep):
    due = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
    task = log_activity(
        actor=rep, kind="task", subject="Quote", at=due, reminder_at=due - timedelta(hours=1)
    )
    assert send_reminders(now=due) == 1
    rep_client.post(
        reverse("customers:activity_edit", args=[task.pk]),
        {
            "kind": "task",
            "subject": "Quote",
            "body": "Added a note",
            "at": local(due, rep),
            "status": "open",
            "assignee": rep.pk,
            "reminder_at": local(due - timedelta(hours=1), rep),
        },
    )
    task.refresh_from_db()
    assert task.body == "Added a note"
    assert send_reminders(now=due + timedelta(minutes=5)) == 0


def test_editing_only_the_subject_changes_only_the_subject(rep_client, rep, frozen):
    call = log_activity(actor=rep, kind="call", subject="Quote")  # at = NOW, with seconds
    rep_client.post(
        reverse("customers:activity_edit", args=[call.pk]),
        {"kind": "call", "subject": "Quote v2", "at": local(call.at, rep)},
    )
    call.refresh_from_db()
    assert call.at == NOW
    assert audit_changes(call)[1:] == [("change", {"subject": ["Quote", "Quote v2"]})]


def test_editing_keeps_links_to_customers_the_editor_no_longer_sees(rep_client, rep, admin):
    # given a call on two of the rep's accounts, one of them since given to another rep
    kept = make_account(owner=rep, name="Kept")
    given = make_account(owner=rep, name="Given away")
    at = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
    call = log_activity(actor=rep, kind="call", subject="Quote", at=at, accounts=[kept, given])
    update_account(actor=admin, account=given, owner=make_user(role="sales_rep"))
    # when the rep fixes a typo in the subject, submitting the accounts the form shows
    response = rep_client.post(
        reverse("customers:activity_edit", args=[call.pk]),
        {"kind": "call", "subject": "Quote!", "at": local(at, rep), "accounts": [kept.pk]},
    )
    assert response.status_code == 302
    # then the call is still on the other account's timeline
    assert sorted(a.name for a in call.accounts.all()) == ["Given away", "Kept"]
