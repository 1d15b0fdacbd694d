"""Stored results of customer analytics, one module per kind of result."""

from guanxi.analytics.models.associations import (
    AssociationRefresh,
    ProductAssociation,
    ProductStat,
)
from guanxi.analytics.models.churn import ChurnCrossing, ChurnRisk
from guanxi.analytics.models.classification import ClassificationRules, CustomerClass
from guanxi.analytics.models.lifecycle import LifecycleTransition
from guanxi.analytics.models.scores import CustomerScore, ModelFit, RecomputeRun

__all__ = [
    "AssociationRefresh",
    "ChurnCrossing",
    "ChurnRisk",
    "ClassificationRules",
    "CustomerClass",
    "CustomerScore",
    "LifecycleTransition",
    "ModelFit",
    "ProductAssociation",
    "ProductStat",
    "RecomputeRun",
]
