"""Sales records: leads and their routing and scoring rules, pipelines, deals."""

from guanxi.sales.models.deals import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.models.leads import AssignmentRule, Lead, ScoringRule
from guanxi.sales.models.prediction import LeadScoreModel
from guanxi.sales.models.products import PriceList, PriceListItem, Product
from guanxi.sales.models.quotes import Quote, QuoteLine
from guanxi.sales.models.targets import Target

__all__ = [
    "AssignmentRule",
    "Deal",
    "DealStageChange",
    "Lead",
    "LeadScoreModel",
    "Pipeline",
    "PriceList",
    "PriceListItem",
    "Product",
    "Quote",
    "QuoteLine",
    "ScoringRule",
    "Stage",
    "Target",
]
