"""The API of churn and cross-sell."""

from ninja import Router

router = Router(tags=["Churn and cross-sell"])
