"""Choice lists of quotes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("quote status", "Draft")
    SENT = "sent", pgettext_lazy("quote status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("quote status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("quote status", "Rejected")
    EXPIRED = "expired", pgettext_lazy("quote status", "Expired")


class QuoteApproval(models.TextChoices):
    """Whether a quote's discounts need a manager's approval, and where that stands."""

    NOT_NEEDED = "not_needed", _("Not needed")
    NEEDED = "needed", _("Needs approval")
    REQUESTED = "requested", _("Approval requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Approval refused")
