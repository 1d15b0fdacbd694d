"""Stored results of customer analytics, one module per kind of result."""

from guanxi.analytics.models.scores import CustomerScore, ModelFit, RecomputeRun

__all__ = ["CustomerScore", "ModelFit", "RecomputeRun"]
