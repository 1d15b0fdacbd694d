"""Sales records: leads and their routing and scoring rules, pipelines, deals."""

from guanxi.sales.models.deals import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.models.leads import AssignmentRule, Lead, ScoringRule
from guanxi.sales.models.prediction import LeadScoreModel

__all__ = [
    "AssignmentRule",
    "Deal",
    "DealStageChange",
    "Lead",
    "LeadScoreModel",
    "Pipeline",
    "ScoringRule",
    "Stage",
]
