"""The rules: validation naming the field, versions, the preview that saves nothing,
and the rules page (preview for analysts, save for administrators)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.analytics.forms_classification import mapping_text
from guanxi.analytics.models import ClassificationRules, CustomerClass
from guanxi.analytics.services.classification import classify_customers, preview
from guanxi.analytics.services.classification_rules import clean_rules, default_rules
from guanxi.analytics.tests.factories import history
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _customers():
    two = make_account(name="Two orders")
    history(two, TODAY, [10, 60], 1000)
    four = make_account(name="Four orders")
    history(four, TODAY, [10, 60, 90, 120], 1000)
    classify_customers(as_of=TODAY)
    return two, four


def _form(**changes):
    rules = default_rules()
    data = {k: v for k, v in rules.items() if k != "needs_mapping"}
    data["needs_mapping"] = mapping_text(rules["needs_mapping"])
    data.update(changes)
    return data


def test_bad_rules_name_the_field():
    with pytest.raises(ValidationError) as caught:
        clean_rules(
            {
                "regular_min_orders": "many",
                "loyalty_repeat_rate": 2,
                "value_medium_min": 500000,
                "needs_mapping": [{"source": "weather", "match": "", "need": "joy"}],
            },
            base=default_rules(),
        )
    assert set(caught.value.message_dict) == {
        "regular_min_orders",
        "loyalty_repeat_rate",
        "value_medium_min",
        "needs_mapping.0.source",
        "needs_mapping.0.match",
        "needs_mapping.0.need",
    }


def test_preview_counts_the_moves_and_saves_nothing():
    two, _four = _customers()
    before = list(CustomerClass.objects.values_list("account_id", "purchase", "computed_at"))

    found = preview(clean_rules({"regular_min_orders": 2}, base=default_rules()), as_of=TODAY)

    assert found.customers == 2
    assert found.changed["purchase"] == 1
    assert found.moves["purchase"] == [("occasional", "regular", 1)]
    assert found.totals["purchase"] == {"regular": 2}
    assert (
        list(CustomerClass.objects.values_list("account_id", "purchase", "computed_at")) == before
    )
    assert ClassificationRules.objects.count() == 1


def test_an_analyst_previews_on_the_page_but_may_not_save(client):
    _customers()
    client.force_login(make_user(role="analyst"))

    page = client.post(reverse("analytics:rules_preview"), _form(regular_min_orders=2))
    refused = client.post(reverse("analytics:rules_save"), _form(regular_min_orders=2))

    assert page.status_code == 200
    assert 'data-testid="rules-preview-result"' in page.content.decode()
    assert page.context["preview"].changed["purchase"] == 1
    assert 'data-testid="rules-save"' not in page.content.decode()
    assert refused.status_code == 403
    assert ClassificationRules.objects.count() == 1


def test_an_administrator_saves_a_new_version_and_everyone_is_reclassified(
    client, django_capture_on_commit_callbacks
):
    two, _four = _customers()
    client.force_login(make_user(role="administrator"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:rules_save"), _form(regular_min_orders=2))

    assert response.status_code == 302
    latest = ClassificationRules.objects.order_by("-version").first()
    assert (latest.version, latest.rules["regular_min_orders"]) == (2, 2)
    row = CustomerClass.objects.get(account=two)
    assert (row.purchase, row.rules.version) == ("regular", 2)


def test_a_bad_form_shows_the_error_on_the_field(client):
    client.force_login(make_user(role="administrator"))

    response = client.post(
        reverse("analytics:rules_save"),
        _form(value_medium_min=999999999, needs_mapping="category | only two"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"needs_mapping"}
    assert ClassificationRules.objects.count() <= 1


def test_a_threshold_out_of_order_is_reported_on_its_field(client):
    client.force_login(make_user(role="administrator"))

    response = client.post(reverse("analytics:rules_save"), _form(value_medium_min=999999999))

    assert response.status_code == 400
    assert "value_medium_min" in response.context["form"].errors


def test_query_count_does_not_grow_with_the_customers():
    for i in range(3):
        history(make_account(name=f"A{i}"), TODAY, [10, 40], 100)
    classify_customers(as_of=TODAY)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        classify_customers(as_of=TODAY)
    for i in range(30):
        history(make_account(name=f"B{i}"), TODAY - timedelta(days=i), [10, 40, 400], 100)
    with CaptureQueriesContext(connection) as many:
        classify_customers(as_of=TODAY)

    # 33 customers, one of them new this time: the transitions are one bulk insert.
    assert len(many.captured_queries) == len(few.captured_queries) + 1
