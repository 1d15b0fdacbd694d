"""Choice lists of customer analytics: RFM segments, model kinds and recompute runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Segment(models.TextChoices):
    """The standard RFM segments, named from the R and F scores (see docs/analytics.md)."""

    CHAMPIONS = "champions", pgettext_lazy("RFM segment", "Champions")
    LOYAL = "loyal", pgettext_lazy("RFM segment", "Loyal")
    POTENTIAL_LOYALISTS = "potential_loyalists", pgettext_lazy("RFM segment", "Potential loyalists")
    NEW_CUSTOMERS = "new_customers", pgettext_lazy("RFM segment", "New customers")
    PROMISING = "promising", pgettext_lazy("RFM segment", "Promising")
    NEED_ATTENTION = "need_attention", pgettext_lazy("RFM segment", "Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", pgettext_lazy("RFM segment", "About to sleep")
    AT_RISK = "at_risk", pgettext_lazy("RFM segment", "At risk")
    CANT_LOSE = "cant_lose", pgettext_lazy("RFM segment", "Can't lose them")
    HIBERNATING = "hibernating", pgettext_lazy("RFM segment", "Hibernating")
    LOST = "lost", pgettext_lazy("RFM segment", "Lost")


# What each segment means and what to do about it, shown next to the segment.
SEGMENT_MEANINGS = {
    Segment.CHAMPIONS: _("Bought recently and often: reward them, ask for referrals."),
    Segment.LOYAL: _("Buy often and not long ago: offer more, keep them close."),
    Segment.POTENTIAL_LOYALISTS: _("Recent customers with a few orders: build the habit."),
    Segment.NEW_CUSTOMERS: _("Bought for the first time recently: help them start well."),
    Segment.PROMISING: _("Fairly recent, few orders: make them come back."),
    Segment.NEED_ATTENTION: _("Average recency and frequency: a timely offer keeps them."),
    Segment.ABOUT_TO_SLEEP: _("Few orders, not recently: win them back before they go."),
    Segment.AT_RISK: _("Used to buy often, not for a while: reach out personally."),
    Segment.CANT_LOSE: _("Were among the most frequent buyers, long silent: call them now."),
    Segment.HIBERNATING: _("Few orders, long ago: low priority, occasional reminders."),
    Segment.LOST: _("One order, long ago: probably gone."),
}


class FitKind(models.TextChoices):
    RFM = "rfm", _("RFM quintile cut-offs")
    BGNBD = "bgnbd", _("BG/NBD (purchases, P(alive))")
    GAMMA_GAMMA = "gamma_gamma", _("Gamma-Gamma (spend per purchase)")
    HOLDOUT = "holdout", _("BG/NBD calibration vs holdout check")


class RunKind(models.TextChoices):
    FULL = "full", _("Full (refit)")
    INCREMENTAL = "incremental", _("Changed customers")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
