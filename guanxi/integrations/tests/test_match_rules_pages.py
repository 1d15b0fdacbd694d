"""The matching-rules pages and API: reading, previewing, saving with field errors,
resetting; administrators only for changes."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.integrations.match_rules import default_rules, forget_cached_rules, person_rules
from guanxi.integrations.models_match_rules import MatchRuleSet
from guanxi.integrations.tests.matrix_rows_match_rules import FORM
from guanxi.lib.matching import DEFAULT_RULES
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rules():
    forget_cached_rules()
    yield
    forget_cached_rules()


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _api(client, user, method, path, body=None):
    token = create_token(actor=user, name="t")[1]
    return client.generic(
        method,
        f"/api/v1/duplicates/rules/{path}",
        "" if body is None else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


# --- pages --------------------------------------------------------------------------


def test_the_duplicates_page_links_to_the_rules_shown_read_only_to_a_rep(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)

    listing = client.get(reverse("integrations:duplicate_list")).content.decode()
    page = client.get(reverse("integrations:match_rules_edit", args=["contacts"]))

    assert reverse("integrations:match_rules") in listing
    assert page.status_code == 200
    html = page.content.decode()
    assert "The shipped rules are in use." in html
    assert 'data-testid="rules-save"' not in html
    assert all(field.disabled for field in page.context["form"].fields.values())
    assert page.context["form"]["weight_family_name"].value() == 3.0


def test_an_unknown_kind_is_not_found(client, admin):
    client.force_login(admin)

    assert client.get("/duplicates/rules/leads/").status_code == 404


def test_the_preview_shows_the_counts_and_saves_nothing(client, admin):
    make_contact(owner=admin, family_name="张", given_name="伟")
    make_contact(owner=admin, family_name="Zhang", given_name="Wei")
    client.force_login(admin)

    response = client.post(
        reverse("integrations:match_rules_preview", args=["contacts"]),
        {**FORM, "threshold": "0.9"},
    )

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.scan_now, preview.scan_proposed, preview.removed) == (1, 0, 1)
    assert 'data-testid="rules-preview-result"' in response.content.decode()
    assert not MatchRuleSet.objects.exists()


def test_a_bad_value_comes_back_on_its_field_and_nothing_is_saved(client, admin):
    client.force_login(admin)
    off = {k: v for k, v in FORM.items() if not k.startswith("enabled_")}

    too_high = client.post(
        reverse("integrations:match_rules_save", args=["contacts"]),
        {**FORM, "weight_street": "11"},
    )
    nothing_on = client.post(reverse("integrations:match_rules_save", args=["contacts"]), off)
    zero_name = client.post(
        reverse("integrations:match_rules_save", args=["contacts"]),
        {**FORM, "weight_family_name": "0", "weight_given_name": "0"},
    )

    assert too_high.status_code == 400
    assert too_high.context["form"].errors["weight_street"] == [
        "Ensure this value is less than or equal to 10."
    ]
    assert nothing_on.context["form"].non_field_errors() == [
        "Turn on at least one piece of evidence."
    ]
    assert zero_name.context["form"].errors["weight_family_name"] == [
        "Give this evidence a weight above 0, or turn it off."
    ]
    assert not MatchRuleSet.objects.exists()


def test_saving_then_resetting_from_the_page(client, admin):
    client.force_login(admin)

    saved = client.post(reverse("integrations:match_rules_save", args=["contacts"]), FORM)

    assert saved.status_code == 302
    version = MatchRuleSet.objects.get()
    assert version.rules["threshold"] == 0.7
    assert version.rules["enabled"]["birth_year"] is False  # its box was not ticked
    assert person_rules().birth_year == 0
    page = client.get(reverse("integrations:match_rules_edit", args=["contacts"]))
    assert "Version 1 is in use" in page.content.decode()

    client.post(reverse("integrations:match_rules_reset", args=["contacts"]))

    assert MatchRuleSet.objects.order_by("-version").first().rules == default_rules("contacts")
    assert person_rules().threshold == DEFAULT_RULES.threshold


def test_only_administrators_change_the_rules(client):
    manager = make_user(role="sales_manager")
    client.force_login(manager)

    response = client.post(reverse("integrations:match_rules_save", args=["contacts"]), FORM)

    assert response.status_code == 403
    assert not MatchRuleSet.objects.exists()


# --- API ----------------------------------------------------------------------------


def test_the_api_reads_the_rules_with_defaults_and_limits(client):
    response = _api(client, make_user(role="sales_rep"), "GET", "accounts")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 0
    assert body["threshold"] == 0.85
    assert body["weights"]["same_domain"] == 0.93
    assert body["enabled"] == {"name": True, "website": True, "phone": True, "province": True}
    assert body["defaults"]["threshold"] == 0.85
    assert body["limits"]["threshold"] == [0.3, 0.99]


def test_the_api_puts_previews_and_resets(client, admin):
    put = _api(client, admin, "PUT", "contacts", {"weights": {"company": 4}})
    preview = _api(client, admin, "POST", "contacts/preview", {"threshold": 0.9})
    reset = _api(client, admin, "POST", "contacts/reset")

    assert put.status_code == 200
    assert (put.json()["version"], put.json()["weights"]["company"]) == (1, 4.0)
    assert preview.status_code == 200
    assert set(preview.json()) >= {"scan_now", "scan_proposed", "stored_open", "sample"}
    assert reset.json()["version"] == 2
    assert reset.json()["weights"] == default_rules("contacts")["weights"]
    assert MatchRuleSet.objects.count() == 2  # the preview saved nothing


def test_api_errors_name_the_field(client, admin):
    response = _api(client, admin, "PUT", "contacts", {"threshold": 2, "weights": {"street": 11}})

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.threshold", "body.weights.street"}
    assert not MatchRuleSet.objects.exists()


def test_the_api_refuses_changes_by_non_administrators(client):
    response = _api(client, make_user(role="sales_manager"), "PUT", "contacts", {"threshold": 0.7})

    assert response.status_code == 403
    assert not MatchRuleSet.objects.exists()
