"""Record-level scopes: own, team and all, and 404 for missing and forbidden alike."""

import pytest
from django.http import Http404

from guanxi.core import permissions
from guanxi.core.access import can, forget_grants, get_for_or_404, restrict, scope_for
from guanxi.core.choices import Scope
from guanxi.core.models import AuditEntry, Role, RoleGrant
from guanxi.core.permissions import ObjectType
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned_type(monkeypatch):
    """Treat audit entries as records owned by their actor, to exercise every scope."""
    spec = ObjectType(key="core.auditentry", label="Owned", owner_field="actor")
    monkeypatch.setitem(permissions._registry, spec.key, spec)
    return spec


def grant(role_code: str, object_type: str, action: str, scope: str) -> Role:
    role = Role.objects.create(code=role_code, name=role_code)
    RoleGrant.objects.create(role=role, object_type=object_type, action=action, scope=scope)
    return role


def entry_by(user):
    return AuditEntry.objects.create(
        actor=user, origin="ui", event="create", object_type="x", object_id="1", object_repr="x"
    )


def setup_people(scope):
    role = grant("tester", "core.auditentry", "view", scope)
    me, mate, stranger = make_user(), make_user(), make_user()
    for user in (me, mate, stranger):
        user.roles.add(role)
    make_team(members=[me, mate])
    make_team(members=[stranger])
    return me, entry_by(me), entry_by(mate), entry_by(stranger)


def test_own_scope_sees_only_own_records(owned_type):
    me, mine, mates, strangers = setup_people(Scope.OWN)
    assert list(restrict(AuditEntry.objects.all(), me)) == [mine]


def test_team_scope_sees_teammates_records_but_not_outsiders(owned_type):
    me, mine, mates, strangers = setup_people(Scope.TEAM)
    visible = set(restrict(AuditEntry.objects.all(), me))
    assert visible == {mine, mates}


def test_all_scope_sees_everything(owned_type):
    me, mine, mates, strangers = setup_people(Scope.ALL)
    assert set(restrict(AuditEntry.objects.all(), me)) == {mine, mates, strangers}


def test_no_grant_sees_nothing_and_cannot(owned_type):
    user = make_user()
    entry_by(user)
    assert restrict(AuditEntry.objects.all(), user).count() == 0
    assert can(user, "core.auditentry", "view") is False


def test_widest_scope_wins_across_roles(owned_type):
    user = make_user()
    user.roles.add(grant("narrow", "core.auditentry", "view", Scope.OWN))
    user.roles.add(grant("wide", "core.auditentry", "view", Scope.TEAM))
    assert scope_for(user, "core.auditentry", "view") == Scope.TEAM


def test_forbidden_and_missing_records_both_raise_404(owned_type):
    me, mine, mates, strangers = setup_people(Scope.TEAM)
    assert get_for_or_404(AuditEntry.objects.all(), me, mates.pk) == mates
    with pytest.raises(Http404):
        get_for_or_404(AuditEntry.objects.all(), me, strangers.pk)
    with pytest.raises(Http404):
        get_for_or_404(AuditEntry.objects.all(), me, 999_999)


def test_inactive_user_has_no_access_even_as_administrator():
    admin = make_user(role="administrator")
    admin.is_active = False
    assert scope_for(admin, "core.user", "view") is None


def test_grant_cache_is_dropped_when_roles_change():
    user = make_user()
    assert can(user, "core.team", "add") is False
    user.roles.add(Role.objects.get(code="administrator"))
    forget_grants(user)
    assert can(user, "core.team", "add") is True


def test_builtin_roles_exist_with_declared_grants():
    codes = set(Role.objects.filter(is_builtin=True).values_list("code", flat=True))
    assert codes == set(permissions.BUILTIN_ROLES)
    admin_grants = RoleGrant.objects.filter(role__code="administrator", object_type="core.user")
    assert sorted(admin_grants.values_list("action", flat=True)) == sorted(
        ["view", "add", "change", "delete", "export", "assign", "approve"]
    )
    rep_actions = RoleGrant.objects.filter(role__code="sales_rep", object_type="core.user")
    assert list(rep_actions.values_list("action", "scope")) == [("view", "all")]
    assert not RoleGrant.objects.filter(
        role__code="sales_rep", object_type="core.auditentry"
    ).exists()


def test_client_ip_reads_past_trusted_proxies_only(rf, settings):
    from guanxi.core.auth import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy: the header could be forged
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request) == "203.0.113.9"  # what our one proxy saw, not the forged left
    settings.TRUSTED_PROXY_HOPS = 3
    assert client_ip(request) == "10.0.0.2"  # fewer entries than hops: the direct peer
