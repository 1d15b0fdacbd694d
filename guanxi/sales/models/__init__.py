"""Sales records: leads and their routing and scoring rules, pipelines, deals,
products and quotes, orders and returns."""

from guanxi.sales.models.deals import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.models.leads import AssignmentRule, Lead, ScoringRule
from guanxi.sales.models.orders import (
    ExchangeRate,
    Order,
    OrderLine,
    Return,
    ReturnLine,
    SerialNumber,
)
from guanxi.sales.models.prediction import LeadScoreModel
from guanxi.sales.models.products import PriceList, PriceListItem, Product
from guanxi.sales.models.quotes import Quote, QuoteLine
from guanxi.sales.models.targets import Target

__all__ = [
    "AssignmentRule",
    "Deal",
    "DealStageChange",
    "ExchangeRate",
    "Lead",
    "LeadScoreModel",
    "Order",
    "OrderLine",
    "Pipeline",
    "PriceList",
    "PriceListItem",
    "Product",
    "Quote",
    "QuoteLine",
    "Return",
    "ReturnLine",
    "ScoringRule",
    "SerialNumber",
    "Stage",
    "Target",
]
