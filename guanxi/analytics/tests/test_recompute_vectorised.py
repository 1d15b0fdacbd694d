"""The bulk paths of the recompute give exactly what the per-customer reference code
gives: the churn risks over arrays against ``risk_factors`` (risk, level, contributions,
value at stake in cents), the classification inputs as JSON text against
``all_inputs``, the columns read from the database against the ORM's values, the
product pairs counted with a sparse matrix against a plain count and the COPY text."""

import itertools
import json
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from guanxi.analytics.models import CustomerClass
from guanxi.analytics.services.bulk import _column_text, _text
from guanxi.analytics.services.churn import risk_factors
from guanxi.analytics.services.churn_config import churn_config
from guanxi.analytics.services.churn_vector import (
    cents_text,
    compute_risks,
    round4,
    stake_cents,
)
from guanxi.analytics.services.classification import classify, classify_customers
from guanxi.analytics.services.classification_inputs import gather
from guanxi.analytics.services.classification_rules import current_rules, save_rules
from guanxi.analytics.services.classification_store import LazyInputs, all_inputs, inputs_json
from guanxi.analytics.services.clv import transaction_log
from guanxi.analytics.services.columns import _from_rows, fetch_columns, fetch_for
from guanxi.analytics.services.cross_sell import _pair_counts
from guanxi.analytics.tests.factories import buy, buy_products, give_back, nps_answer, product
from guanxi.core.models import Tag
from guanxi.sales.models import Order
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

AS_OF = date(2026, 6, 30)


def test_vectorised_churn_risks_equal_the_scalar_ones():
    config = churn_config()
    grid = list(
        itertools.product(
            [None, 0.0, 0.123456, 0.5, 0.87654321, 1.0],  # p_alive
            [0, 1, 3],  # recent
            [0, 1, 2, 7],  # earlier
            [0, 1, 5],  # open tickets
            [0, 2, 9],  # low answers
        )
    )
    bases = [0, 1, 5, 12345, 99999999, 250]  # cents
    p = np.array([np.nan if g[0] is None else g[0] for g in grid])
    cents = np.array([bases[i % len(bases)] for i in range(len(grid))], dtype=np.int64)
    columns = [np.array([g[k] for g in grid], dtype=np.int64) for k in range(1, 5)]
    found = compute_risks(
        config,
        p_alive=p,
        recent=columns[0],
        earlier=columns[1],
        open_tickets=columns[2],
        low_answers=columns[3],
        basis_cents=cents,
    )
    stakes = cents_text(found.stake_cents)
    for i, (p_alive, recent, earlier, tickets, low) in enumerate(grid):
        risk, factors = risk_factors(
            config,
            p_alive=p_alive,
            recent=recent,
            earlier=earlier,
            open_tickets=tickets,
            low_answers=low,
        )
        assert found.risk[i] == risk
        assert found.p_alive[i] == factors[0]["p_alive"]
        assert [found.contributions[f["factor"]][i] for f in factors] == [
            f["contribution"] for f in factors
        ]
        assert found.level[i] == config.level(risk)
        assert bool(found.above[i]) == (risk >= config.alert_threshold)
        basis = Decimal(int(cents[i])) / 100
        expected = (basis * Decimal(str(risk))).quantize(Decimal("0.01"))
        assert Decimal(stakes[i]) == expected


def test_the_stake_rounds_half_to_even_like_decimal():
    risks = np.array([0.5, 0.5, 0.0001, 0.0003])
    assert stake_cents(np.array([1, 3, 5000, 5000]), risks).tolist() == [0, 2, 0, 2]
    assert cents_text(np.array([-5, 0, 1230, 7])) == ["-0.05", "0.00", "12.30", "0.07"]


@pytest.mark.django_db
def test_inputs_json_equals_the_inputs_as_dicts():
    save_rules(
        actor=make_user(role="administrator"),
        data={
            "needs_mapping": [
                {"source": "category", "match": "Gifts", "need": "emotional"},
                {"source": "tag", "match": "Premium", "need": "quality"},
                {"source": "survey", "match": "price", "need": "functional"},
            ]
        },
    )
    gifts = make_account(name="Gifts")
    gift = product(category="gifts")
    buy_products(gifts, AS_OF - timedelta(days=10), [(gift, 1, 100), (gift, 2, 100)])
    premium = make_account(name="Premium")
    premium.tags.add(Tag.objects.create(name="premium"))
    buy(premium, AS_OF - timedelta(days=400), 100.5)
    buy(premium, AS_OF - timedelta(days=20), 333.33)
    thrifty = make_account(name="Thrifty")
    buy(thrifty, AS_OF - timedelta(days=10), 100)
    nps_answer(thrifty, AS_OF - timedelta(days=5), 8, "The PRICE is what matters")
    rules = current_rules().rules
    inputs = gather(
        as_of=AS_OF,
        window_months=int(rules["window_months"]),
        needs_mapping=rules["needs_mapping"],
    )
    found = classify(inputs, rules)
    texts = inputs_json(found)
    assert [json.loads(text) for text in texts] == all_inputs(found)
    assert LazyInputs(texts)[1] == all_inputs(found)[1]
    assert len(LazyInputs(texts)) == 3

    classify_customers(as_of=AS_OF)
    stored = CustomerClass.objects.get(account=gifts).inputs
    assert stored["needs_sources"] == {"category:gifts→emotional": 2.0}
    assert stored == all_inputs(found)[0]


@pytest.mark.django_db
def test_columns_read_equal_the_orm_values():
    customer = make_account()
    first = buy(customer, AS_OF - timedelta(days=3), 120.25)
    buy(customer, AS_OF - timedelta(days=1), 80)
    give_back(first, AS_OF - timedelta(days=2), 20.25)
    sql = "SELECT id, account_id, order_date, CAST(total_base AS DOUBLE PRECISION) FROM sales_order"
    ids, accounts, days, totals = fetch_columns(sql + " WHERE id > %s", [0], "iidf")
    rows = sorted(Order.objects.values_list("pk", "account_id", "order_date", "total_base"))
    order = np.argsort(ids)
    assert ids[order].tolist() == [row[0] for row in rows]
    assert accounts[order].tolist() == [customer.pk] * 2
    epoch = date(1970, 1, 1)
    assert days[order].tolist() == [(row[2] - epoch).days for row in rows]
    assert totals[order].tolist() == [float(row[3]) for row in rows]
    empty = fetch_for(sql + " WHERE 1 = 1{ids}", [], "iidf", [], "account_id")
    assert [len(column) for column in empty] == [0, 0, 0, 0]
    chunked = fetch_for(sql + " WHERE 1 = 1{ids}", [], "iidf", [customer.pk], "account_id")
    assert sorted(chunked[0].tolist()) == ids[order].tolist()
    log = transaction_log(as_of=AS_OF)
    assert log.amounts.tolist() == [80.0, 100.0]  # latest first, net of the return
    assert _from_rows([(1, "2026-06-30", "2.5")], "idf")[1].tolist() == [20634]


def test_pairs_counted_with_a_sparse_matrix_equal_a_plain_count():
    rng = np.random.default_rng(7)
    account = rng.integers(1, 60, 400)
    product_id = rng.integers(100, 120, 400)
    pairs = {(int(a), int(p)) for a, p in zip(account, product_id, strict=True)}
    account = np.array([a for a, _ in sorted(pairs)], dtype=np.int64)
    product_id = np.array([p for _, p in sorted(pairs)], dtype=np.int64)
    bought: dict[int, set[int]] = {}
    for a, p in pairs:
        bought.setdefault(a, set()).add(p)
    expected = Counter(
        (x, y) for products in bought.values() for x in products for y in products if x != y
    )
    left, right, both = _pair_counts(account, product_id, 3)
    found = dict(zip(zip(left.tolist(), right.tolist(), strict=True), both.tolist(), strict=True))
    assert found == {pair: n for pair, n in expected.items() if n >= 3}
    assert [len(c) for c in _pair_counts(account[:0], product_id[:0], 1)] == [0, 0, 0]


def test_copy_text_escapes_and_converts_whole_columns():
    assert _text(None) == "\\N"
    assert _text('a\\b\tc\nd\re"') == 'a\\\\b\\tc\\nd\\re"'
    assert _column_text([1, 2.5, 3]) == ["1", "2.5", "3"]
    assert _column_text(["x", "y"]) == ["x", "y"]
    assert _column_text(["x", "a\\u2192"]) == ["x", "a\\\\u2192"]
    assert _column_text([None, 1]) == ["\\N", "1"]
    assert _column_text([True, False]) == ["True", "False"]


def test_round4_equals_pythons_round():
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [rng.random(20_000), np.arange(0, 2, 0.00005), np.arange(0, 1, 0.00001) + 0.000005]
    )
    assert round4(values).tolist() == [round(v, 4) for v in values.tolist()]


@pytest.mark.django_db
def test_classifying_no_accounts_stores_nothing_and_does_not_fail():
    classify_customers(as_of=date(2026, 1, 1), account_ids=[])

    assert not CustomerClass.objects.exists()


@pytest.mark.django_db
def test_money_sums_read_as_floats_are_cents_on_every_database():
    from django.db import connection

    from guanxi.analytics.services.classification_inputs import _as_money

    summed = np.array([0.1 + 0.7, 12.345])  # what SQLite's SUM of 0.10 and 0.70 gives
    expected = [0.8, 12.34] if connection.vendor == "sqlite" else list(summed)

    assert list(_as_money(summed)) == expected
