"""The calibration vs holdout check: stored with each full refit, counted from the
orders after the cut-off, and shown to administrators on the models page."""

from datetime import date, timedelta

import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse

from guanxi.analytics.choices import FitKind
from guanxi.analytics.models import ModelFit
from guanxi.analytics.services.clv import transaction_log
from guanxi.analytics.services.diagnostics import check_holdout
from guanxi.analytics.services.recompute import recompute_all
from guanxi.analytics.tests.factories import history
from guanxi.sales.models import Order
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)
CUT = AS_OF - timedelta(weeks=26)
pytestmark = pytest.mark.django_db


def buyers(count: int = 150, seed: int = 6) -> None:
    """Customers buying the way BG/NBD assumes: each at their own Poisson rate (gamma
    across customers), each purchase followed by their own chance (beta across
    customers) of leaving for good; two years of history."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        account = make_account(name=f"Buyer {i:03d}")
        rate, leave = rng.gamma(0.8, 1 / 30), rng.beta(1.0, 4.0)
        day, days = int(rng.integers(0, 400)), []
        while day <= 730:
            days.append(730 - day)
            if rng.random() < leave:
                break
            day += max(1, int(rng.exponential(1 / rate)))
        history(account, AS_OF, days, 100)


def _holdout_purchases() -> int:
    """Order days after the cut-off of the customers who had bought by then."""
    early = set(Order.objects.filter(order_date__lte=CUT).values_list("account_id", flat=True))
    later = Order.objects.filter(order_date__gt=CUT, order_date__lte=AS_OF)
    return len({(o.account_id, o.order_date) for o in later if o.account_id in early})


def test_a_full_refit_stores_the_check_with_the_purchases_really_made():
    buyers()
    recompute_all(as_of=AS_OF)
    check = ModelFit.objects.get(kind=FitKind.HOLDOUT)
    p = check.parameters
    assert p["calibration_end"] == CUT.isoformat()
    assert p["holdout_weeks"] == pytest.approx(26)
    assert p["total_actual"] == _holdout_purchases() > 0
    assert p["total_predicted"] > 0
    assert sum(b["customers"] for b in p["buckets"]) == check.customers
    assert check.customers == len(
        set(Order.objects.filter(order_date__lte=CUT).values_list("account_id", flat=True))
    )


def test_a_rescore_without_refit_adds_no_check():
    buyers()
    recompute_all(as_of=AS_OF)
    recompute_all(as_of=AS_OF, refit=False)
    assert ModelFit.objects.filter(kind=FitKind.HOLDOUT).count() == 1


def test_too_few_repeat_buyers_before_the_cut_off_store_nothing():
    for days in (10, 40, 300):
        history(make_account(), AS_OF, [days, days + 5], 100)
    assert check_holdout(transaction_log(as_of=AS_OF), as_of=AS_OF) is None
    assert not ModelFit.objects.filter(kind=FitKind.HOLDOUT).exists()


@override_settings(ANALYTICS_HOLDOUT_WEEKS=13)
def test_the_holdout_length_is_a_setting():
    buyers()
    check = check_holdout(transaction_log(as_of=AS_OF), as_of=AS_OF)
    assert check is not None
    assert check.parameters["calibration_end"] == (AS_OF - timedelta(weeks=13)).isoformat()


def test_the_models_page_shows_the_check_with_its_chart(client):
    buyers()
    recompute_all(as_of=AS_OF)
    p = ModelFit.objects.get(kind=FitKind.HOLDOUT).parameters
    client.force_login(make_user(role="administrator"))
    html = client.get(reverse("analytics:model_list")).content.decode()
    assert 'data-testid="holdout-check"' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="holdout-chart"' in html
    assert html.count('data-testid="holdout-row"') == len(p["buckets"])
    assert f"{p['total_actual']:.0f} made" in html
    # the earlier-fits table lists model fits, not the check
    assert "calibration vs holdout check</td>" not in html


def test_the_api_gives_the_latest_check_to_analysts(client):
    from guanxi.core.services.tokens import create_token

    buyers()
    recompute_all(as_of=AS_OF)
    key = create_token(actor=make_user(role="analyst"), name="t")[1]
    body = client.get("/api/v1/analytics/models", headers={"Authorization": f"Bearer {key}"}).json()
    stored = ModelFit.objects.get(kind=FitKind.HOLDOUT)
    assert body["holdout"]["id"] == stored.pk
    assert body["holdout"]["parameters"]["total_actual"] == stored.parameters["total_actual"]
