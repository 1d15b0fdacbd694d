"""The trash: deleting a team hides it, restore brings it back whole, purge ends it."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from guanxi.core.access import restrict, teammate_ids
from guanxi.core.choices import AuditEvent
from guanxi.core.models import Attachment, AuditEntry, Team, TeamMembership, TrashItem
from guanxi.core.scheduling import periodic_tasks
from guanxi.core.selectors import (
    attachments_of,
    get_trash_item_for,
    teams_visible_to,
    trash_visible_to,
)
from guanxi.core.services.attachments import add_attachment, delete_attachment
from guanxi.core.services.teams import create_team, delete_team, update_team
from guanxi.core.services.tokens import create_token
from guanxi.core.services.trash import purge_expired, purge_record, restore_record
from guanxi.core.tasks import purge_trash
from guanxi.core.trash import RETENTION, register_trashable, trash_rule
from guanxi.customers.models import Account
from guanxi.testing.users import make_team, make_user, team_trio

pytestmark = pytest.mark.django_db

TRASH_NAME_MESSAGE = "A team with this name is in the trash: restore it or choose another name."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def bearer(user):
    return {"Authorization": f"Bearer {create_token(actor=user, name='t')[1]}"}


def attach(team, actor, name="notes.txt", content=b"call back on Monday\n"):
    return add_attachment(actor=actor, parent=team, upload=SimpleUploadedFile(name, content))


def file_path(attachment):
    return Path(attachment.file.path)


def to_milliseconds(value):
    """JSON datetimes carry milliseconds."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def team_attachments_are_dependents():
    """core.team's rule, for one test, trashes the team's live attachments with it."""
    original = trash_rule("core.team")
    register_trashable(replace(original, dependents=lambda team: list(attachments_of(team))))
    yield
    register_trashable(original)
    assert trash_rule("core.team") is original


@pytest.fixture
def sales():
    """A sales manager (``owner``) and rep-like ``teammate`` share a team; ``outsider`` not."""
    return team_trio("sales_manager")


# --- Trashing -------------------------------------------------------------------------


def test_trashed_team_is_hidden_from_objects_and_selectors_but_kept_in_all_objects(admin):
    # Given a team with two members
    member = make_user(role="sales_rep")
    team = make_team(name="Sales North", members=[admin, member], managers=[admin])
    # When it is deleted
    delete_team(actor=admin, team=team)
    # Then only all_objects sees it, with its memberships kept
    assert list(Team.objects.filter(pk=team.pk)) == []
    assert list(teams_visible_to(admin).filter(pk=team.pk)) == []
    kept = Team.all_objects.get(pk=team.pk)
    assert kept.is_trashed is True
    assert kept.deleted_by == admin
    assert TeamMembership.objects.filter(team_id=team.pk).count() == 2


def test_trash_item_records_who_when_and_the_purge_date(admin):
    team = make_team(name="Sales East")
    before = timezone.now()
    item = delete_team(actor=admin, team=team)
    after = timezone.now()
    item.refresh_from_db()
    assert (item.object_type, item.object_id, item.object_repr) == (
        "core.team",
        str(team.pk),
        "Sales East",
    )
    assert item.deleted_by == admin
    assert item.owner is None
    assert item.group is None
    assert before <= item.deleted_at <= after
    assert item.purge_after == item.deleted_at + RETENTION
    assert timedelta(days=30) == RETENTION
    assert Team.all_objects.get(pk=team.pk).deleted_at == item.deleted_at


def test_deletion_is_audited_with_the_deletion_time(admin):
    team = make_team(name="Sales West")
    item = delete_team(actor=admin, team=team)
    entry = AuditEntry.objects.get(event=AuditEvent.DELETE, object_id=str(team.pk))
    assert entry.object_type == "core.team"
    assert entry.object_repr == "Sales West"
    assert entry.actor == admin
    assert entry.changes == {"deleted_at": [None, item.deleted_at.isoformat()]}


def test_trash_lists_the_team_for_its_deleter_and_admins_but_not_for_others(admin):
    # Given a team deleted by a sales manager (the service is called directly)
    deleter = make_user(role="sales_manager")
    other_manager = make_user(role="sales_manager")
    rep = make_user(role="sales_rep")
    other_admin = make_user(role="administrator")
    team = make_team(name="Sales South", members=[deleter, other_manager, rep])
    item = delete_team(actor=deleter, team=team)
    # Then the deleter and every administrator see it; members who did not delete it do not
    assert list(trash_visible_to(deleter)) == [item]
    assert list(trash_visible_to(admin)) == [item]
    assert list(trash_visible_to(other_admin)) == [item]
    assert list(trash_visible_to(other_manager)) == []
    assert list(trash_visible_to(rep)) == []
    assert get_trash_item_for(deleter, item.pk) == item
    with pytest.raises(Http404):
        get_trash_item_for(rep, item.pk)


def test_deactivated_deleter_and_anonymous_see_no_trash(admin):
    from django.contrib.auth.models import AnonymousUser

    deleter = make_user(role="sales_manager")
    delete_team(actor=deleter, team=make_team())
    deleter.is_active = False
    deleter.save(update_fields=["is_active"])
    assert list(trash_visible_to(deleter)) == []
    assert list(trash_visible_to(AnonymousUser())) == []


def test_trashing_a_trashed_team_again_is_refused_and_changes_nothing(admin):
    team = make_team()
    item = delete_team(actor=admin, team=team)
    other_admin = make_user(role="administrator")
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        delete_team(actor=other_admin, team=team)
    assert exc.value.message_dict == {"record": ["This record is already in the trash."]}
    assert list(TrashItem.objects.all()) == [item]
    assert Team.all_objects.get(pk=team.pk).deleted_by == admin
    assert AuditEntry.objects.count() == audit_before


def test_trashing_through_a_stale_instance_is_refused_with_the_trash_message(admin):
    team = make_team()
    stale = Team.objects.get(pk=team.pk)
    delete_team(actor=admin, team=team)
    with pytest.raises(ValidationError) as exc:
        delete_team(actor=admin, team=stale)
    assert exc.value.message_dict == {"record": ["This record is already in the trash."]}


# --- Names of trashed teams -----------------------------------------------------------


def test_name_of_a_trashed_team_is_refused_with_the_trash_message(admin):
    delete_team(actor=admin, team=make_team(name="Key Accounts"))
    teams_before = Team.all_objects.count()
    with pytest.raises(ValidationError) as exc:
        create_team(actor=admin, name="key accounts")
    assert exc.value.message_dict == {"name": [TRASH_NAME_MESSAGE]}
    assert Team.all_objects.count() == teams_before


def test_renaming_to_a_trashed_teams_name_is_refused_with_the_trash_message(admin):
    delete_team(actor=admin, team=make_team(name="Key Accounts"))
    team = make_team(name="Partners")
    with pytest.raises(ValidationError) as exc:
        update_team(actor=admin, team=team, name="Key Accounts")
    assert exc.value.message_dict == {"name": [TRASH_NAME_MESSAGE]}
    assert Team.objects.get(pk=team.pk).name == "Partners"


def test_name_of_a_live_team_keeps_the_plain_duplicate_message(admin):
    make_team(name="Partners")
    with pytest.raises(ValidationError) as exc:
        create_team(actor=admin, name="Partners")
    assert exc.value.message_dict == {"name": ["A team with this name already exists."]}


def test_team_form_shows_the_trash_message_for_a_trashed_name(client, admin):
    delete_team(actor=admin, team=make_team(name="Key Accounts"))
    client.force_login(admin)
    response = client.post(reverse("core:team_create"), {"name": "Key Accounts"})
    assert response.status_code == 200
    assert TRASH_NAME_MESSAGE in response.content.decode()
    assert Team.all_objects.filter(name="Key Accounts").count() == 1


# --- Restoring ------------------------------------------------------------------------


def test_restore_brings_the_team_back_with_its_memberships(admin):
    manager = make_user(role="sales_manager")
    rep = make_user(role="sales_rep")
    team = make_team(name="Sales North", members=[manager, rep], managers=[manager])
    item = delete_team(actor=admin, team=team)
    restored = restore_record(actor=admin, item=item)
    assert restored == team
    live = Team.objects.get(pk=team.pk)
    assert (live.deleted_at, live.deleted_by) == (None, None)
    assert sorted(live.memberships.values_list("user_id", "is_manager")) == sorted(
        [(manager.pk, True), (rep.pk, False)]
    )
    assert TrashItem.objects.count() == 0
    assert list(trash_visible_to(admin)) == []


def test_restore_is_audited_with_the_deletion_time(admin):
    team = make_team(name="Sales North")
    item = delete_team(actor=admin, team=team)
    deleted_at = item.deleted_at.isoformat()
    restorer = make_user(role="administrator")
    restore_record(actor=restorer, item=item)
    entry = AuditEntry.objects.get(event=AuditEvent.RESTORE)
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "core.team",
        str(team.pk),
        "Sales North",
    )
    assert entry.actor == restorer
    assert entry.changes == {"deleted_at": [deleted_at, None]}


def test_trashed_team_gives_no_team_access_until_restored(admin, sales):
    # Given a manager whose teammate owns an account
    account = Account.objects.create(name="Acme", owner=sales.teammate)
    assert set(teammate_ids(sales.owner).values_list("user_id", flat=True)) == {
        sales.owner.pk,
        sales.teammate.pk,
    }
    assert list(restrict(Account.objects.all(), sales.owner)) == [account]
    # When the team is in the trash
    item = delete_team(actor=admin, team=sales.team)
    # Then the manager reaches only their own records
    assert set(teammate_ids(sales.owner).values_list("user_id", flat=True)) == set()
    assert list(restrict(Account.objects.all(), sales.owner)) == []
    assert list(restrict(Account.objects.all(), sales.teammate)) == [account]  # their own
    # And when it is restored, team access returns
    restore_record(actor=admin, item=item)
    assert set(teammate_ids(sales.owner).values_list("user_id", flat=True)) == {
        sales.owner.pk,
        sales.teammate.pk,
    }
    assert list(restrict(Account.objects.all(), sales.owner)) == [account]
    assert list(restrict(Account.objects.all(), sales.outsider)) == []


def test_trashed_team_given_as_an_accounts_team_gives_no_team_access(admin, sales):
    account = Account.objects.create(name="Acme", owner=sales.outsider, team=sales.team)
    assert list(restrict(Account.objects.all(), sales.owner)) == [account]
    delete_team(actor=admin, team=sales.team)
    assert list(restrict(Account.objects.all(), sales.owner)) == []


def test_another_live_team_still_gives_access_while_one_is_trashed(admin, sales):
    # Given the owner and teammate also share a second, live team
    make_team(members=[sales.owner, sales.teammate], managers=[sales.owner])
    delete_team(actor=admin, team=sales.team)
    assert set(teammate_ids(sales.owner).values_list("user_id", flat=True)) == {
        sales.owner.pk,
        sales.teammate.pk,
    }


# --- Dependents -----------------------------------------------------------------------


def test_dependents_are_trashed_with_the_team_and_not_listed(
    admin, team_attachments_are_dependents
):
    team = make_team(name="Sales North")
    first = attach(team, admin, "a.txt")
    second = attach(team, admin, "b.txt")
    item = delete_team(actor=admin, team=team)
    assert list(attachments_of(team)) == []
    for attachment in (first, second):
        hidden = Attachment.all_objects.get(pk=attachment.pk)
        assert (hidden.deleted_at, hidden.deleted_by) == (item.deleted_at, admin)
    assert sorted(item.dependents.values_list("object_type", "object_id")) == sorted(
        [("core.attachment", str(first.pk)), ("core.attachment", str(second.pk))]
    )
    assert list(trash_visible_to(admin)) == [item]
    entry = AuditEntry.objects.get(event=AuditEvent.DELETE, object_type="core.team")
    assert entry.changes == {
        "deleted_at": [None, item.deleted_at.isoformat()],
        "trashed_with_it": [0, 2],
    }


def test_restoring_a_dependent_directly_is_refused_and_changes_nothing(
    admin, team_attachments_are_dependents
):
    team = make_team()
    attachment = attach(team, admin)
    item = delete_team(actor=admin, team=team)
    dependent = item.dependents.get()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        restore_record(actor=admin, item=dependent)
    assert exc.value.message_dict == {
        "record": ["This record was deleted together with another; restore that one."]
    }
    assert Attachment.all_objects.get(pk=attachment.pk).is_trashed is True
    assert TrashItem.objects.count() == 2
    assert AuditEntry.objects.count() == audit_before


def test_purging_a_dependent_directly_is_refused_and_changes_nothing(
    admin, team_attachments_are_dependents
):
    team = make_team()
    attachment = attach(team, admin)
    item = delete_team(actor=admin, team=team)
    with pytest.raises(ValidationError) as exc:
        purge_record(actor=admin, item=item.dependents.get())
    assert exc.value.message_dict == {
        "record": ["This record was deleted together with another; purge that one."]
    }
    assert Attachment.all_objects.filter(pk=attachment.pk).exists()
    assert file_path(attachment).exists()
    assert TrashItem.objects.count() == 2


def test_dependents_come_back_with_the_team(admin, team_attachments_are_dependents):
    team = make_team()
    first = attach(team, admin, "a.txt")
    second = attach(team, admin, "b.txt")
    item = delete_team(actor=admin, team=team)
    restore_record(actor=admin, item=item)
    assert sorted(a.pk for a in attachments_of(team)) == sorted([first.pk, second.pk])
    assert TrashItem.objects.count() == 0


def test_attachment_trashed_before_the_team_stays_in_the_trash_after_restore(
    admin, team_attachments_are_dependents
):
    team = make_team()
    kept = attach(team, admin, "kept.txt")
    removed = attach(team, admin, "removed.txt")
    own_item = delete_attachment(actor=admin, attachment=removed, parent=team)
    item = delete_team(actor=admin, team=team)
    assert list(item.dependents.values_list("object_id", flat=True)) == [str(kept.pk)]
    restore_record(actor=admin, item=item)
    assert [a.pk for a in attachments_of(team)] == [kept.pk]
    assert list(TrashItem.objects.all()) == [own_item]


def test_deletion_audit_counts_only_the_dependents_it_trashed(admin):
    original = trash_rule("core.team")
    register_trashable(
        replace(
            original,
            dependents=lambda team: list(
                Attachment.all_objects.filter(object_type="core.team", object_id=str(team.pk))
            ),
        )
    )
    try:
        team = make_team()
        attach(team, admin, "kept.txt")
        removed = attach(team, admin, "removed.txt")
        delete_attachment(actor=admin, attachment=removed, parent=team)
        item = delete_team(actor=admin, team=team)
        assert item.dependents.count() == 1
        entry = AuditEntry.objects.get(event=AuditEvent.DELETE, object_type="core.team")
        assert entry.changes["trashed_with_it"] == [0, 1]
    finally:
        register_trashable(original)


def test_purging_the_team_purges_its_dependents_and_their_files(
    admin, team_attachments_are_dependents
):
    team = make_team()
    first = attach(team, admin, "a.txt")
    second = attach(team, admin, "b.png", PNG)
    paths = [file_path(first), file_path(second)]
    assert all(p.exists() for p in paths)
    item = delete_team(actor=admin, team=team)
    purge_record(actor=admin, item=item)
    assert Attachment.all_objects.filter(pk__in=[first.pk, second.pk]).count() == 0
    assert [p.exists() for p in paths] == [False, False]
    assert TrashItem.objects.count() == 0
    assert not Team.all_objects.filter(pk=team.pk).exists()


# --- Purging --------------------------------------------------------------------------


def test_purge_record_deletes_the_team_for_good_and_audits_it(admin):
    member = make_user(role="sales_rep")
    team = make_team(name="Old Team", members=[member])
    item = delete_team(actor=admin, team=team)
    purger = make_user(role="administrator")
    purge_record(actor=purger, item=item)
    assert not Team.all_objects.filter(pk=team.pk).exists()
    assert not TeamMembership.objects.filter(team_id=team.pk).exists()
    assert TrashItem.objects.count() == 0
    entry = AuditEntry.objects.get(event=AuditEvent.PURGE)
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "core.team",
        str(team.pk),
        "Old Team",
    )
    assert entry.actor == purger
    assert entry.changes == {}


def test_purging_a_team_deletes_its_attachments_and_their_files(admin):
    # Given a team (default rule: attachments are not dependents) with a live and a
    # trashed attachment
    team = make_team()
    live = attach(team, admin, "live.txt")
    trashed = attach(team, admin, "trashed.txt")
    delete_attachment(actor=admin, attachment=trashed, parent=team)
    paths = [file_path(live), file_path(trashed)]
    item = delete_team(actor=admin, team=team)
    # When the team is purged
    purge_record(actor=admin, item=item)
    # Then both attachments, their files and their trash items are gone
    assert Attachment.all_objects.filter(object_type="core.team").count() == 0
    assert [p.exists() for p in paths] == [False, False]
    assert TrashItem.objects.count() == 0


def test_purge_expired_purges_only_items_past_their_purge_date(admin):
    # Given two trashed teams, one deleted 31 days ago
    old = make_team(name="Old")
    old_file = file_path(attach(old, admin, "old.txt"))
    old_item = delete_team(actor=admin, team=old)
    long_ago = timezone.now() - timedelta(days=31)
    TrashItem.objects.filter(pk=old_item.pk).update(
        deleted_at=long_ago, purge_after=long_ago + RETENTION
    )
    recent = make_team(name="Recent")
    recent_file = file_path(attach(recent, admin, "recent.txt"))
    recent_item = delete_team(actor=admin, team=recent)
    # When the expired are purged
    assert purge_expired() == 1
    # Then only the old team, its attachment and its file are gone
    assert list(Team.all_objects.filter(pk__in=[old.pk, recent.pk])) == [recent]
    assert list(TrashItem.objects.all()) == [recent_item]
    assert Attachment.all_objects.filter(object_id=str(old.pk)).count() == 0
    assert (old_file.exists(), recent_file.exists()) == (False, True)
    entry = AuditEntry.objects.get(event=AuditEvent.PURGE)
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "core.team",
        str(old.pk),
        "Old",
    )
    assert entry.actor is None
    assert entry.changes == {}


def test_purge_expired_uses_the_given_time_and_the_purge_date_is_inclusive(admin):
    team = make_team()
    item = delete_team(actor=admin, team=team)
    assert purge_expired(now=item.purge_after - timedelta(seconds=1)) == 0
    assert Team.all_objects.filter(pk=team.pk).exists()
    assert purge_expired(now=item.purge_after) == 1
    assert not Team.all_objects.filter(pk=team.pk).exists()


def test_purge_expired_is_idempotent(admin):
    item = delete_team(actor=admin, team=make_team())
    later = item.purge_after + timedelta(days=1)
    assert purge_expired(now=later) == 1
    audit_after_first = AuditEntry.objects.count()
    assert purge_expired(now=later) == 0
    assert AuditEntry.objects.count() == audit_after_first
    assert AuditEntry.objects.filter(event=AuditEvent.PURGE).count() == 1


def test_purge_expired_purges_dependents_with_their_group_only(
    admin, team_attachments_are_dependents
):
    team = make_team()
    attachment = attach(team, admin)
    path = file_path(attachment)
    item = delete_team(actor=admin, team=team)
    assert purge_expired(now=item.purge_after) == 1  # one group, not two items
    assert not Attachment.all_objects.filter(pk=attachment.pk).exists()
    assert path.exists() is False
    assert TrashItem.objects.count() == 0


def test_purge_trash_task_is_scheduled_hourly_and_purges(admin):
    entry = next(p for p in periodic_tasks() if p.task is purge_trash)
    assert entry.every == timedelta(hours=1)
    team = make_team()
    item = delete_team(actor=admin, team=team)
    TrashItem.objects.filter(pk=item.pk).update(purge_after=timezone.now() - timedelta(minutes=1))
    result = purge_trash.enqueue()
    assert result.return_value == 1
    assert not Team.all_objects.filter(pk=team.pk).exists()


# --- Pages ----------------------------------------------------------------------------


def test_deleting_a_team_on_its_page_moves_it_to_the_trash(client, admin):
    team = make_team(name="Sales North")
    client.force_login(admin)
    response = client.post(reverse("core:team_delete", args=[team.pk]), follow=True)
    assert response.redirect_chain == [(reverse("core:team_list"), 302)]
    assert "The team was deleted." in messages_of(response)
    assert "Sales North" not in response.content.decode()
    assert TrashItem.objects.get().object_id == str(team.pk)
    assert client.get(reverse("core:team_detail", args=[team.pk])).status_code == 404


def test_trash_page_lists_the_deleted_team_for_admin_and_deleter_only(client, admin):
    deleter = make_user(role="sales_manager")
    rep = make_user(role="sales_rep")
    delete_team(actor=deleter, team=make_team(name="Sales North"))
    for user, listed in [(admin, True), (deleter, True), (rep, False)]:
        client.force_login(user)
        response = client.get(reverse("core:trash_list"))
        assert response.status_code == 200
        assert ("Sales North" in response.content.decode()) is listed, user


def test_trash_page_shows_purge_button_to_admins_only(client, admin):
    deleter = make_user(role="sales_manager")
    item = delete_team(actor=deleter, team=make_team(name="Sales North"))
    purge_url = reverse("core:trash_purge", args=[item.pk])
    client.force_login(admin)
    assert purge_url in client.get(reverse("core:trash_list")).content.decode()
    client.force_login(deleter)
    page = client.get(reverse("core:trash_list")).content.decode()
    assert reverse("core:trash_restore", args=[item.pk]) in page
    assert purge_url not in page


def test_restore_on_the_trash_page_returns_to_the_team(client, admin):
    team = make_team(name="Sales North")
    item = delete_team(actor=admin, team=team)
    client.force_login(admin)
    response = client.post(reverse("core:trash_restore", args=[item.pk]), follow=True)
    assert response.redirect_chain == [(reverse("core:team_detail", args=[team.pk]), 302)]
    assert "“Sales North” was restored." in messages_of(response)
    assert Team.objects.get(pk=team.pk).is_trashed is False
    assert TrashItem.objects.count() == 0


def test_restore_by_an_unrelated_user_is_404_and_changes_nothing(client, admin):
    team = make_team()
    item = delete_team(actor=admin, team=team)
    client.force_login(make_user(role="sales_manager"))
    response = client.post(reverse("core:trash_restore", args=[item.pk]))
    assert response.status_code == 404
    assert Team.all_objects.get(pk=team.pk).is_trashed is True
    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_restore_needs_post(client, admin):
    item = delete_team(actor=admin, team=make_team())
    client.force_login(admin)
    assert client.get(reverse("core:trash_restore", args=[item.pk])).status_code == 405
    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_purge_on_the_trash_page_by_an_admin(client, admin):
    team = make_team(name="Sales North")
    item = delete_team(actor=admin, team=team)
    client.force_login(admin)
    response = client.post(reverse("core:trash_purge", args=[item.pk]), follow=True)
    assert response.redirect_chain == [(reverse("core:trash_list"), 302)]
    assert "“Sales North” was deleted for good." in messages_of(response)
    assert not Team.all_objects.filter(pk=team.pk).exists()
    assert AuditEntry.objects.get(event=AuditEvent.PURGE).actor == admin


def test_purge_on_the_trash_page_is_refused_to_the_deleter_and_changes_nothing(client, admin):
    deleter = make_user(role="sales_manager")
    team = make_team()
    item = delete_team(actor=deleter, team=team)
    client.force_login(deleter)
    response = client.post(reverse("core:trash_purge", args=[item.pk]))
    assert response.status_code == 403
    assert Team.all_objects.get(pk=team.pk).is_trashed is True
    assert TrashItem.objects.filter(pk=item.pk).exists()
    assert not AuditEntry.objects.filter(event=AuditEvent.PURGE).exists()


def test_trash_page_needs_login(client):
    response = client.get(reverse("core:trash_list"))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


# --- API ------------------------------------------------------------------------------


def test_api_team_list_and_detail_hide_a_trashed_team(client, admin):
    live = make_team(name="Live")
    gone = make_team(name="Gone")
    delete_team(actor=admin, team=gone)
    response = client.get("/api/v1/teams", headers=bearer(admin))
    assert [t["name"] for t in response.json()["items"]] == ["Live"]
    assert client.get(f"/api/v1/teams/{gone.pk}", headers=bearer(admin)).status_code == 404
    assert client.get(f"/api/v1/teams/{live.pk}", headers=bearer(admin)).status_code == 200


def test_api_trash_lists_items_with_exact_fields(client, admin):
    deleter = make_user(role="sales_manager")
    team = make_team(name="Sales North")
    item = delete_team(actor=deleter, team=team)
    response = client.get("/api/v1/trash", headers=bearer(deleter))
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    [row] = body["items"]
    assert parse_datetime(row.pop("deleted_at")) == to_milliseconds(item.deleted_at)
    assert parse_datetime(row.pop("purge_after")) == to_milliseconds(item.purge_after)
    assert row == {
        "id": item.pk,
        "object_type": "core.team",
        "object_id": str(team.pk),
        "object_repr": "Sales North",
        "owner_id": None,
        "deleted_by_id": deleter.pk,
    }
    outsider = make_user(role="sales_manager")
    assert client.get("/api/v1/trash", headers=bearer(outsider)).json()["items"] == []
    admin_items = client.get("/api/v1/trash", headers=bearer(admin)).json()["items"]
    assert [r["id"] for r in admin_items] == [item.pk]


def test_api_trash_filters_by_object_type(client, admin):
    team = make_team()
    team_item = delete_team(actor=admin, team=team)
    attachment = attach(make_team(), admin)
    delete_attachment(actor=admin, attachment=attachment, parent=team)
    response = client.get("/api/v1/trash?object_type=core.team", headers=bearer(admin))
    assert [r["id"] for r in response.json()["items"]] == [team_item.pk]


def test_api_restore(client, admin):
    team = make_team()
    item = delete_team(actor=admin, team=team)
    response = client.post(f"/api/v1/trash/{item.pk}/restore", headers=bearer(admin))
    assert response.status_code == 200
    assert response.json() == {"object_type": "core.team", "object_id": str(team.pk)}
    assert Team.objects.filter(pk=team.pk).exists()
    assert client.get(f"/api/v1/teams/{team.pk}", headers=bearer(admin)).status_code == 200


def test_api_restore_by_an_unrelated_user_is_404_and_changes_nothing(client, admin):
    team = make_team()
    item = delete_team(actor=admin, team=team)
    response = client.post(
        f"/api/v1/trash/{item.pk}/restore", headers=bearer(make_user(role="sales_manager"))
    )
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": None, "message": "Not found.", "code": "not_found"}
    ]
    assert Team.all_objects.get(pk=team.pk).is_trashed is True
    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_api_restore_of_a_dependent_is_404_and_changes_nothing(
    client, admin, team_attachments_are_dependents
):
    team = make_team()
    attachment = attach(team, admin)
    item = delete_team(actor=admin, team=team)
    dependent = item.dependents.get()
    response = client.post(f"/api/v1/trash/{dependent.pk}/restore", headers=bearer(admin))
    assert response.status_code == 404
    assert Attachment.all_objects.get(pk=attachment.pk).is_trashed is True
    assert TrashItem.objects.count() == 2


def test_api_purge_by_an_admin(client, admin):
    team = make_team()
    item = delete_team(actor=admin, team=team)
    response = client.delete(f"/api/v1/trash/{item.pk}", headers=bearer(admin))
    assert response.status_code == 204
    assert not Team.all_objects.filter(pk=team.pk).exists()
    assert not TrashItem.objects.exists()
    assert AuditEntry.objects.get(event=AuditEvent.PURGE).actor == admin


def test_api_purge_by_the_deleter_is_403_and_changes_nothing(client, admin):
    deleter = make_user(role="sales_manager")
    team = make_team()
    item = delete_team(actor=deleter, team=team)
    response = client.delete(f"/api/v1/trash/{item.pk}", headers=bearer(deleter))
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"field": None, "message": "You do not have permission to do this.", "code": "forbidden"}
    ]
    assert Team.all_objects.get(pk=team.pk).is_trashed is True
    assert TrashItem.objects.filter(pk=item.pk).exists()
    assert not AuditEntry.objects.filter(event=AuditEvent.PURGE).exists()


def test_api_purge_of_a_missing_item_is_404(client, admin):
    response = client.delete("/api/v1/trash/999999", headers=bearer(admin))
    assert response.status_code == 404


def test_api_trash_needs_authentication(client):
    response = client.get("/api/v1/trash")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthenticated"
