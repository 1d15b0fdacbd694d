"""Activities, timelines, My day and the calendar in the permission matrix.

Factories make records owned by the acting user, so own-scope roles are allowed on
them; seeing other people's activities is tested in ``test_activities_permissions.py``.
"""

from __future__ import annotations

from typing import Any

from guanxi.customers.models import Activity, EmailTemplate
from guanxi.customers.services.activities import log_activity
from guanxi.customers.tests.matrix_rows import own_account, own_contact
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

LOGGERS = EVERYONE - {"analyst"}  # every role but the read-only analyst logs activities


def own_activity(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    meeting = log_activity(actor=owner, kind="task", subject="Call back about the quote")
    return {"pk": meeting.pk}


def _activity_id(actor: Any) -> dict[str, Any]:
    return {"activity_id": own_activity(actor)["pk"]}


CALL = {"kind": "call", "subject": "Asked for a demo"}
TEMPLATE_EDITORS = frozenset({"administrator", "sales_manager", "marketer", "service_manager"})
MAIL = {"subject": "Your quote", "body": "Dear {{ salutation }}, here it is."}


def emailable_contact(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    contact = make_contact(owner=owner, emails=[{"value": "buyer@example.test"}])
    return {"pk": contact.pk}


def emailable_account(actor: Any) -> dict[str, Any]:
    owner = actor or make_user()
    account = make_account(owner=owner)
    make_contact(
        owner=owner,
        emails=[{"value": "buyer@example.test"}],
        accounts=[{"account": account, "is_primary": True}],
    )
    return {"pk": account.pk}


def some_template(actor: Any) -> dict[str, Any]:
    n = EmailTemplate.objects.count() + 1
    return {"pk": EmailTemplate.objects.create(name=f"T{n}", subject="S", body="B").pk}


PAGES: dict[str, Case] = {
    "customers:account_timeline": Case("GET", EVERYONE, kwargs=own_account),
    "customers:contact_timeline": Case("GET", EVERYONE, kwargs=own_contact),
    "customers:activity_list": Case("GET", EVERYONE),
    "customers:activity_create": Case("POST", LOGGERS, data=CALL),
    "customers:activity_detail": Case("GET", EVERYONE, kwargs=own_activity),
    "customers:activity_edit": Case(
        "POST", LOGGERS, kwargs=own_activity, data={**CALL, "kind": "task", "status": "open"}
    ),
    "customers:activity_toggle": Case("POST", LOGGERS, kwargs=own_activity),
    "customers:activity_delete": Case("POST", LOGGERS, kwargs=own_activity),
    "customers:activity_ics": Case("GET", EVERYONE, kwargs=own_activity),
    "customers:my_day": Case("GET", EVERYONE),
    "customers:contact_email": Case(
        "POST", LOGGERS, kwargs=emailable_contact, data={**MAIL, "to": "buyer@example.test"}
    ),
    "customers:account_email": Case("GET", LOGGERS, kwargs=emailable_account),
    "customers:email_template_list": Case("GET", EVERYONE),
    "customers:email_template_create": Case(
        "POST", TEMPLATE_EDITORS, data={"name": "Welcome", "subject": "Hi", "body": "Hello"}
    ),
    "customers:email_template_edit": Case(
        "POST",
        TEMPLATE_EDITORS,
        kwargs=some_template,
        data={"name": "Renamed", "subject": "Hi", "body": "Hello"},
    ),
    "customers:email_template_delete": Case("POST", TEMPLATE_EDITORS, kwargs=some_template),
    "customers:calendar": Case("GET", EVERYONE),
    "customers:calendar_ics": Case("GET", EVERYONE),
}

OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/activities"): Case("GET", EVERYONE),
    ("POST", "/api/v1/activities"): Case("POST", LOGGERS, data=CALL),
    ("GET", "/api/v1/activities/{activity_id}"): Case("GET", EVERYONE, kwargs=_activity_id),
    ("PATCH", "/api/v1/activities/{activity_id}"): Case(
        "PATCH", LOGGERS, kwargs=_activity_id, data={"subject": "Changed"}
    ),
    ("POST", "/api/v1/activities/{activity_id}/complete"): Case(
        "POST", LOGGERS, kwargs=_activity_id
    ),
    ("POST", "/api/v1/activities/{activity_id}/reopen"): Case("POST", LOGGERS, kwargs=_activity_id),
    ("DELETE", "/api/v1/activities/{activity_id}"): Case("DELETE", LOGGERS, kwargs=_activity_id),
    ("GET", "/api/v1/accounts/{account_id}/timeline"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"account_id": own_account(a)["pk"]}
    ),
    ("GET", "/api/v1/contacts/{contact_id}/timeline"): Case(
        "GET", EVERYONE, kwargs=lambda a: {"contact_id": own_contact(a)["pk"]}
    ),
    ("GET", "/api/v1/my-day"): Case("GET", EVERYONE),
    ("POST", "/api/v1/contacts/{contact_id}/emails"): Case(
        "POST",
        LOGGERS,
        kwargs=lambda a: {"contact_id": emailable_contact(a)["pk"]},
        data={**MAIL, "to": "buyer@example.test"},
    ),
    ("GET", "/api/v1/email-templates"): Case("GET", EVERYONE),
    ("POST", "/api/v1/email-templates"): Case(
        "POST", TEMPLATE_EDITORS, data={"name": "Welcome", "subject": "Hi", "body": "Hello"}
    ),
    ("PATCH", "/api/v1/email-templates/{template_id}"): Case(
        "PATCH",
        TEMPLATE_EDITORS,
        kwargs=lambda a: {"template_id": some_template(a)["pk"]},
        data={"subject": "New"},
    ),
    ("DELETE", "/api/v1/email-templates/{template_id}"): Case(
        "DELETE", TEMPLATE_EDITORS, kwargs=lambda a: {"template_id": some_template(a)["pk"]}
    ),
}


def state() -> tuple[Any, ...]:
    return (
        sorted(
            Activity.all_objects.values_list("pk", "subject", "status", "owner_id", "deleted_at")
        ),
        sorted(EmailTemplate.objects.values_list("pk", "name", "subject")),
    )
