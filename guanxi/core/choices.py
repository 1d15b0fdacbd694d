"""Choice lists shared by the platform."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("View")
    ADD = "add", _("Add")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    ASSIGN = "assign", _("Assign")
    APPROVE = "approve", _("Approve")


class Scope(models.TextChoices):
    """How far a grant reaches; ordered from narrowest to widest."""

    OWN = "own", _("Own records")
    TEAM = "team", _("Team's records")
    ALL = "all", _("All records")


SCOPE_RANK = {Scope.OWN: 1, Scope.TEAM: 2, Scope.ALL: 3}


class Origin(models.TextChoices):
    """Where a change came from, recorded on every audit entry."""

    UI = "ui", _("Web interface")
    API = "api", _("API")
    TASK = "task", _("Background task")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("System")


class AuditEvent(models.TextChoices):
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    RESTORE = "restore", _("Restored")
    PURGE = "purge", _("Deleted for good")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    DEACTIVATE = "deactivate", _("Deactivated")
    REACTIVATE = "reactivate", _("Reactivated")


class FieldType(models.TextChoices):
    """The kinds of custom field an administrator can add."""

    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Money")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Several choices")
    BOOLEAN = "boolean", _("Yes / no")
    USER = "user", _("User")
