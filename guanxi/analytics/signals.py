"""Signals of customer analytics, so other modules (marketing automation, …) can react
to the same events as the alerts without analytics knowing them."""

from django.dispatch import Signal

# Sent once when a customer's churn risk rises to or above the alert threshold (again
# only after it fell below and rose again), after the owner's task and notification were
# created. Arguments: ``account`` (customers.Account), ``risk`` (analytics.ChurnRisk,
# already saved), ``crossing`` (analytics.ChurnCrossing) and ``task`` (the owner's
# customers.Activity, or None when the owner could not be given one).
customer_at_risk = Signal()
