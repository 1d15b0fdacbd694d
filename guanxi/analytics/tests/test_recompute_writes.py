"""What makes the nightly rewrite of the result tables cheap (migration 0005, the
recompute's working memory) keeps the results and their links right."""

from datetime import date

import pytest
from django.db import DatabaseError, connection

from guanxi.analytics.choices import FitKind
from guanxi.analytics.models import CustomerClass, CustomerScore, ModelFit
from guanxi.analytics.services.classification import classify_customers
from guanxi.analytics.services.columns import FULL_RUN, full_run_settings
from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import population
from guanxi.sales.models import Order

AS_OF = date(2026, 6, 30)
pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL setting or storage parameter"
)


def _settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        return cursor.fetchone()


def test_deleting_a_fit_unlinks_the_scores_without_a_database_constraint():
    # Given scores that name the run's three fits (the columns have no constraint)
    population(AS_OF, customers=30)
    recompute_all(as_of=AS_OF)
    score = CustomerScore.objects.order_by("account_id").first()
    assert score.rfm_fit_id and score.model_fit_id and score.spend_fit_id

    # When the BG/NBD fit is deleted
    ModelFit.objects.filter(kind=FitKind.BGNBD).delete()

    # Then the scores no longer point at it, the other fits stay linked
    score.refresh_from_db()
    assert score.model_fit_id is None
    assert score.rfm_fit_id is not None and score.spend_fit_id is not None
    assert not CustomerScore.objects.filter(model_fit__isnull=False).exists()


def test_a_full_run_removes_the_classes_of_a_customer_without_orders_any_more():
    accounts = population(AS_OF, customers=5)
    classify_customers(as_of=AS_OF)
    assert CustomerClass.objects.count() == 5
    Order.objects.filter(account=accounts[2]).update(status="cancelled")

    classify_customers(as_of=AS_OF)

    assert sorted(CustomerClass.objects.values_list("account_id", flat=True)) == sorted(
        a.pk for i, a in enumerate(accounts) if i != 2
    )


@on_postgresql
def test_a_full_run_gets_its_settings_and_gives_them_back():
    before = _settings()

    with full_run_settings({"work_mem": "96MB", "jit": "off"}):
        inside = _settings()

    assert inside == ("96MB", "off")
    assert _settings() == before


@on_postgresql
def test_the_settings_are_given_back_when_the_block_fails():
    before = _settings()

    with pytest.raises(ZeroDivisionError), full_run_settings({"work_mem": "96MB"}):
        1 / 0  # noqa: B018

    assert _settings() == before


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the other databases")
def test_elsewhere_the_settings_block_changes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0), full_run_settings():
        pass


@on_postgresql
def test_result_tables_leave_room_for_updates_and_fit_columns_have_no_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('analytics_customerscore', 'analytics_customerclass', 'analytics_churnrisk')"
        )
        options = dict(cursor.fetchall())
        constraints = connection.introspection.get_constraints(cursor, "analytics_customerscore")

    assert options == {
        "analytics_customerscore": ["fillfactor=50"],
        "analytics_customerclass": ["fillfactor=50"],
        "analytics_churnrisk": ["fillfactor=50"],
    }
    on_fits = [
        name
        for name, c in constraints.items()
        if set(c["columns"]) & {"rfm_fit_id", "model_fit_id", "spend_fit_id"}
    ]
    assert on_fits == []


@on_postgresql
def test_a_full_recompute_runs_with_the_full_run_settings(monkeypatch):
    import guanxi.analytics.services.recompute as recompute

    population(AS_OF, customers=5)
    seen = []
    classify = recompute.classify_customers

    def watching(**kwargs):
        seen.append(_settings()[0])
        return classify(**kwargs)

    monkeypatch.setattr(recompute, "classify_customers", watching)
    before = _settings()

    recompute_all(as_of=AS_OF)

    assert seen == [FULL_RUN["work_mem"]]
    assert _settings() == before


@on_postgresql
def test_a_connection_whose_settings_cannot_be_restored_is_closed(monkeypatch):
    closed: list[bool] = []

    def broken() -> None:
        raise DatabaseError("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "close", lambda: closed.append(True))
        with full_run_settings({"work_mem": "96MB"}):
            patch.setattr(connection, "cursor", broken)

    assert closed == [True]
