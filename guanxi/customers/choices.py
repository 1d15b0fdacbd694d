"""Choice lists of the customers module."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Industry(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    CONSTRUCTION = "construction", _("Construction and real estate")
    EDUCATION = "education", _("Education")
    ENERGY = "energy", _("Energy and utilities")
    FINANCE = "finance", _("Finance and insurance")
    GOVERNMENT = "government", _("Government and non-profit")
    HEALTHCARE = "healthcare", _("Healthcare")
    HOSPITALITY = "hospitality", _("Hospitality and travel")
    LOGISTICS = "logistics", _("Logistics and transport")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MEDIA = "media", _("Media and entertainment")
    PROFESSIONAL = "professional", _("Professional services")
    RETAIL = "retail", _("Retail and e-commerce")
    TECHNOLOGY = "technology", _("Technology and telecoms")
    WHOLESALE = "wholesale", _("Wholesale and distribution")
    OTHER = "other", _("Other")


class CompanySize(models.TextChoices):
    """Employee-count bands."""

    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250-999", _("250–999 employees")
    ENTERPRISE = "1000+", _("1,000 or more employees")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class PreferredLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh-hans", _("Simplified Chinese")


class Channel(models.TextChoices):
    """Ways to reach a contact: their preferred one, and consent per channel."""

    EMAIL = "email", pgettext_lazy("channel or activity type", "Email")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    MAIL = "mail", _("Post")


class ContactPointKind(models.TextChoices):
    """The kind of a phone number or email address."""

    WORK = "work", _("Work")
    MOBILE = "mobile", _("Mobile")
    HOME = "home", pgettext_lazy("kind of phone, email or address", "Home")
    OTHER = "other", _("Other")


class AddressKind(models.TextChoices):
    OFFICE = "office", _("Office")
    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")
    HOME = "home", pgettext_lazy("kind of phone, email or address", "Home")
    OTHER = "other", _("Other")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Entered by staff")
    API = "api", _("API")


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", pgettext_lazy("channel or activity type", "Email")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")
    TASK = "task", _("Task")


class Direction(models.TextChoices):
    """Of a call or an email: who reached out."""

    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class TaskStatus(models.TextChoices):
    """Tasks and planned meetings are open until done or cancelled; logged touchpoints are done."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ContactRelation(models.TextChoices):
    """How one person relates to another (read: <from> is <kind> <to>)."""

    REFERRED_BY = "referred_by", _("was referred by")
    REPORTS_TO = "reports_to", _("reports to")
    FAMILY = "family", _("is family of")
    FRIEND = "friend", _("is a friend of")
    ASSISTANT_OF = "assistant_of", _("is the assistant of")


class AccountRelation(models.TextChoices):
    """How one company relates to another (read: <from> is <kind> <to>)."""

    PARTNER = "partner", _("is a partner of")
    COMPETITOR = "competitor", _("is a competitor of")
    SUPPLIER = "supplier", _("is a supplier of")
    RESELLER = "reseller", _("is a reseller of")
    CUSTOMER = "customer", _("is a customer of")


# What the relation reads as from the other end.
INVERSE_RELATION = {
    "referred_by": _("referred"),
    "reports_to": _("manages"),
    "family": _("is family of"),
    "friend": _("is a friend of"),
    "assistant_of": _("has as assistant"),
    "partner": _("is a partner of"),
    "competitor": _("is a competitor of"),
    "supplier": _("is a customer of"),
    "reseller": _("has as reseller"),
    "customer": _("is a supplier of"),
}
