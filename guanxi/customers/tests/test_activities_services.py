"""Activity services: logging, changing, completing and trashing; reminders; the timeline
built from real activities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from guanxi.core.models import AuditEntry, Notification, TrashItem
from guanxi.core.scheduling import periodic_tasks
from guanxi.core.services.trash import restore_record
from guanxi.customers.models import Account, Activity
from guanxi.customers.services import activities as activity_services
from guanxi.customers.services.activities import (
    complete_activity,
    delete_activity,
    log_activity,
    reopen_activity,
    send_reminders,
    update_activity,
)
from guanxi.customers.tasks import send_activity_reminders
from guanxi.customers.timeline import sources, timeline_page
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """``timezone.now()`` is NOW everywhere (services, auto_now fields)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def trio(db):
    return team_trio("sales_rep")


def audit_of(activity: Activity) -> list[tuple[str, dict]]:
    entries = AuditEntry.objects.filter(
        object_type="customers.activity", object_id=str(activity.pk)
    ).order_by("pk")
    return [(e.event, e.changes) for e in entries]


def state() -> tuple:
    """Everything a refused call must leave as it was."""
    return (
        sorted(
            Activity.all_objects.values_list(
                "pk",
                "kind",
                "subject",
                "body",
                "direction",
                "at",
                "ends_at",
                "status",
                "completed_at",
                "assignee_id",
                "reminder_at",
                "reminded_at",
                "owner_id",
                "deleted_at",
            )
        ),
        sorted(Activity.accounts.through.objects.values_list("activity_id", "account_id")),
        sorted(Activity.contacts.through.objects.values_list("activity_id", "contact_id")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


# --- log_activity: defaults ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["call", "email", "note"])
def test_touchpoint_without_time_happened_now_and_is_done(trio, frozen, kind):
    # given a rep logging a touchpoint without saying when
    # when
    activity = log_activity(actor=trio.owner, kind=kind, subject="Talked prices")
    # then it happened now, is done, and belongs to the rep and their team
    activity.refresh_from_db()
    assert activity.at == NOW
    assert activity.status == "done"
    assert activity.completed_at is None
    assert activity.assignee is None
    assert activity.owner == trio.owner
    assert activity.team == trio.team


def test_task_without_due_time_is_due_now_open_and_assigned_to_the_actor(trio, frozen):
    activity = log_activity(actor=trio.owner, kind="task", subject="Send the quote")
    activity.refresh_from_db()
    assert (activity.at, activity.status, activity.completed_at) == (NOW, "open", None)
    assert activity.assignee == trio.owner
    assert Notification.objects.count() == 0  # nobody is told about their own task


def test_task_for_a_colleague_is_assigned_to_them_and_they_are_notified(trio, frozen):
    # given the owner gives a task to the teammate
    activity = log_activity(
        actor=trio.owner, kind="task", subject="Call 张伟 back", assignee=trio.teammate
    )
    # then the teammate is the assignee and finds it in their inbox
    activity.refresh_from_db()
    assert activity.assignee == trio.teammate
    assert activity.owner == trio.owner
    notes = list(Notification.objects.values_list("recipient_id", "kind", "title", "url"))
    assert notes == [
        (
            trio.teammate.pk,
            "activity.assigned",
            f"{trio.owner.full_name} gave you a task: Call 张伟 back",
            f"/activities/{activity.pk}/",
        )
    ]


def test_meeting_without_start_is_refused_naming_at_and_nothing_is_saved(trio):
    before = state()
    with pytest.raises(ValidationError) as error:
        log_activity(actor=trio.owner, kind="meeting", subject="Visit the factory")
    assert error.value.message_dict == {"at": ["This field is required."]}
    assert state() == before


def test_future_meeting_is_open_and_past_meeting_is_done_when_logged(trio, frozen):
    future = log_activity(
        actor=trio.owner, kind="meeting", subject="Demo", at=NOW + timedelta(days=1)
    )
    past = log_activity(
        actor=trio.owner, kind="meeting", subject="Kick-off", at=NOW - timedelta(hours=2)
    )
    future.refresh_from_db()
    past.refresh_from_db()
    assert (future.status, future.completed_at, future.assignee) == ("open", None, None)
    assert (past.status, past.completed_at) == ("done", NOW)


def test_given_status_wins_over_the_default(trio, frozen):
    task = log_activity(actor=trio.owner, kind="task", subject="Already sent", status="done")
    meeting = log_activity(
        actor=trio.owner,
        kind="meeting",
        subject="Called off",
        at=NOW + timedelta(days=2),
        status="cancelled",
    )
    task.refresh_from_db()
    meeting.refresh_from_db()
    assert (task.status, task.completed_at) == ("done", NOW)
    assert (meeting.status, meeting.completed_at) == ("cancelled", None)


def test_meeting_keeps_its_end_location_and_reminder(trio, frozen):
    start = NOW + timedelta(days=1)
    meeting = log_activity(
        actor=trio.owner,
        kind="meeting",
        subject="季度回顾",
        at=start,
        ends_at=start + timedelta(minutes=90),
        location="上海市浦东新区世纪大道 100 号",
        reminder_at=start - timedelta(minutes=15),
    )
    meeting.refresh_from_db()
    assert meeting.ends_at == start + timedelta(minutes=90)
    assert meeting.location == "上海市浦东新区世纪大道 100 号"
    assert meeting.reminder_at == start - timedelta(minutes=15)
    assert meeting.reminded_at is None


def test_call_with_direction_and_links_is_audited_with_every_value(trio, frozen):
    # given the rep's account and a contact working there
    account = make_account(owner=trio.owner, name="华为技术有限公司")
    contact = make_contact(
        owner=trio.owner, family_name="张", given_name="伟", accounts=[{"account": account}]
    )
    # when a call is logged on both
    call = log_activity(
        actor=trio.owner,
        kind="call",
        subject="询问报价",
        body="Wants 200 units",
        direction="outbound",
        accounts=[account],
        contacts=[contact],
    )
    # then it is linked to both, and the audit holds exactly what was created
    assert list(call.accounts.all()) == [account]
    assert list(call.contacts.all()) == [contact]
    assert audit_of(call) == [
        (
            "create",
            {
                "accounts": [None, ["华为技术有限公司"]],
                "at": [None, "2026-01-15T03:00:00+00:00"],
                "body": [None, "Wants 200 units"],
                "contacts": [None, ["张伟"]],
                "custom_fields": [None, {}],
                "direction": [None, "outbound"],
                "kind": [None, "call"],
                "location": [None, ""],
                "owner_id": [None, trio.owner.pk],
                "status": [None, "done"],
                "subject": [None, "询问报价"],
                "team_id": [None, trio.team.pk],
            },
        )
    ]


# --- log_activity: validation ----------------------------------------------------------

LATER = NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kind": "visit"}, {"kind": ["Choose one of: call, email, meeting, note, task."]}),
        ({"kind": ""}, {"kind": ["This field is required."]}),
        ({"subject": ""}, {"subject": ["This field is required."]}),
        ({"subject": "   "}, {"subject": ["This field is required."]}),
        ({"subject": "x" * 201}, {"subject": ["Use at most 200 characters (it has 201)."]}),
        (
            {"kind": "note", "direction": "inbound"},
            {"direction": ["Only calls and emails have a direction."]},
        ),
        (
            {"kind": "meeting", "at": LATER, "direction": "outbound"},
            {"direction": ["Only calls and emails have a direction."]},
        ),
        (
            {"kind": "task", "direction": "inbound"},
            {"direction": ["Only calls and emails have a direction."]},
        ),
        (
            {"direction": "sideways"},
            {"direction": ["Choose one of: inbound, outbound."]},
        ),
        ({"ends_at": LATER}, {"ends_at": ["Only meetings have an end."]}),
        (
            {"kind": "meeting", "at": LATER, "ends_at": LATER - timedelta(minutes=1)},
            {"ends_at": ["The end must be after the start."]},
        ),
        ({"reminder_at": LATER}, {"reminder_at": ["Only tasks and meetings have reminders."]}),
        (
            {"kind": "note", "reminder_at": LATER},
            {"reminder_at": ["Only tasks and meetings have reminders."]},
        ),
        ({"status": "later"}, {"status": ["Choose one of: open, done, cancelled."]}),
    ],
)
def test_bad_values_are_refused_naming_the_field_and_nothing_is_saved(trio, frozen, fields, errors):
    # given a call with one bad value
    values = {"kind": "call", "subject": "Quote", **fields}
    before = state()
    # when it is logged, then the error names exactly that field
    with pytest.raises(ValidationError) as error:
        log_activity(actor=trio.owner, **values)
    assert error.value.message_dict == errors
    assert state() == before


def test_deactivated_assignee_is_refused(trio):
    trio.teammate.is_active = False
    trio.teammate.save()
    before = state()
    with pytest.raises(ValidationError) as error:
        log_activity(actor=trio.owner, kind="task", subject="Chase", assignee=trio.teammate)
    assert error.value.message_dict == {"assignee": ["This user is deactivated."]}
    assert state() == before


def test_links_to_customers_the_actor_cannot_see_are_refused(trio):
    # given an account and a contact of another rep
    theirs = make_account(owner=trio.outsider, name="腾讯科技")
    their_contact = make_contact(owner=trio.outsider, family_name="王", given_name="芳")
    before = state()
    # when the owner logs a call on them
    with pytest.raises(ValidationError) as error:
        log_activity(
            actor=trio.owner,
            kind="call",
            subject="Cold call",
            accounts=[theirs],
            contacts=[their_contact],
        )
    # then both links are refused by name and nothing is saved
    assert error.value.message_dict == {
        "accounts": ["You cannot see “腾讯科技”."],
        "contacts": ["You cannot see “王芳”."],
    }
    assert state() == before


def test_a_rep_cannot_give_the_activity_to_someone_else(trio):
    before = state()
    with pytest.raises(ValidationError) as error:
        log_activity(actor=trio.owner, kind="note", subject="Note", owner=trio.teammate)
    assert error.value.message_dict == {"owner": ["You may not give records to someone else."]}
    assert state() == before


# --- update / complete / reopen / delete ------------------------------------------------


def test_update_changes_only_the_given_field_and_audits_it(trio, frozen):
    call = log_activity(
        actor=trio.owner, kind="call", subject="Quote", body="Wants 200", direction="inbound"
    )
    update_activity(actor=trio.owner, activity=call, subject="Quote for 300")
    call.refresh_from_db()
    assert (call.subject, call.body, call.direction, call.at) == (
        "Quote for 300",
        "Wants 200",
        "inbound",
        NOW,
    )
    assert audit_of(call)[1:] == [("change", {"subject": ["Quote", "Quote for 300"]})]


def test_update_without_a_real_change_writes_no_audit_entry(trio):
    call = log_activity(actor=trio.owner, kind="call", subject="Quote")
    update_activity(actor=trio.owner, activity=call, subject="Quote")
    assert [event for event, _changes in audit_of(call)] == ["create"]


def test_update_with_the_same_time_in_another_zone_audits_nothing(trio):
    call = log_activity(actor=trio.owner, kind="call", subject="Quote", at=NOW)
    same_instant = NOW.astimezone(ZoneInfo("Asia/Shanghai"))
    update_activity(actor=trio.owner, activity=call, at=same_instant, subject="Quote v2")
    assert audit_of(call)[1:] == [("change", {"subject": ["Quote", "Quote v2"]})]


def test_update_of_links_is_audited_by_name(trio):
    first = make_account(owner=trio.owner, name="阿里巴巴")
    second = make_account(owner=trio.owner, name="Acme Ltd")
    contact = make_contact(owner=trio.owner, family_name="李", given_name="娜")
    note = log_activity(actor=trio.owner, kind="note", subject="Met", accounts=[first])
    update_activity(actor=trio.owner, activity=note, accounts=[first, second], contacts=[contact])
    assert sorted(a.name for a in note.accounts.all()) == ["Acme Ltd", "阿里巴巴"]
    assert list(note.contacts.all()) == [contact]
    assert audit_of(note)[1:] == [
        (
            "change",
            {"accounts": [["阿里巴巴"], ["Acme Ltd", "阿里巴巴"]], "contacts": [[], ["李娜"]]},
        )
    ]


def test_update_with_links_the_actor_cannot_see_changes_nothing(trio):
    mine = make_account(owner=trio.owner, name="Mine")
    theirs = make_account(owner=trio.outsider, name="Theirs")
    note = log_activity(actor=trio.owner, kind="note", subject="Met", accounts=[mine])
    before = state()
    with pytest.raises(ValidationError) as error:
        update_activity(actor=trio.owner, activity=note, accounts=[mine, theirs])
    assert error.value.message_dict == {"accounts": ["You cannot see “Theirs”."]}
    assert state() == before


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"ends_at": LATER}, {"ends_at": ["Only meetings have an end."]}),
        ({"reminder_at": LATER}, {"reminder_at": ["Only tasks and meetings have reminders."]}),
        ({"kind": "note"}, {"direction": ["Only calls and emails have a direction."]}),
        ({"subject": ""}, {"subject": ["This field is required."]}),
        ({"status": "paused"}, {"status": ["Choose one of: open, done, cancelled."]}),
        ({"at": None}, {"at": ["This field is required."]}),
        ({"completed_at": NOW}, {"completed_at": ["This field cannot be changed here."]}),
    ],
)
def test_refused_update_names_the_field_and_changes_nothing(trio, frozen, fields, errors):
    call = log_activity(actor=trio.owner, kind="call", subject="Quote", direction="outbound")
    before = state()
    with pytest.raises(ValidationError) as error:
        update_activity(actor=trio.owner, activity=call, **fields)
    assert error.value.message_dict == errors
    assert state() == before


def test_meeting_moved_so_its_end_is_before_its_start_is_refused(trio, frozen):
    start = NOW + timedelta(days=1)
    meeting = log_activity(
        actor=trio.owner,
        kind="meeting",
        subject="Demo",
        at=start,
        ends_at=start + timedelta(hours=1),
    )
    before = state()
    with pytest.raises(ValidationError) as error:
        update_activity(actor=trio.owner, activity=meeting, at=start + timedelta(hours=2))
    assert error.value.message_dict == {"ends_at": ["The end must be after the start."]}
    assert state() == before


def test_complete_and_reopen_set_and_clear_completed_at_and_are_audited(trio, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    task = log_activity(actor=trio.owner, kind="task", subject="Send the contract")
    done_at = NOW + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: done_at)
    complete_activity(actor=trio.owner, activity=task)
    task.refresh_from_db()
    assert (task.status, task.completed_at) == ("done", done_at)
    reopen_activity(actor=trio.owner, activity=task)
    task.refresh_from_db()
    assert (task.status, task.completed_at) == ("open", None)
    assert audit_of(task)[1:] == [
        ("change", {"status": ["open", "done"]}),
        ("change", {"status": ["done", "open"]}),
    ]


def test_completing_a_done_task_again_changes_nothing(trio, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    task = log_activity(actor=trio.owner, kind="task", subject="Send", status="done")
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(days=1))
    complete_activity(actor=trio.owner, activity=task)
    task.refresh_from_db()
    assert task.completed_at == NOW
    assert len(audit_of(task)) == 1


def test_reassigning_a_task_notifies_only_the_new_assignee(trio):
    task = log_activity(actor=trio.owner, kind="task", subject="Chase payment")
    assert Notification.objects.count() == 0
    update_activity(actor=trio.owner, activity=task, assignee=trio.teammate)
    update_activity(actor=trio.owner, activity=task, body="still unpaid")  # same assignee
    assert list(Notification.objects.values_list("recipient_id", "kind", "title")) == [
        (trio.teammate.pk, "activity.assigned", f"{trio.owner} gave you a task: Chase payment")
    ]
    assert audit_of(task)[1] == (
        "change",
        {"assignee_id": [trio.owner.pk, trio.teammate.pk]},
    )


def test_delete_moves_the_activity_to_the_trash_and_keeps_its_customers(trio, frozen):
    account = make_account(owner=trio.owner, name="Acme")
    call = log_activity(actor=trio.owner, kind="call", subject="Quote", accounts=[account])
    item = delete_activity(actor=trio.owner, activity=call)
    assert not Activity.objects.filter(pk=call.pk).exists()
    trashed = Activity.all_objects.get(pk=call.pk)
    assert (trashed.deleted_at, trashed.deleted_by) == (NOW, trio.owner)
    assert (item.object_type, item.object_id, item.object_repr) == (
        "customers.activity",
        str(call.pk),
        "Quote",
    )
    assert list(trashed.accounts.all()) == [account]
    assert Account.objects.filter(pk=account.pk).exists()
    assert audit_of(call)[-1] == ("delete", {"deleted_at": [None, NOW.isoformat()]})


def test_deleting_twice_is_refused(trio):
    call = log_activity(actor=trio.owner, kind="call", subject="Quote")
    delete_activity(actor=trio.owner, activity=call)
    with pytest.raises(ValidationError) as error:
        delete_activity(actor=trio.owner, activity=call)
    assert error.value.message_dict == {"record": ["This record is already in the trash."]}
    assert TrashItem.objects.count() == 1


# --- reminders -----------------------------------------------------------------------

DUE = datetime(2026, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York, 22:00 in Shanghai


def reminder_task(actor, **fields):
    values = {
        "kind": "task",
        "subject": "询问报价",
        "at": DUE,
        "reminder_at": DUE - timedelta(hours=1),
    }
    values.update(fields)
    return log_activity(actor=actor, **values)


def reminders() -> list[tuple]:
    return list(
        Notification.objects.filter(kind="activity.reminder")
        .order_by("pk")
        .values_list("recipient_id", "title", "body", "url", "object_id")
    )


def test_reminder_is_sent_once_even_when_run_twice(trio):
    task = reminder_task(trio.owner)
    assert send_reminders(now=DUE - timedelta(minutes=30)) == 1
    assert send_reminders(now=DUE - timedelta(minutes=25)) == 0
    task.refresh_from_db()
    assert task.reminded_at == DUE - timedelta(minutes=30)
    assert reminders() == [
        (
            trio.owner.pk,
            "Reminder: 询问报价",
            "Due 2026-01-15 22:00.",  # the owner's time zone is Asia/Shanghai by default
            f"/activities/{task.pk}/",
            str(task.pk),
        )
    ]


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(trio, monkeypatch):
    # given a reminder already sent by one worker
    task = reminder_task(trio.owner)
    assert send_reminders(now=DUE) == 1
    # when a second worker works from a list read before the first one claimed it
    stale = Activity.objects.filter(pk=task.pk)
    monkeypatch.setattr(activity_services, "due_reminders", lambda now: stale)
    # then its conditional claim fails and nothing more is sent
    assert send_reminders(now=DUE + timedelta(minutes=5)) == 0
    assert len(reminders()) == 1
    task.refresh_from_db()
    assert task.reminded_at == DUE


def test_reminder_is_not_sent_before_its_time_and_is_sent_exactly_at_it(trio):
    reminder_task(trio.owner)
    assert send_reminders(now=DUE - timedelta(hours=1, seconds=1)) == 0
    assert reminders() == []
    assert send_reminders(now=DUE - timedelta(hours=1)) == 1
    assert len(reminders()) == 1


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_no_reminder_for_a_closed_task(trio, status):
    task = reminder_task(trio.owner)
    update_activity(actor=trio.owner, activity=task, status=status)
    assert send_reminders(now=DUE) == 0
    assert reminders() == []
    task.refresh_from_db()
    assert task.reminded_at is None


def test_no_reminder_for_a_trashed_task(trio):
    task = reminder_task(trio.owner)
    delete_activity(actor=trio.owner, activity=task)
    assert send_reminders(now=DUE) == 0
    assert reminders() == []


def test_reminder_goes_to_the_assignee_else_the_owner(trio):
    reminder_task(trio.owner, subject="Given away", assignee=trio.teammate)
    meeting = log_activity(
        actor=trio.owner,
        kind="meeting",
        subject="Unassigned meeting",
        at=DUE + timedelta(days=365),  # in the future, so open
        reminder_at=DUE - timedelta(hours=1),
    )
    assert meeting.assignee is None
    assert send_reminders(now=DUE) == 2
    recipients = {title: recipient for recipient, title, *_rest in reminders()}
    assert recipients == {
        "Reminder: Given away": trio.teammate.pk,
        "Reminder: Unassigned meeting": trio.owner.pk,
    }


def test_reminder_shows_the_time_in_the_recipients_time_zone(trio):
    new_york = make_user(role="sales_rep", time_zone="America/New_York")
    shanghai = make_user(role="sales_rep", time_zone="Asia/Shanghai")
    reminder_task(new_york, subject="NY")
    reminder_task(shanghai, subject="SH")
    assert send_reminders(now=DUE) == 2
    bodies = {recipient: body for recipient, _title, body, *_rest in reminders()}
    assert bodies == {new_york.pk: "Due 2026-01-15 09:00.", shanghai.pk: "Due 2026-01-15 22:00."}


def test_reminder_is_written_in_the_recipients_language(trio):
    chinese = make_user(role="sales_rep", language="zh-hans", time_zone="Asia/Shanghai")
    reminder_task(chinese)
    send_reminders(now=DUE)
    # The catalogue decides the wording: Chinese if it has the entry, else English.
    with translation.override("zh-hans"):
        title = gettext("Reminder: %(subject)s") % {"subject": "询问报价"}
        body = gettext("Due %(when)s.") % {"when": "2026-01-15 22:00"}
    assert reminders()[0][1:3] == (title, body)
    assert translation.get_language() == "en"  # the caller's language is untouched


def test_moving_the_reminder_sends_it_again(trio):
    task = reminder_task(trio.owner)
    send_reminders(now=DUE)
    task.refresh_from_db()
    update_activity(actor=trio.owner, activity=task, reminder_at=DUE + timedelta(hours=1))
    task.refresh_from_db()
    assert task.reminded_at is None
    assert send_reminders(now=DUE + timedelta(minutes=30)) == 0
    assert send_reminders(now=DUE + timedelta(hours=1)) == 1
    assert len(reminders()) == 2


def test_reminder_task_runs_every_five_minutes_and_sends_due_reminders(trio):
    reminder_task(trio.owner, reminder_at=timezone.now() - timedelta(minutes=1))
    entry = next(p for p in periodic_tasks() if p.task is send_activity_reminders)
    assert entry.every == timedelta(minutes=5)
    assert send_activity_reminders.call() == 1
    assert send_activity_reminders.call() == 0
    assert len(reminders()) == 1


# --- the timeline, from real activities ------------------------------------------------


def test_sixty_activities_page_25_at_a_time_each_once_newest_first(trio):
    # given 60 activities on one account, every third one sharing a timestamp
    account = make_account(owner=trio.owner)
    base = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    for i in range(60):
        log_activity(
            actor=trio.owner,
            kind="note",
            subject=f"n{i}",
            at=base + timedelta(hours=i // 3),
            accounts=[account],
        )
    expected = list(
        Activity.objects.filter(accounts=account)
        .order_by("-at", "-pk")
        .values_list("pk", flat=True)
    )
    # when the timeline is read page by page
    seen, sizes, cursor = [], [], None
    while True:
        page, cursor = timeline_page(trio.owner, account, cursor=cursor, limit=25)
        seen.extend(entry.id for entry in page)
        sizes.append(len(page))
        if cursor is None:
            break
    # then every activity comes exactly once, newest first, ties by id descending
    assert sizes == [25, 25, 10]
    assert seen == expected
    assert len(set(seen)) == 60


def test_timeline_entry_carries_the_activity(trio, frozen):
    account = make_account(owner=trio.owner)
    call = log_activity(
        actor=trio.owner,
        kind="call",
        subject="询问报价",
        body="Wants 200",
        direction="inbound",
        accounts=[account],
    )
    [entry], cursor = timeline_page(trio.owner, account)
    assert cursor is None
    assert (entry.at, entry.source, entry.id, entry.kind, str(entry.kind_label)) == (
        NOW,
        "activity",
        call.pk,
        "call",
        "Call",
    )
    assert (entry.title, entry.body, entry.actor, entry.url) == (
        "询问报价",
        "Wants 200",
        str(trio.owner),
        f"/activities/{call.pk}/",
    )
    assert entry.details["direction"] == "Inbound"
    assert entry.details["is_open"] is False


def test_timeline_filters_by_kind(trio):
    account = make_account(owner=trio.owner)
    for kind in ["call", "meeting", "note", "call"]:
        log_activity(
            actor=trio.owner,
            kind=kind,
            subject=kind,
            at=datetime(2025, 1, 1, tzinfo=UTC),
            accounts=[account],
        )
    calls, _cursor = timeline_page(trio.owner, account, kinds=["call"])
    both, _cursor = timeline_page(trio.owner, account, kinds=["meeting", "note"])
    assert [e.kind for e in calls] == ["call", "call"]
    assert sorted(e.kind for e in both) == ["meeting", "note"]


def test_activity_on_a_contact_shows_on_the_timeline_of_the_contacts_account(trio):
    account = make_account(owner=trio.owner, name="比亚迪")
    contact = make_contact(
        owner=trio.owner, family_name="王", given_name="传福", accounts=[{"account": account}]
    )
    elsewhere = make_contact(owner=trio.owner, family_name="Other")
    on_contact = log_activity(
        actor=trio.owner, kind="call", subject="On the contact", contacts=[contact]
    )
    log_activity(actor=trio.owner, kind="call", subject="Not here", contacts=[elsewhere])
    account_page, _cursor = timeline_page(trio.owner, account)
    contact_page, _cursor = timeline_page(trio.owner, contact)
    assert [e.id for e in account_page] == [on_contact.pk]
    assert [e.id for e in contact_page] == [on_contact.pk]


def test_activity_on_both_an_account_and_its_contact_shows_once(trio):
    account = make_account(owner=trio.owner)
    contact = make_contact(owner=trio.owner, accounts=[{"account": account}])
    call = log_activity(
        actor=trio.owner, kind="call", subject="Both", accounts=[account], contacts=[contact]
    )
    page, _cursor = timeline_page(trio.owner, account)
    assert [e.id for e in page] == [call.pk]


def test_trashed_activity_leaves_the_timeline_and_comes_back_on_restore(trio):
    account = make_account(owner=trio.owner)
    call = log_activity(actor=trio.owner, kind="call", subject="Quote", accounts=[account])
    item = delete_activity(actor=trio.owner, activity=call)
    assert timeline_page(trio.owner, account) == ([], None)
    restore_record(actor=trio.owner, item=item)
    page, _cursor = timeline_page(trio.owner, account)
    assert [e.id for e in page] == [call.pk]


@pytest.mark.parametrize("count", [5, 50])
def test_a_timeline_page_costs_one_query_per_source_however_many_activities(trio, count):
    account = make_account(owner=trio.owner)
    contact = make_contact(owner=trio.owner, accounts=[{"account": account}])
    for i in range(count):
        log_activity(
            actor=trio.owner,
            kind="task" if i % 2 else "call",
            subject=f"a{i}",
            assignee=trio.teammate if i % 2 else None,
            accounts=[account] if i % 3 else [],
            contacts=[contact],
        )
    with CaptureQueriesContext(connection) as queries:
        page, _cursor = timeline_page(trio.owner, account)
    assert len(page) == min(count, 25)
    # at most one query per registered source (activities here; other modules add theirs,
    # and a source the user may not read asks nothing)
    assert len(queries) <= len(sources())
