"""The API of churn and cross-sell: an account's churn risk, the customers at risk,
the product associations and suggestions for an account or a product. Risks follow
their accounts (a rep sees their own customers'); associations are product-level."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from guanxi.analytics.models.churn import RiskLevel
from guanxi.analytics.object_types import ASSOCIATION, CHURN_RISK
from guanxi.analytics.schemas_churn import (
    AssociationPage,
    RiskDetailSchema,
    RiskPage,
    SuggestionsSchema,
)
from guanxi.analytics.selectors_churn import (
    associations_visible_to,
    filter_associations,
    filter_risks,
    risks_visible_to,
)
from guanxi.analytics.services.cross_sell_suggest import (
    suggestions_for_account,
    suggestions_for_product,
)
from guanxi.core.access import get_for_or_404, require
from guanxi.customers.models import Account
from guanxi.integrations.api.pagination import keyset_page
from guanxi.sales.models import Product
from guanxi.sales.object_types import PRODUCT

router = Router(tags=["Churn and cross-sell"])

RISK_SORTS = ("pk", "value_at_stake", "risk")
ASSOCIATION_SORTS = ("pk", "lift", "confidence", "support", "pair_buyers")


@router.get(
    "/accounts/{account_id}/churn-risk",
    response=RiskDetailSchema,
    summary="An account's churn risk",
)
def account_risk(request: HttpRequest, account_id: int) -> Any:
    """The risk with each factor's contribution and the latest threshold crossings; 404
    when the account has none yet (no confirmed order) or is not visible."""
    require(request.user, CHURN_RISK, "view")
    risk = risks_visible_to(request.user).filter(account_id=account_id).first()
    if risk is None:
        raise Http404
    return risk


@router.get("/analytics/at-risk", response=RiskPage, summary="List customers at risk")
def list_at_risk(
    request: HttpRequest,
    level: str = Query("", description="low, medium or high; empty: medium and high"),
    owner_id: int | None = None,
    team_id: int | None = None,
    sort: str = "-value_at_stake",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """The churn risks the caller may see, by default the medium and high ones with
    the most value at stake first."""
    require(request.user, CHURN_RISK, "view")
    if level and level not in RiskLevel.values:
        raise ValidationError({"level": _("Choose low, medium or high.")})
    queryset = filter_risks(
        risks_visible_to(request.user),
        level=level,
        owner_id=owner_id,
        team_id=team_id,
        at_risk_only=not level,
    )
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=RISK_SORTS
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/analytics/associations", response=AssociationPage, summary="List product associations"
)
def list_associations(
    request: HttpRequest,
    product_id: int | None = Query(None, description="Rules with this product on either side"),
    sort: str = "-lift",
    cursor: str | None = None,
    limit: int = 50,
) -> Any:
    """ "Customers who bought X also bought Y" with support, confidence and lift."""
    require(request.user, ASSOCIATION, "view")
    queryset = filter_associations(associations_visible_to(request.user), product_id=product_id)
    items, next_cursor = keyset_page(
        queryset, cursor=cursor, limit=limit, sort=sort, allowed=ASSOCIATION_SORTS
    )
    return {"items": items, "next_cursor": next_cursor}


def _limit(limit: int) -> int:
    if not 1 <= limit <= 50:
        raise ValidationError({"limit": _("Limit must be between 1 and 50.")})
    return limit


@router.get(
    "/accounts/{account_id}/suggestions",
    response=SuggestionsSchema,
    summary="Cross-sell and up-sell for an account",
)
def account_suggestions(request: HttpRequest, account_id: int, limit: int = 5) -> Any:
    """Products the account has never ordered, from the rules whose antecedent it
    bought (strongest first), and dearer products of the categories it buys."""
    require(request.user, ASSOCIATION, "view")
    account = get_for_or_404(Account.objects.all(), request.user, account_id)
    return suggestions_for_account(account, limit=_limit(limit))


@router.get(
    "/products/{product_id}/suggestions",
    response=SuggestionsSchema,
    summary="What buyers of a product also bought",
)
def product_suggestions(request: HttpRequest, product_id: int, limit: int = 10) -> Any:
    require(request.user, ASSOCIATION, "view")
    require(request.user, PRODUCT, "view")
    product = get_for_or_404(Product.objects.all(), request.user, product_id)
    return suggestions_for_product(product, limit=_limit(limit))
