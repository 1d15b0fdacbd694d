"""Targets: who may set them (administrators for all, managers for the members of the
teams they manage, reps not at all), replacing a period's target, the page and API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.core.models import AuditEntry
from guanxi.sales.models import Target
from guanxi.sales.selectors_performance import targets_visible_to
from guanxi.sales.services.targets import delete_target, set_target
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

Q1 = {"period_start": date(2026, 1, 1), "period_end": date(2026, 3, 31)}


@pytest.fixture
def people():
    manager = make_user(role="sales_manager", full_name="Manager")
    rep = make_user(role="sales_rep", full_name="Rep")
    other_rep = make_user(role="sales_rep", full_name="Other rep")
    team = make_team(members=[manager, rep], managers=[manager])
    other_team = make_team(members=[other_rep])
    return manager, rep, other_rep, team, other_team


def _rows():
    return sorted(Target.objects.values_list("user_id", "team_id", "amount", "currency"))


def test_a_manager_sets_the_target_of_a_rep_of_their_team_and_it_is_audited(people):
    manager, rep, *_ = people

    target = set_target(actor=manager, user=rep, amount="300000", currency="cny", **Q1)

    assert (target.user, target.amount, target.currency, target.set_by) == (
        rep,
        Decimal("300000.00"),
        "CNY",
        manager,
    )
    entry = AuditEntry.objects.get(object_id=str(target.pk), event="create")
    assert entry.changes["amount"] == [None, "300000.00"]


def test_setting_a_period_again_replaces_the_target(people):
    manager, rep, *_ = people
    set_target(actor=manager, user=rep, amount=100, **Q1)

    set_target(actor=manager, user=rep, amount=250, **Q1)

    assert _rows() == [(rep.pk, None, Decimal("250.00"), "CNY")]


def test_a_manager_cannot_set_targets_outside_their_team_nor_their_own(people):
    manager, _rep, other_rep, _team, other_team = people

    for holder in ({"user": other_rep}, {"user": manager}, {"team": other_team}):
        with pytest.raises(ValidationError):
            set_target(actor=manager, amount=1, **holder, **Q1)

    assert _rows() == []


def test_a_manager_sets_the_target_of_the_team_they_manage(people):
    manager, _rep, _other, team, _other_team = people

    set_target(actor=manager, team=team, amount=900, **Q1)

    assert _rows() == [(None, team.pk, Decimal("900.00"), "CNY")]


def test_a_rep_cannot_set_targets_even_their_own(people):
    _manager, rep, *_ = people

    with pytest.raises(ValidationError):
        set_target(actor=rep, user=rep, amount=1, **Q1)

    assert _rows() == []


def test_an_administrator_sets_anyones_target(people):
    _manager, _rep, other_rep, *_ = people
    admin = make_user(role="administrator")

    set_target(actor=admin, user=other_rep, amount=5, **Q1)

    assert _rows() == [(other_rep.pk, None, Decimal("5.00"), "CNY")]


def test_bad_periods_and_amounts_are_refused(people):
    manager, rep, *_ = people

    with pytest.raises(ValidationError) as error:
        set_target(
            actor=manager,
            user=rep,
            amount=-1,
            currency="yuan",
            period_start=date(2026, 3, 1),
            period_end=date(2026, 1, 1),
        )

    assert set(error.value.message_dict) == {"amount", "currency", "period_end"}
    assert _rows() == []


def test_reps_see_their_own_targets_managers_their_teams(people):
    manager, rep, other_rep, team, _other_team = people
    admin = make_user(role="administrator")
    mine = set_target(actor=manager, user=rep, amount=1, **Q1)
    theirs = set_target(actor=admin, user=other_rep, amount=2, **Q1)
    team_target = set_target(actor=manager, team=team, amount=3, **Q1)

    assert list(targets_visible_to(rep)) == [mine]
    assert set(targets_visible_to(manager)) == {mine, team_target}
    assert set(targets_visible_to(admin)) == {mine, theirs, team_target}


def test_a_manager_removes_a_target_of_their_team_but_not_others(people):
    manager, rep, other_rep, *_ = people
    admin = make_user(role="administrator")
    mine = set_target(actor=manager, user=rep, amount=1, **Q1)
    theirs = set_target(actor=admin, user=other_rep, amount=2, **Q1)

    delete_target(actor=manager, target=mine)
    with pytest.raises(ValidationError):
        delete_target(actor=manager, target=theirs)

    assert _rows() == [(other_rep.pk, None, Decimal("2.00"), "CNY")]


def test_the_target_page_sets_a_target(client, people):
    manager, rep, *_ = people
    client.force_login(manager)

    response = client.post(
        reverse("sales:target_list"),
        {"user": rep.pk, "period_start": "2026-01-01", "period_end": "2026-03-31",
         "amount": "1200", "currency": "CNY"},
    )  # fmt: skip

    assert response.status_code == 302
    assert _rows() == [(rep.pk, None, Decimal("1200.00"), "CNY")]
    assert "Rep" in client.get(reverse("sales:target_list")).content.decode()


def test_the_target_page_offers_a_manager_only_their_members(client, people):
    manager, rep, other_rep, *_ = people
    client.force_login(manager)

    response = client.post(
        reverse("sales:target_list"),
        {"user": other_rep.pk, "period_start": "2026-01-01", "period_end": "2026-03-31",
         "amount": "1", "currency": "CNY"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors
    assert _rows() == []


def test_a_rep_may_not_post_to_the_target_page(client, people):
    _manager, rep, *_ = people
    client.force_login(rep)

    response = client.post(
        reverse("sales:target_list"),
        {"user": rep.pk, "period_start": "2026-01-01", "period_end": "2026-03-31",
         "amount": "1", "currency": "CNY"},
    )  # fmt: skip

    assert response.status_code == 403
    assert _rows() == []


def test_targets_api(api_as, people):
    manager, rep, other_rep, *_ = people
    body = {"user_id": rep.pk, "period_start": "2026-01-01", "period_end": "2026-03-31",
            "amount": "800", "currency": "CNY"}  # fmt: skip

    created = api_as(manager)("POST", "/api/v1/targets", body)
    refused = api_as(manager)("POST", "/api/v1/targets", {**body, "user_id": other_rep.pk})
    as_rep = api_as(rep)("POST", "/api/v1/targets", body)
    listed = api_as(rep)("GET", "/api/v1/targets")

    assert created.status_code == 201
    assert created.json()["user"]["id"] == rep.pk
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.user_id"
    assert as_rep.status_code == 403
    assert [t["amount"] for t in listed.json()["items"]] == ["800.00"]
    deleted = api_as(manager)("DELETE", f"/api/v1/targets/{created.json()['id']}")
    assert deleted.status_code == 204
    assert _rows() == []
