"""Demo products, price lists, exchange rates, orders and returns for the demo customers.

Every won demo deal became an order on its close date; other customers buy again and
again over two years (some regularly, some once, some stopped), so the order history
has the shape analytics reads. A few units come back. Deterministic for a seed and
written in bulk, with totals, rates and warranty dates computed as the services would.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from guanxi.core.services.search import rebuild_index
from guanxi.customers.models import Account
from guanxi.sales.choices_orders import OrderStatus, ReturnKind, SerialStatus
from guanxi.sales.models import (
    Deal,
    ExchangeRate,
    Order,
    OrderLine,
    PriceList,
    PriceListItem,
    Product,
    Return,
    ReturnLine,
    SerialNumber,
)
from guanxi.sales.services.exchange_rates import base_currency
from guanxi.sales.services.orders import add_months

SKU_PREFIX = "GX-"
CENT = Decimal("0.01")
# SKU, name, category, unit, cost, list price (CNY), serialised, warranty months
PRODUCTS = [
    ("GX-ERP-STD", "ERP 标准版 licence", "software", "licence", 3000, 9800, False, 0),
    ("GX-CRM-PRO", "CRM Pro seat", "software", "seat", 200, 1200, False, 0),
    ("GX-CLOUD-Y", "云服务 annual plan", "service", "year", 4000, 12000, False, 0),
    ("GX-SUPPORT", "Support plan", "service", "year", 1500, 6800, False, 0),
    ("GX-TRAIN", "Training day 培训", "service", "day", 800, 3500, False, 0),
    ("GX-SCAN-200", "Barcode scanner S200", "hardware", "pcs", 420, 980, True, 12),
    ("GX-PRN-80", "Thermal printer P80", "hardware", "pcs", 650, 1580, True, 24),
    ("GX-POS-10", "POS terminal T10", "hardware", "pcs", 1900, 4200, True, 24),
    ("GX-TAB-8", "Rugged tablet R8", "hardware", "pcs", 2300, 5600, True, 12),
    ("GX-CABLE", "Data cable set", "accessories", "set", 15, 60, False, 0),
]
RATES = {"USD": Decimal("7.10"), "EUR": Decimal("7.80")}


def _at(day: date, now: datetime) -> datetime:
    moment = timezone.make_aware(datetime.combine(day, time(10, 30)))
    return min(moment, now)


def _products() -> list[Product]:
    made = []
    for sku, name, category, unit, cost, _price, serialised, warranty in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "category": category,
                "unit": unit,
                "cost": Decimal(cost),
                "is_serialised": serialised,
                "warranty_months": warranty,
            },
        )
        made.append(product)
    return made


def _price_lists(products: list[Product], start: date) -> dict[str, dict[int, Decimal]]:
    prices: dict[str, dict[int, Decimal]] = {}
    for currency, factor in (("CNY", Decimal(1)), ("USD", 1 / RATES["USD"])):
        price_list, _ = PriceList.objects.get_or_create(
            name=f"Demo list {currency}", defaults={"currency": currency, "valid_from": start}
        )
        prices[currency] = {}
        for product, row in zip(products, PRODUCTS, strict=True):
            price = (Decimal(row[5]) * factor).quantize(Decimal("1"), ROUND_HALF_UP)
            PriceListItem.objects.get_or_create(
                price_list=price_list, product=product, defaults={"unit_price": price}
            )
            prices[currency][product.pk] = price
    return prices


def _rates(start: date, today: date, rng: random.Random) -> None:
    rows = []
    for currency, base in RATES.items():
        if currency == base_currency():
            continue
        day = start.replace(day=1)
        while day <= today:
            drift = Decimal(rng.uniform(-0.03, 0.03)).quantize(Decimal("0.0001"))
            rows.append(ExchangeRate(currency=currency, valid_on=day, rate=base * (1 + drift)))
            day = add_months(day, 1)
    ExchangeRate.objects.bulk_create(rows, ignore_conflicts=True)


def _rate_on(currency: str, day: date) -> Decimal:
    if currency == base_currency():
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_on__lte=day)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )
    return rate or RATES.get(currency, Decimal(1))


class _Numbers:
    def __init__(self, letter: str) -> None:
        self.letter = letter
        self.counts: dict[int, int] = {}

    def next(self, year: int) -> str:
        self.counts[year] = self.counts.get(year, 0) + 1
        return f"{self.letter}-{year}-{self.counts[year]:04d}"


def _purchase_days(rng: random.Random, start: date, today: date) -> list[date]:
    """A customer's order dates: regular, occasional, one-off or lapsed buyers."""
    span = (today - start).days
    kind = rng.choices(["regular", "occasional", "once", "lapsed"], [3, 4, 2, 2])[0]
    if kind == "once":
        return [start + timedelta(days=rng.randint(0, span))]
    gap = {"regular": 45, "occasional": 140, "lapsed": 60}[kind]
    end = today if kind != "lapsed" else start + timedelta(days=rng.randint(120, span // 2))
    day, days = start + timedelta(days=rng.randint(0, gap)), []
    while day <= end:
        days.append(day)
        day += timedelta(days=max(7, int(rng.gauss(gap, gap / 3))))
    return days


@transaction.atomic
def load_orders(*, customers: int = 500, seed: int = 2026) -> dict[str, int]:
    """Products, price lists, monthly rates and orders (with returns) for the demo."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    today = timezone.localdate()
    start = add_months(today.replace(day=1), -24)
    products = _products()
    prices = _price_lists(products, start)
    _rates(start, today, rng)
    accounts = list(Account.objects.order_by("pk").select_related("owner"))
    if not accounts:
        return {"orders": 0, "returns": 0}
    plan: list[tuple[Account, date, Deal | None]] = []
    won = Deal.objects.filter(stage__kind="won", closed_at__isnull=False).select_related("account")
    for won_deal in won:
        assert won_deal.closed_at is not None
        closed = min(timezone.localdate(won_deal.closed_at), today)
        plan.append((won_deal.account, closed, won_deal))
    for account in rng.sample(accounts, min(customers, len(accounts))):
        plan += [(account, day, None) for day in _purchase_days(rng, start, today)]
    plan.sort(key=lambda row: (row[1], row[0].pk))
    numbers, made_orders = _Numbers("O"), []
    for account, day, deal in plan:
        currency = "CNY" if account.country in ("CN", "") else "USD"
        made_orders.append(
            Order(
                number=numbers.next(day.year),
                account=account,
                deal=deal,
                status=OrderStatus.CONFIRMED,
                order_date=day,
                currency=currency,
                exchange_rate=_rate_on(currency, day),
                base_currency=base_currency(),
                owner_id=account.owner_id,
                team_id=account.team_id,
                created_by_id=account.owner_id,
                confirmed_at=_at(day, now),
                source="shop" if deal is None and rng.random() < 0.3 else "crm",
            )
        )
    Order.objects.bulk_create(made_orders, batch_size=500)
    orders = list(Order.objects.filter(number__in=[o.number for o in made_orders]))
    # Some customers buy big, others small: each keeps a size of its own.
    sizes = {a.pk: max(1, round(rng.lognormvariate(0.0, 0.8))) for a in accounts}
    lines, serial_rows = _lines(rng, orders, products, prices, sizes)
    returns = _returns(rng, orders, lines, serial_rows, now)
    rebuild_index(["sales.order"])
    return {"orders": len(orders), "returns": returns}


def _lines(
    rng: random.Random,
    orders: list[Order],
    products: list[Product],
    prices: dict[str, dict[int, Decimal]],
    sizes: dict[int, int],
) -> tuple[list[OrderLine], list[SerialNumber]]:
    lines: list[OrderLine] = []
    for order in orders:
        if order.source == "shop":
            order.external_id = f"SHOP-{order.pk:06d}"
        subtotal = total = Decimal(0)
        for position, product in enumerate(rng.sample(products, rng.randint(1, 3)), start=1):
            quantity = Decimal(rng.choice([1, 1, 2, 3, 5]) * sizes.get(order.account_id, 1))
            price = prices[order.currency][product.pk]
            discount = Decimal(rng.choice([0, 0, 0, 5, 10]))
            gross = (quantity * price).quantize(CENT)
            net = (gross * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
            lines.append(
                OrderLine(
                    order=order,
                    position=position,
                    product=product,
                    description=product.name,
                    quantity=quantity,
                    unit_price=price,
                    discount_percent=discount,
                    line_total=net,
                )
            )
            subtotal, total = subtotal + gross, total + net
        order.subtotal, order.total = subtotal, total
        order.discount_total = subtotal - total
        order.total_base = (total * order.exchange_rate).quantize(CENT, ROUND_HALF_UP)
    Order.objects.bulk_update(
        orders, ["subtotal", "total", "discount_total", "total_base", "external_id"], 500
    )
    OrderLine.objects.bulk_create(lines, batch_size=1000)
    serials: list[SerialNumber] = []
    for line in lines:
        if not line.product.is_serialised:
            continue
        until = add_months(line.order.order_date, line.product.warranty_months)
        serials += [
            SerialNumber(
                line=line,
                product=line.product,
                serial=f"{line.product.sku[3:]}-{line.pk:06d}-{unit + 1:02d}",
                warranty_until=until,
            )
            for unit in range(int(line.quantity))
        ]
    SerialNumber.objects.bulk_create(serials, batch_size=1000)
    return lines, serials


def _returns(
    rng: random.Random,
    orders: list[Order],
    lines: list[OrderLine],
    serials: list[SerialNumber],
    now: datetime,
) -> int:
    by_line: dict[int, list[SerialNumber]] = {}
    for serial in serials:
        by_line.setdefault(serial.line_id, []).append(serial)
    numbers, made = _Numbers("R"), 0
    today = timezone.localdate()
    for line in rng.sample(lines, len(lines) // 40):
        order = line.order
        day = min(order.order_date + timedelta(days=rng.randint(3, 40)), today)
        units = by_line.get(line.pk, [])
        kind = ReturnKind.RETURN if units or rng.random() < 0.6 else ReturnKind.CREDIT
        quantity = Decimal(1) if kind == ReturnKind.RETURN else Decimal(0)
        net_unit = (line.line_total / line.quantity).quantize(CENT, ROUND_HALF_UP)
        amount = net_unit if kind == ReturnKind.RETURN else (line.line_total / 10).quantize(CENT)
        document = Return.objects.create(
            number=numbers.next(day.year),
            order=order,
            kind=kind,
            return_date=day,
            returned_at=_at(day, now),
            reason=rng.choice(["Defective on arrival", "Wrong model", "Price adjustment", "坏了"]),
            total=amount,
            exchange_rate=order.exchange_rate,
            total_base=(amount * order.exchange_rate).quantize(CENT, ROUND_HALF_UP),
            created_by_id=order.owner_id,
        )
        row = ReturnLine.objects.create(
            return_doc=document, order_line=line, quantity=quantity, amount=amount
        )
        if kind == ReturnKind.RETURN and units:
            row.serials.set(units[:1])
            SerialNumber.objects.filter(pk=units[0].pk).update(status=SerialStatus.RETURNED)
        made += 1
    return made


@transaction.atomic
def reset_orders() -> None:
    """Delete every order, return, exchange rate and the demo products and price lists."""
    from guanxi.core.models import SearchDocument

    ReturnLine.objects.all().delete()
    Return.objects.all().delete()
    SerialNumber.objects.all().delete()
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    ExchangeRate.objects.all().delete()
    PriceList.objects.filter(name__startswith="Demo list ").delete()
    Product.objects.filter(sku__startswith=SKU_PREFIX).delete()
    SearchDocument.objects.filter(object_type="sales.order").delete()
