"""Own, teammate's and outsider's records for sales reps and managers, on pages and the API."""

import pytest
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account, Contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user, team_trio

pytestmark = pytest.mark.django_db

# role -> which of (own, teammate's, outsider's) records the trio's owner may see
SEES = {
    "sales_rep": {"owner": True, "teammate": False, "outsider": False},
    "sales_manager": {"owner": True, "teammate": True, "outsider": False},
}


def records(trio, factory):
    admin = make_user(role="administrator")
    return {name: factory(owner=getattr(trio, name), actor=admin) for name in SEES["sales_rep"]}


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("kind", ["account", "contact"])
def test_detail_page_is_seen_or_404(client, role, kind):
    trio = team_trio(role)
    made = records(trio, make_account if kind == "account" else make_contact)
    client.force_login(trio.owner)
    for whose, seen in SEES[role].items():
        response = client.get(reverse(f"customers:{kind}_detail", args=[made[whose].pk]))
        assert response.status_code == (200 if seen else 404), (whose, response.status_code)


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("kind", ["account", "contact"])
def test_api_get_and_list_are_seen_or_404(client, role, kind):
    trio = team_trio(role)
    made = records(trio, make_account if kind == "account" else make_contact)
    headers = {"Authorization": f"Bearer {create_token(actor=trio.owner, name='t')[1]}"}
    listed = client.get(f"/api/v1/{kind}s", headers=headers).json()["items"]
    assert {row["id"] for row in listed} == {
        made[whose].pk for whose, seen in SEES[role].items() if seen
    }
    for whose, seen in SEES[role].items():
        response = client.get(f"/api/v1/{kind}s/{made[whose].pk}", headers=headers)
        assert response.status_code == (200 if seen else 404)


def test_rep_cannot_change_or_delete_a_teammates_account_and_nothing_changes(client):
    trio = team_trio("sales_rep")
    theirs = make_account(owner=trio.teammate, name="Theirs")
    headers = {"Authorization": f"Bearer {create_token(actor=trio.owner, name='t')[1]}"}
    patched = client.patch(
        f"/api/v1/accounts/{theirs.pk}",
        {"name": "Mine now"},
        content_type="application/json",
        headers=headers,
    )
    deleted = client.delete(f"/api/v1/accounts/{theirs.pk}", headers=headers)
    assert (patched.status_code, deleted.status_code) == (404, 404)
    assert Account.objects.get().name == "Theirs"


def test_service_manager_changes_team_records_but_cannot_delete(client):
    trio = team_trio("service_manager")
    teammates = make_contact(owner=trio.teammate, title="Buyer")
    client.force_login(trio.owner)
    page = client.get(reverse("customers:contact_edit", args=[teammates.pk]))
    assert page.status_code == 200
    response = client.post(reverse("customers:contact_delete", args=[teammates.pk]))
    assert response.status_code == 403
    assert Contact.objects.count() == 1


def test_analyst_sees_everything_and_changes_nothing(client):
    analyst = make_user(role="analyst")
    account = make_account()
    client.force_login(analyst)
    assert client.get(reverse("customers:account_detail", args=[account.pk])).status_code == 200
    assert client.get(reverse("customers:account_edit", args=[account.pk])).status_code == 403
