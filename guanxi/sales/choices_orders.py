"""Choice lists of orders and returns."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("order status", "Draft")
    CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class ReturnKind(models.TextChoices):
    """A return sends goods back (and credits them); a credit note only credits money."""

    RETURN = "return", pgettext_lazy("return kind", "Return of goods")
    CREDIT = "credit", pgettext_lazy("return kind", "Credit note")


class SerialStatus(models.TextChoices):
    SOLD = "sold", pgettext_lazy("serial status", "Sold")
    RETURNED = "returned", pgettext_lazy("serial status", "Returned")


# Orders typed in Guanxi; an ERP or shop names its own source (``erp``, ``shop`` ...).
CRM_SOURCE = "crm"
SOURCE_HELP = _("Lower-case letters, digits, - and _: the system the order comes from.")
