"""Demo sales data on top of the demo customers: leads and deals with a history, so the
board, the forecast, performance and the predictive lead score have something to show
(and orders, in ``demo_orders``).

Deterministic for a seed. Written directly (bulk) like the customers' demo loader;
derived values (names, pinyin, stage history) computed as the services would.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guanxi.core.services.search import rebuild_index
from guanxi.customers.demo import sales_users
from guanxi.customers.models import Account
from guanxi.lib.names import pinyin_of
from guanxi.sales.models import Deal, DealStageChange, Lead, Pipeline
from guanxi.sales.services.prediction import train_lead_model

PRODUCTS = ["ERP", "CRM", "云服务", "数据平台", "Support plan", "Licences", "Training"]
SOURCES = ["web_form", "trade_show", "referral", "campaign", "manual"]
INDUSTRIES = ["manufacturing", "retail", "technology", "finance", "logistics", "education"]
FAMILY = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇"]
BRANDS = ["华信", "远光", "东方", "博丰", "嘉光"]
TRADES = ["科技", "贸易", "制造"]


@transaction.atomic
def load_sales(
    *, deals: int = 600, leads: int = 300, buyers: int = 500, seed: int = 2026
) -> dict[str, int]:
    """Deals, leads and (``demo_orders``) products, orders and returns: every won deal's
    order and ``buyers`` customers' repeat orders."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    owners = sales_users()
    pipeline = Pipeline.objects.filter(is_default=True).first()
    if pipeline is None or not owners:
        return {"deals": 0, "leads": 0}
    stages = list(pipeline.stages.order_by("position"))
    open_stages = [s for s in stages if s.kind == "open"]
    won = next(s for s in stages if s.kind == "won")
    lost = next(s for s in stages if s.kind == "lost")
    accounts = list(Account.objects.order_by("pk")[: deals * 2])
    now = timezone.now()
    made = 0
    for account in rng.sample(accounts, min(deals, len(accounts))):
        created = now - timedelta(days=rng.randint(5, 540))
        roll = rng.random()
        reached = rng.randint(0, len(open_stages) - 1)
        final = won if roll < 0.25 else lost if roll < 0.40 else open_stages[reached]
        amount = Decimal(rng.choice([8, 15, 30, 60, 120, 250, 600])) * 1000
        path = open_stages[: (reached + 1 if final.kind == "open" else rng.randint(1, 4))]
        if final.kind != "open":
            path = [*path, final]
        at = created
        changes = []
        previous = None
        for stage in path:
            seconds = int((at - (changes[-1][2] if changes else at)).total_seconds())
            changes.append((previous, stage, at, seconds))
            previous = stage
            at = min(at + timedelta(days=rng.randint(3, 40)), now)  # nothing in the future
        entered = changes[-1][2]
        closed = entered if final.kind != "open" else None
        deal = Deal.objects.create(
            name=f"{account.name[:24]} {rng.choice(PRODUCTS)}",
            account=account,
            pipeline=pipeline,
            stage=final,
            stage_entered_at=entered,
            amount=amount,
            currency="CNY" if account.country == "CN" else "USD",
            probability=final.probability,
            expected_close=(now + timedelta(days=rng.randint(-10, 180))).date()
            if final.kind == "open"
            else closed.date()
            if closed
            else None,
            forecast_category=rng.choice(["pipeline", "best_case", "commit"]),
            lost_reason=rng.choice(["price", "competitor", "no_decision"]) if final == lost else "",
            closed_at=closed,
            owner=account.owner,
            team=account.team,
        )
        Deal.objects.filter(pk=deal.pk).update(created_at=created, updated_at=entered)
        DealStageChange.objects.bulk_create(
            DealStageChange(
                deal=deal,
                from_stage=frm,
                to_stage=to,
                changed_by=account.owner,
                changed_at=when,
                seconds_in_previous=max(seconds, 0),
            )
            for frm, to, when, seconds in changes
        )
        made += 1
    lead_rows = []
    for i in range(leads):
        industry = rng.choice(INDUSTRIES)
        good = industry in ("manufacturing", "technology")
        status = rng.choice(["new", "contacted", "qualified"])
        if i < leads * 0.6:  # a history to learn from: closed leads
            status = "converted" if rng.random() < (0.7 if good else 0.15) else "disqualified"
        family, given = rng.choice(FAMILY), rng.choice(GIVEN)
        lead_rows.append(
            Lead(
                family_name=family,
                given_name=given,
                full_name=f"{family}{given}",
                name_pinyin=pinyin_of(f"{family}{given}"),
                company=f"{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司",
                source=rng.choice(SOURCES),
                industry=industry,
                status=status,
                phone=f"+86139{rng.randint(10000000, 99999999)}",
                owner=rng.choice(owners),
                disqualify_reason="no_need" if status == "disqualified" else "",
            )
        )
    Lead.objects.bulk_create(lead_rows)
    rebuild_index(["sales.lead", "sales.deal"])
    train_lead_model()
    from guanxi.sales.demo_orders import load_orders

    orders = load_orders(customers=buyers, seed=seed)
    return {"deals": made, "leads": len(lead_rows), **orders}


@transaction.atomic
def reset_sales() -> None:
    """Delete every order, quote, deal and lead (live or in the trash) and their
    documents, and the demo products and price lists."""
    from guanxi.core.models import SearchDocument
    from guanxi.sales.demo_orders import reset_orders
    from guanxi.sales.models import Quote

    Quote.objects.all().delete()
    reset_orders()
    Lead.all_objects.update(converted_deal=None)
    DealStageChange.objects.all().delete()
    Deal.all_objects.all().delete()
    Lead.all_objects.all().delete()
    SearchDocument.objects.filter(object_type__in=["sales.lead", "sales.deal"]).delete()
