"""User, team, token and role services: exact effects, audit entries and refusals."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from guanxi.core.choices import AuditEvent, Origin
from guanxi.core.context import change_context
from guanxi.core.models import AuditEntry, Role, RoleGrant, Team, User
from guanxi.core.services.roles import sync_builtin_roles
from guanxi.core.services.teams import create_team, delete_team, update_team
from guanxi.core.services.tokens import authenticate_token, create_token, revoke_token
from guanxi.core.services.users import deactivate_user, invite_user, reactivate_user, update_user
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_invite_creates_passwordless_user_and_mails_a_link(
    admin, django_capture_on_commit_callbacks
):
    rep_role = Role.objects.get(code="sales_rep")
    with django_capture_on_commit_callbacks(execute=True):
        user = invite_user(
            actor=admin,
            email="New.Person@Example.test",
            full_name="New Person",
            roles=[rep_role],
            language="en",
            base_url="http://testserver/",
        )
    assert user.email == "new.person@example.test"
    assert user.has_usable_password() is False
    assert list(user.roles.all()) == [rep_role]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.test"]
    assert mail.outbox[0].subject == "You are invited to Guanxi"
    assert "http://testserver/password/reset/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert entry.event == AuditEvent.CREATE
    assert entry.actor == admin
    assert entry.changes["roles"] == [None, ["sales_rep"]]


def test_invite_refuses_a_taken_email_and_changes_nothing(admin, rep):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        invite_user(actor=admin, email="LIWEI@example.test", full_name="x", base_url="http://t/")
    assert "email" in exc.value.message_dict
    assert User.objects.count() == before


def test_update_user_records_field_level_diff_with_origin(admin, rep):
    with change_context(origin=Origin.API, ip_address="10.0.0.9", request_id="req-1"):
        update_user(actor=admin, user=rep, full_name="李伟伟", time_zone="Europe/Berlin")
    entry = AuditEntry.objects.filter(object_id=str(rep.pk), event=AuditEvent.CHANGE).get()
    assert entry.changes == {
        "full_name": ["李伟", "李伟伟"],
        "time_zone": ["Asia/Shanghai", "Europe/Berlin"],
    }
    assert (entry.origin, entry.ip_address, entry.request_id) == ("api", "10.0.0.9", "req-1")


def test_user_cannot_promote_themselves(rep):
    with pytest.raises(ValidationError) as exc:
        update_user(actor=rep, user=rep, is_superuser=True)
    assert "is_superuser" in exc.value.message_dict
    rep.refresh_from_db()
    assert rep.is_superuser is False


def test_only_administrators_grant_administrator_rights(rep):
    other = make_user()
    with pytest.raises(ValidationError) as exc:
        update_user(actor=rep, user=other, is_superuser=True)
    assert "is_superuser" in exc.value.message_dict
    other.refresh_from_db()
    assert other.is_superuser is False


def test_update_user_rejects_unknown_language_naming_the_field(admin, rep):
    with pytest.raises(ValidationError) as exc:
        update_user(actor=admin, user=rep, language="fr")
    assert "language" in exc.value.message_dict
    rep.refresh_from_db()
    assert rep.language == "en"


def test_deactivate_blocks_login_and_revokes_tokens(admin, rep, client):
    token, key = create_token(actor=rep, name="ERP")
    deactivate_user(actor=admin, user=rep)
    rep.refresh_from_db()
    token.refresh_from_db()
    assert rep.is_active is False
    assert token.revoked_at is not None
    assert authenticate_token(key) is None
    assert client.login(username=rep.email, password="test-password-123") is False
    entry = AuditEntry.objects.get(event=AuditEvent.DEACTIVATE)
    assert entry.changes == {"is_active": [True, False], "tokens_revoked": [0, 1]}


def test_reactivate_lets_user_log_in_but_keeps_old_tokens_revoked(admin, rep, client):
    _token, key = create_token(actor=rep, name="old")
    deactivate_user(actor=admin, user=rep)
    reactivate_user(actor=admin, user=rep)
    assert client.login(username=rep.email, password="test-password-123") is True
    assert authenticate_token(key) is None


def test_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        deactivate_user(actor=admin, user=admin)
    admin.refresh_from_db()
    assert admin.is_active is True


def test_token_is_stored_hashed_and_revocable(rep):
    token, key = create_token(actor=rep, name="script")
    assert key.startswith("gx_")
    assert key not in token.key_hash
    assert authenticate_token(key) == rep
    revoke_token(actor=rep, token=token)
    assert authenticate_token(key) is None
    assert authenticate_token("gx_wrong") is None


def test_token_needs_a_name(rep):
    with pytest.raises(ValidationError) as exc:
        create_token(actor=rep, name="  ")
    assert "name" in exc.value.message_dict


def test_team_lifecycle_is_audited(admin, rep):
    manager = make_user(role="sales_manager")
    team = create_team(actor=admin, name="华东销售", members=[rep], managers=[manager])
    assert {(m.user, m.is_manager) for m in team.memberships.all()} == {
        (rep, False),
        (manager, True),
    }
    update_team(actor=admin, team=team, name="华东销售一部", members=[rep, manager], managers=[])
    assert set(team.memberships.values_list("is_manager", flat=True)) == {False}
    change = AuditEntry.objects.get(object_type="core.team", event=AuditEvent.CHANGE)
    assert change.changes["name"] == ["华东销售", "华东销售一部"]
    delete_team(actor=admin, team=team)
    assert not Team.objects.exists()
    assert AuditEntry.objects.filter(object_type="core.team", event=AuditEvent.DELETE).count() == 1


def test_team_names_are_unique_case_insensitively(admin):
    create_team(actor=admin, name="Sales")
    with pytest.raises(ValidationError) as exc:
        create_team(actor=admin, name="sales")
    assert "name" in exc.value.message_dict
    assert Team.objects.count() == 1


def test_sync_builtin_roles_restores_tampered_grants():
    grant = RoleGrant.objects.get(role__code="sales_rep", object_type="core.user", action="view")
    grant.scope = "own"
    grant.save()
    RoleGrant.objects.create(role=grant.role, object_type="core.user", action="delete", scope="all")
    sync_builtin_roles()
    assert list(
        RoleGrant.objects.filter(role__code="sales_rep", object_type="core.user").values_list(
            "action", "scope"
        )
    ) == [("view", "all")]
