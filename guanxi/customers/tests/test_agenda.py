"""My day, the week calendar and the iCalendar export, in the user's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from guanxi.core.models import TeamMembership
from guanxi.core.services.tokens import create_token
from guanxi.customers.selectors import agenda_of, calendar_of
from guanxi.customers.services.activities import delete_activity, log_activity
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 22:00 on Wednesday 14 January in New York; already 11:00 on the 15th in Shanghai.
NOW = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)


def ny(day, hour, minute=0):
    return datetime(2026, 1, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def nyer(db):
    return make_user(role="sales_rep", full_name="Nora York", time_zone="America/New_York")


@pytest.fixture
def day_of(nyer, frozen):
    """A New Yorker's tasks and meetings around Wednesday 14 January."""
    other = make_user(role="sales_rep", full_name="Other")
    rows = {
        "overdue": log_activity(actor=nyer, kind="task", subject="Overdue", at=ny(13, 10)),
        "early": log_activity(actor=nyer, kind="task", subject="Due this morning", at=ny(14, 9)),
        "late": log_activity(actor=nyer, kind="task", subject="Due tonight", at=ny(14, 23, 30)),
        "given": log_activity(
            actor=other, kind="task", subject="Given to me", at=ny(14, 12), assignee=nyer
        ),
        "tomorrow": log_activity(actor=nyer, kind="task", subject="Tomorrow", at=ny(15, 10)),
        "done": log_activity(
            actor=nyer, kind="task", subject="Done already", at=ny(14, 8), status="done"
        ),
        "delegated": log_activity(
            actor=nyer, kind="task", subject="Delegated", at=ny(14, 8), assignee=other
        ),
        "theirs": log_activity(actor=other, kind="task", subject="Theirs", at=ny(14, 8)),
        "meeting": log_activity(
            actor=nyer, kind="meeting", subject="Lunch with 张总", at=ny(14, 12), location="Nobu"
        ),
        "meeting_tomorrow": log_activity(
            actor=nyer, kind="meeting", subject="Meeting tomorrow", at=ny(15, 9)
        ),
        "cancelled": log_activity(
            actor=nyer, kind="meeting", subject="Called off", at=ny(14, 15), status="cancelled"
        ),
        "call": log_activity(actor=nyer, kind="call", subject="A call", at=ny(14, 10)),
    }
    trashed = log_activity(actor=nyer, kind="task", subject="Trashed", at=ny(14, 10))
    delete_activity(actor=nyer, activity=trashed)
    return rows


def subjects(items):
    return [item.subject for item in items]


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</ul>", start)]


# --- the selector ------------------------------------------------------------------------


def test_agenda_sorts_tasks_into_overdue_and_today_and_lists_todays_meetings(nyer, day_of):
    agenda = agenda_of(nyer, date(2026, 1, 14), NEW_YORK)
    assert {key: subjects(items) for key, items in agenda.items()} == {
        "overdue": ["Overdue"],
        "today": ["Due this morning", "Given to me", "Due tonight"],
        "meetings": ["Lunch with 张总"],
    }


def test_the_same_instant_is_a_different_day_in_shanghai(db, frozen):
    # given a task due at 09:00 New York time on the 14th (22:00 in Shanghai)
    new_yorker = make_user(role="sales_rep", time_zone="America/New_York")
    shanghainese = make_user(role="sales_rep", time_zone="Asia/Shanghai")
    for user in (new_yorker, shanghainese):
        log_activity(actor=user, kind="task", subject="Quote", at=ny(14, 9))
    # then it is due today in New York but overdue in Shanghai, where it is the 15th
    assert subjects(agenda_of(new_yorker, date(2026, 1, 14), NEW_YORK)["today"]) == ["Quote"]
    shanghai_day = agenda_of(shanghainese, date(2026, 1, 15), SHANGHAI)
    assert (subjects(shanghai_day["overdue"]), shanghai_day["today"]) == (["Quote"], [])


# --- My day page -------------------------------------------------------------------------


def test_my_day_page_uses_the_users_own_today(client, nyer, day_of):
    client.force_login(nyer)
    response = client.get(reverse("customers:my_day"))
    assert response.status_code == 200
    assert response.context["day"] == date(2026, 1, 14)
    assert subjects(response.context["overdue"]) == ["Overdue"]
    assert subjects(response.context["today"]) == ["Due this morning", "Given to me", "Due tonight"]
    assert subjects(response.context["meetings"]) == ["Lunch with 张总"]
    html = response.content.decode()
    assert "Overdue" in section(html, "overdue")
    today = section(html, "today")
    assert ("09:00" in today, "12:00" in today, "23:30" in today) == (True, True, True)
    assert "22:00" not in today  # times are New York's, not the server's Shanghai
    assert "Due tonight" in section(html, "today")
    assert "Lunch with 张总" in section(html, "meetings")
    assert "Nobu" in section(html, "meetings")
    for absent in ["Tomorrow", "Done already", "Delegated", "Theirs", "Called off", "Trashed"]:
        assert absent not in html


def test_done_button_on_my_day_completes_the_task_and_comes_back(client, nyer, day_of):
    client.force_login(nyer)
    task = day_of["late"]
    response = client.post(
        reverse("customers:activity_toggle", args=[task.pk]), {"next": "/my-day/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/my-day/")
    task.refresh_from_db()
    assert (task.status, task.completed_at) == ("done", NOW)
    page = client.get(reverse("customers:my_day"))
    assert subjects(page.context["today"]) == ["Due this morning", "Given to me"]


def test_empty_day_says_so(client, frozen):
    user = make_user(role="sales_rep")
    client.force_login(user)
    html = client.get(reverse("customers:my_day")).content.decode()
    assert "Nothing overdue." in html
    assert "No tasks due today." in html
    assert "No meetings today." in html


# --- My day through the API --------------------------------------------------------------


def test_my_day_api_with_the_session_uses_the_users_today(client, nyer, day_of):
    client.force_login(nyer)
    body = client.get("/api/v1/my-day").json()
    assert body["day"] == "2026-01-14"
    assert [i["subject"] for i in body["overdue"]] == ["Overdue"]
    assert [i["subject"] for i in body["today"]] == [
        "Due this morning",
        "Given to me",
        "Due tonight",
    ]
    assert [i["subject"] for i in body["meetings"]] == ["Lunch with 张总"]
    assert body["today"][1]["assignee_id"] == nyer.pk


def test_my_day_api_with_a_token_uses_the_users_today(client, nyer, day_of):
    key = create_token(actor=nyer, name="t")[1]
    body = client.get("/api/v1/my-day", headers={"Authorization": f"Bearer {key}"}).json()
    assert body["day"] == "2026-01-14"
    assert [i["subject"] for i in body["today"]] == [
        "Due this morning",
        "Given to me",
        "Due tonight",
    ]


# --- the week calendar ---------------------------------------------------------------------


@pytest.fixture
def week(nyer, frozen):
    """Wednesday 14 January 2026 in New York; the week runs from Monday the 12th."""
    teammate = make_user(role="sales_rep", full_name="Tess Mate", time_zone="America/New_York")
    outsider = make_user(role="sales_rep", full_name="Otto Side")
    team = make_team(name="East", members=[nyer, teammate])
    other_team = make_team(name="West", members=[outsider])
    log_activity(actor=nyer, kind="meeting", subject="Mon meeting", at=ny(12, 9))
    log_activity(actor=nyer, kind="task", subject="Fri task", at=ny(16, 17))
    log_activity(actor=nyer, kind="meeting", subject="Sun late", at=ny(18, 23, 30))
    log_activity(actor=nyer, kind="meeting", subject="Next week", at=ny(19, 9))
    log_activity(actor=nyer, kind="meeting", subject="Off", at=ny(13, 9), status="cancelled")
    log_activity(actor=nyer, kind="note", subject="Just a note", at=ny(13, 9))
    log_activity(actor=teammate, kind="meeting", subject="Tess meeting", at=ny(14, 10))
    log_activity(actor=outsider, kind="meeting", subject="Otto meeting", at=ny(14, 10))
    return team, other_team


def calendar_days(response):
    return [(d["date"].isoformat(), subjects(d["items"])) for d in response.context["days"]]


def test_calendar_shows_this_week_in_the_users_time_zone(client, nyer, week):
    client.force_login(nyer)
    response = client.get(reverse("customers:calendar"))
    assert response.status_code == 200
    assert calendar_days(response) == [
        ("2026-01-12", ["Mon meeting"]),
        ("2026-01-13", []),
        ("2026-01-14", []),
        ("2026-01-15", []),
        ("2026-01-16", ["Fri task"]),
        ("2026-01-17", []),
        ("2026-01-18", ["Sun late"]),  # 04:30 UTC on the 19th, still Sunday in New York
    ]
    assert [d["is_today"] for d in response.context["days"]] == [
        False,
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert response.context["team"] is None
    assert (response.context["previous_week"], response.context["next_week"]) == (
        "2026-01-05",
        "2026-01-19",
    )


def test_calendar_moves_to_the_week_of_any_day(client, nyer, week):
    client.force_login(nyer)
    response = client.get(reverse("customers:calendar"), {"week": "2026-01-21"})
    assert calendar_days(response)[0] == ("2026-01-19", ["Next week"])
    bad = client.get(reverse("customers:calendar"), {"week": "someday"})
    assert bad.context["days"][0]["date"] == date(2026, 1, 12)


def test_team_calendar_shows_a_manager_every_members_meetings(client, nyer, week):
    team, _other = week
    manager = make_user(role="sales_manager", time_zone="America/New_York")
    TeamMembership.objects.create(team=team, user=manager, is_manager=True)
    client.force_login(manager)
    response = client.get(reverse("customers:calendar"), {"team": team.pk})
    assert response.status_code == 200
    assert response.context["team"] == team
    assert dict(calendar_days(response))["2026-01-14"] == ["Tess meeting"]
    assert "Tess Mate" in response.content.decode()


def test_team_calendar_shows_a_rep_no_more_than_their_grant(client, nyer, week):
    # A rep sees only their own activities, so a teammate's meeting stays hidden.
    team, _other = week
    client.force_login(nyer)
    response = client.get(reverse("customers:calendar"), {"team": team.pk})
    assert response.status_code == 200
    assert dict(calendar_days(response))["2026-01-14"] == []
    assert "Tess meeting" not in response.content.decode()


def test_calendar_of_a_team_one_is_not_in_is_not_found(client, nyer, week):
    _team, other = week
    client.force_login(nyer)
    assert client.get(reverse("customers:calendar"), {"team": other.pk}).status_code == 404
    assert client.get(reverse("customers:calendar"), {"team": 999_999}).status_code == 404


def test_administrator_sees_any_teams_calendar(client, admin, week):
    _team, other = week
    client.force_login(admin)
    response = client.get(reverse("customers:calendar"), {"team": other.pk, "week": "2026-01-14"})
    assert response.status_code == 200
    assert dict(calendar_days(response))["2026-01-14"] == ["Otto meeting"]


def test_calendar_selector_leaves_out_notes_cancelled_and_other_people(nyer, week):
    items = calendar_of(nyer, [nyer], ny(12, 0), ny(19, 0))
    assert subjects(items) == ["Mon meeting", "Fri task", "Sun late"]


# --- iCalendar -----------------------------------------------------------------------------


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


@override_settings(ALLOWED_HOSTS=["crm.example.com", "testserver"])
def test_one_meeting_downloads_as_an_ics_event(client, nyer, frozen):
    account = make_account(owner=nyer)
    meeting = log_activity(
        actor=nyer,
        kind="meeting",
        subject="季度回顾",
        body="Bring the numbers",
        at=ny(20, 14),
        ends_at=ny(20, 15, 30),
        location="上海市浦东新区",
        accounts=[account],
    )
    client.force_login(nyer)
    response = client.get(reverse("customers:activity_ics", args=[meeting.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="guanxi-{meeting.pk}.ics"'
    event = events(response)["季度回顾"]
    assert str(event["uid"]) == f"activity-{meeting.pk}@crm.example.com"
    assert event.decoded("dtstart") == ny(20, 14)
    assert event.decoded("dtend") == ny(20, 15, 30)
    assert str(event["location"]) == "上海市浦东新区"
    assert str(event["description"]) == "Bring the numbers"
    assert str(event["status"]) == "CONFIRMED"


def test_my_meetings_export_has_the_coming_meetings_only(client, nyer, frozen):
    soon = log_activity(actor=nyer, kind="meeting", subject="Soon", at=ny(20, 9))
    log_activity(actor=nyer, kind="meeting", subject="Last month", at=NOW - timedelta(days=20))
    log_activity(actor=nyer, kind="meeting", subject="Too old", at=NOW - timedelta(days=31))
    log_activity(actor=nyer, kind="meeting", subject="Too far", at=NOW + timedelta(days=91))
    log_activity(actor=nyer, kind="task", subject="A task", at=ny(20, 9))
    log_activity(actor=nyer, kind="meeting", subject="Off", at=ny(21, 9), status="cancelled")
    log_activity(actor=make_user(), kind="meeting", subject="Someone else's", at=ny(20, 9))
    client.force_login(nyer)
    response = client.get(reverse("customers:calendar_ics"))
    assert response["Content-Disposition"] == 'attachment; filename="guanxi-meetings.ics"'
    found = events(response)
    assert sorted(found) == ["Last month", "Soon"]
    event = found["Soon"]
    assert str(event["uid"]) == f"activity-{soon.pk}@127.0.0.1"
    assert event.decoded("dtstart") == ny(20, 9)
    assert event.decoded("dtend") == ny(20, 10)  # an hour when no end is given
    assert "location" not in event


def test_ics_file_is_a_guanxi_calendar_with_one_event_per_meeting(client, nyer, frozen):
    for hour in (9, 11, 14):
        log_activity(actor=nyer, kind="meeting", subject=f"M{hour}", at=ny(20, hour))
    client.force_login(nyer)
    response = client.get(reverse("customers:calendar_ics"))
    calendar = Calendar.from_ical(response.content)
    assert (str(calendar["prodid"]), str(calendar["version"])) == (
        "-//Guanxi CRM//guanxi//EN",
        "2.0",
    )
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["M9", "M11", "M14"]
