"""API endpoints for e-mail to customers and the shared e-mail templates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from guanxi.core.access import get_for_or_404, require, restrict
from guanxi.customers.models import Activity, EmailTemplate
from guanxi.customers.object_types import EMAIL_TEMPLATE
from guanxi.customers.schemas_activities import ActivitySchema
from guanxi.customers.selectors import accounts_visible_to, get_activity_for, get_contact_for
from guanxi.customers.services import email_templates as template_services
from guanxi.customers.services.email import send_customer_email

router = Router(tags=["email"])


class EmailIn(Schema):
    to: str = Field(description="one of the contact's email addresses")
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    account_id: int | None = Field(default=None, description="the account it is about")
    in_reply_to_id: int | None = Field(
        default=None, description="the email activity this one answers (threads it)"
    )


class EmailTemplateSchema(Schema):
    id: int
    name: str
    language: str
    subject: str
    body: str


class EmailTemplateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    language: str = ""
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)


class EmailTemplatePatchIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    language: str | None = None
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, min_length=1)


@router.post(
    "/contacts/{contact_id}/emails",
    response={201: ActivitySchema},
    summary="Email a contact (personalised, sent by SMTP, kept on the timeline)",
)
def email_contact(request: HttpRequest, contact_id: int, payload: EmailIn) -> Any:
    require(request.user, "customers.activity", "add")
    contact = get_contact_for(request.user, contact_id)
    account = None
    if payload.account_id is not None:
        account = accounts_visible_to(request.user).filter(pk=payload.account_id).first()
        if account is None:
            raise ValidationError({"account_id": _("This account does not exist.")})
    previous = None
    if payload.in_reply_to_id is not None:
        previous = get_activity_for(request.user, payload.in_reply_to_id)
    activity = send_customer_email(
        actor=request.user,
        contact=contact,
        to=payload.to,
        subject=payload.subject,
        body=payload.body,
        account=account,
        in_reply_to=previous,
    )
    return Status(
        201, Activity.objects.prefetch_related("accounts", "contacts").get(pk=activity.pk)
    )


@router.get("/email-templates", response=list[EmailTemplateSchema], summary="Email templates")
def list_templates(request: HttpRequest) -> Any:
    require(request.user, EMAIL_TEMPLATE, "view")
    return list(restrict(EmailTemplate.objects.all(), request.user))


@router.post(
    "/email-templates", response={201: EmailTemplateSchema}, summary="Create an email template"
)
def create_template(request: HttpRequest, payload: EmailTemplateIn) -> Any:
    require(request.user, EMAIL_TEMPLATE, "add")
    template = template_services.create_email_template(actor=request.user, **payload.dict())
    return Status(201, template)


@router.patch(
    "/email-templates/{template_id}",
    response=EmailTemplateSchema,
    summary="Change an email template",
)
def patch_template(request: HttpRequest, template_id: int, payload: EmailTemplatePatchIn) -> Any:
    require(request.user, EMAIL_TEMPLATE, "change")
    template = get_for_or_404(EmailTemplate.objects.all(), request.user, template_id, "change")
    return template_services.update_email_template(
        actor=request.user, template=template, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/email-templates/{template_id}", response={204: None}, summary="Delete an email template"
)
def delete_template(request: HttpRequest, template_id: int) -> Any:
    require(request.user, EMAIL_TEMPLATE, "delete")
    template = get_for_or_404(EmailTemplate.objects.all(), request.user, template_id, "delete")
    template_services.delete_email_template(actor=request.user, template=template)
    return Status(204, None)
