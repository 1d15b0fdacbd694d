"""Sales records: leads and their routing and scoring rules, pipelines, deals."""

from guanxi.sales.models.deals import Deal, DealStageChange, Pipeline, Stage
from guanxi.sales.models.leads import AssignmentRule, Lead, ScoringRule

__all__ = [
    "AssignmentRule",
    "Deal",
    "DealStageChange",
    "Lead",
    "Pipeline",
    "ScoringRule",
    "Stage",
]
