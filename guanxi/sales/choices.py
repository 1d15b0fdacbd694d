"""Choice lists of the sales module."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class LeadSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    IMPORT = "import", _("Import")
    TRADE_SHOW = "trade_show", _("Trade show")
    REFERRAL = "referral", _("Referral")
    CAMPAIGN = "campaign", _("Campaign")
    MANUAL = "manual", _("Entered by staff")
    API = "api", _("API")


class DisqualifyReason(models.TextChoices):
    NO_BUDGET = "no_budget", _("No budget")
    NO_NEED = "no_need", _("No need")
    NOT_REACHABLE = "not_reachable", _("Could not be reached")
    COMPETITOR = "competitor", _("Chose a competitor")
    SPAM = "spam", _("Spam or test")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


class AssignmentMethod(models.TextChoices):
    USER = "user", _("To one user")
    ROUND_ROBIN = "round_robin", _("Round robin within a team")


class StageKind(models.TextChoices):
    OPEN = "open", pgettext_lazy("deal stage kind", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", pgettext_lazy("forecast category", "Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    OMITTED = "omitted", _("Omitted")


class LostReason(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITOR = "competitor", _("Lost to a competitor")
    NO_DECISION = "no_decision", _("No decision")
    TIMING = "timing", _("Timing")
    PRODUCT_FIT = "product_fit", _("Product did not fit")
    OTHER = "other", _("Other")
