"""Writing to customers from their page, and the shared e-mail templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.access import can, get_for_or_404, restrict
from guanxi.core.decorators import require_action
from guanxi.core.views.errors import add_service_errors
from guanxi.customers.forms_email import ComposeForm, EmailTemplateForm
from guanxi.customers.models import AccountContact, EmailTemplate
from guanxi.customers.object_types import ACCOUNT, ACTIVITY, CONTACT, EMAIL_TEMPLATE
from guanxi.customers.selectors import contacts_visible_to, get_account_for, get_contact_for
from guanxi.customers.services.email import PLACEHOLDERS, send_customer_email
from guanxi.customers.services.email_templates import (
    create_email_template,
    delete_email_template,
    update_email_template,
)


def _templates(request: HttpRequest) -> Any:
    return restrict(EmailTemplate.objects.all(), request.user)


def _initial(request: HttpRequest) -> dict[str, str]:
    chosen = request.GET.get("template", "")
    template = _templates(request).filter(pk=chosen).first() if chosen.isdigit() else None
    return {"subject": template.subject, "body": template.body} if template else {}


def _compose(
    request: HttpRequest, *, recipients: list[tuple[str, str]], back: str, title: str, send: Any
) -> HttpResponse:
    form = ComposeForm(request.POST or None, recipients=recipients, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            send(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your email is on its way; it is on the timeline."))
            return redirect(back)
    context = {
        "form": form,
        "title": title,
        "cancel_url": back,
        "templates": _templates(request),
        "placeholders": ["{{ %s }}" % p for p in PLACEHOLDERS],  # noqa: UP031
        "can_manage_templates": can(request.user, EMAIL_TEMPLATE, "add"),
    }
    return render(request, "customers/email_compose.html", context)


@require_action(ACTIVITY, "add")
def contact_email(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk)
    if not can(request.user, CONTACT, "view"):
        return HttpResponse(status=403)
    recipients = [(e.value, f"{contact.full_name} <{e.value}>") for e in contact.emails.all()]
    link = (
        AccountContact.objects.filter(contact=contact, is_current=True, account__deleted_at=None)
        .select_related("account")
        .order_by("-is_primary", "pk")
        .first()
    )

    def send(to: str, subject: str, body: str) -> Any:
        return send_customer_email(
            actor=request.user,
            contact=contact,
            to=to,
            subject=subject,
            body=body,
            account=link.account if link is not None else None,
        )

    return _compose(
        request,
        recipients=recipients,
        back=reverse("customers:contact_detail", args=[contact.pk]),
        title=_("Email %(name)s") % {"name": contact.full_name},
        send=send,
    )


@require_action(ACTIVITY, "add")
def account_email(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to one of the account's contacts (the primary contact first)."""
    account = get_account_for(request.user, pk)
    if not can(request.user, ACCOUNT, "view"):
        return HttpResponse(status=403)
    links = (
        AccountContact.objects.filter(
            account=account,
            is_current=True,
            contact__in=contacts_visible_to(request.user),
        )
        .select_related("contact")
        .prefetch_related("contact__emails")
        .order_by("-is_primary", "pk")
    )
    recipients, contacts = [], {}
    for link in links:
        contacts[link.contact_id] = link.contact
        for email in link.contact.emails.all():
            value = f"{link.contact_id}:{email.value}"
            recipients.append((value, f"{link.contact.full_name} <{email.value}>"))

    def send(to: str, subject: str, body: str) -> Any:
        contact_id, _sep, address = to.partition(":")
        contact = contacts[int(contact_id)]
        return send_customer_email(
            actor=request.user,
            contact=contact,
            to=address,
            subject=subject,
            body=body,
            account=account,
        )

    return _compose(
        request,
        recipients=recipients,
        back=reverse("customers:account_detail", args=[account.pk]),
        title=_("Email someone at %(name)s") % {"name": account.name},
        send=send,
    )


@require_action(EMAIL_TEMPLATE, "view")
def email_template_list(request: HttpRequest) -> HttpResponse:
    context = {
        "templates": _templates(request),
        "can_add": can(request.user, EMAIL_TEMPLATE, "add"),
        "can_change": can(request.user, EMAIL_TEMPLATE, "change"),
        "placeholders": ["{{ %s }}" % p for p in PLACEHOLDERS],  # noqa: UP031
    }
    return render(request, "customers/email_template_list.html", context)


def _template_form(request: HttpRequest, template: EmailTemplate | None) -> HttpResponse:
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if template is None:
                create_email_template(actor=request.user, **data)
            else:
                update_email_template(actor=request.user, template=template, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The template was saved."))
            return redirect("customers:email_template_list")
    context = {
        "form": form,
        "title": _("New email template") if template is None else _("Edit email template"),
        "cancel_url": reverse("customers:email_template_list"),
    }
    return render(request, "web/form_page.html", context)


@require_action(EMAIL_TEMPLATE, "add")
def email_template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@require_action(EMAIL_TEMPLATE, "change")
def email_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_for_or_404(EmailTemplate.objects.all(), request.user, pk, "change")
    return _template_form(request, template)


@require_POST
@require_action(EMAIL_TEMPLATE, "delete")
def email_template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_for_or_404(EmailTemplate.objects.all(), request.user, pk, "delete")
    delete_email_template(actor=request.user, template=template)
    messages.success(request, _("The template was deleted."))
    return redirect("customers:email_template_list")
