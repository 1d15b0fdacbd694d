"""Signals the service module sends, so other parts (surveys, field service, reports)
follow tickets without the ticket services knowing them."""

from django.dispatch import Signal

# Sent inside the transaction after a ticket's status changed and the ticket was saved,
# with ``ticket``, ``old_status``, ``new_status`` and ``actor`` (None when the customer
# or the system moved it).
ticket_status_changed = Signal()
