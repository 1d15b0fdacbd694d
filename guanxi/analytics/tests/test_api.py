"""The analytics API: filters and keyset pages of scores, the models in use, recompute."""

from datetime import date

import pytest

from guanxi.analytics.models import CustomerScore
from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import population
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def test_scores_come_in_keyset_pages_and_filter_by_segment_and_clv(api_as):
    population(AS_OF, customers=25)
    recompute_all(as_of=AS_OF)
    call = api_as(make_user(role="analyst"))

    first = call("GET", "/api/v1/analytics/customers", limit=10, sort="-total_spend").json()
    second = call(
        "GET",
        "/api/v1/analytics/customers",
        limit=10,
        sort="-total_spend",
        cursor=first["next_cursor"],
    ).json()
    segment = CustomerScore.objects.values_list("segment", flat=True).first()
    by_segment = call("GET", "/api/v1/analytics/customers", segment=segment, limit=200).json()
    rich = call("GET", "/api/v1/analytics/customers", min_clv="1000", limit=200).json()

    spends = [float(i["total_spend"]) for i in first["items"] + second["items"]]
    assert spends == sorted(spends, reverse=True) and len(spends) == 20
    assert {i["segment"] for i in by_segment["items"]} == {segment}
    assert len(by_segment["items"]) == CustomerScore.objects.filter(segment=segment).count()
    assert all(float(i["clv"]) >= 1000 for i in rich["items"])
    assert len(rich["items"]) == CustomerScore.objects.filter(clv__gte=1000).count()


def test_the_models_in_use_and_the_last_run(api_as):
    population(AS_OF)
    result = recompute_all(as_of=AS_OF)

    body = api_as(make_user(role="analyst"))("GET", "/api/v1/analytics/models").json()

    assert set(body["bgnbd"]["parameters"]) == {"r", "alpha", "a", "b"}
    assert set(body["gamma_gamma"]["parameters"]) == {"p", "q", "gamma"}
    assert body["rfm"]["customers"] == 40
    assert (body["last_run"]["id"], body["last_run"]["status"]) == (result.run.pk, "done")


def test_an_administrator_starts_a_recompute(api_as, django_capture_on_commit_callbacks):
    population(AS_OF, customers=3)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(make_user(role="administrator"))("POST", "/api/v1/analytics/recompute")

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert CustomerScore.objects.count() == 3  # the task ran on commit
