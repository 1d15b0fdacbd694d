"""The public help form (story 15): the customer says in their own words what is wrong,
and a ticket opens without them choosing a department.

It is a kind of public form (``core.public_forms``), "ticket", so it inherits that
mechanism's protections — the per-address rate limit, the stored submission with the
consent wording shown, all-or-nothing handling — and administrators can build more
forms of it under Web forms (``/f/<slug>/``). The ``/help/`` page is the form with the
address ``help``, made with the defaults after ``migrate`` (never by a visitor's GET).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from guanxi.core.models import PublicForm
from guanxi.core.public_forms import (
    EMAIL,
    PHONE,
    TEXTAREA,
    FormFieldSpec,
    FormHandler,
    SubmissionContext,
    register_form_kind,
)
from guanxi.sales.choices_orders import SerialStatus
from guanxi.sales.models import Product, SerialNumber
from guanxi.service.choices import Channel
from guanxi.service.models import Ticket
from guanxi.service.services.tickets import open_ticket

TICKET_KIND = "ticket"
HELP_SLUG = "help"
SUBJECT_LENGTH = 80


def find_product(text: str) -> tuple[Product | None, SerialNumber | None]:
    """What the customer typed as their product: a serial number sold (its product too),
    else a product by SKU or, when only one matches, by name; else nothing."""
    text = (text or "").strip()
    if not text:
        return None, None
    units = SerialNumber.objects.filter(serial__iexact=text).select_related("product")
    unit = units.filter(status=SerialStatus.SOLD).order_by("-pk").first() or units.first()
    if unit is not None:
        return unit.product, unit
    products = Product.objects.filter(is_active=True)
    by_sku = products.filter(sku__iexact=text).first()
    if by_sku is not None:
        return by_sku, None
    by_name = list(products.filter(Q(name__iexact=text) | Q(name__icontains=text))[:2])
    return (by_name[0], None) if len(by_name) == 1 else (None, None)


def subject_of(description: str) -> str:
    """The first line of what the customer wrote, shortened: the ticket's subject."""
    first = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(first) <= SUBJECT_LENGTH:
        return first
    return first[: SUBJECT_LENGTH - 1].rstrip() + "…"


def handle_ticket_form(data: dict[str, Any], context: SubmissionContext) -> Ticket:
    """The ``ticket`` kind: open a web ticket from the customer's words, with the
    product or serial number when one is recognised and the page's language; the
    routing rules inside ``open_ticket`` choose the team."""
    description = str(data.get("description") or "").strip()
    product_text = str(data.get("product") or "").strip()
    phone = str(data.get("phone") or "").strip()
    product, serial = find_product(product_text)
    language = context.submission.language or translation.get_language() or "zh-hans"
    language = "zh-hans" if language.startswith("zh") else language
    extra = []
    with translation.override(language):
        if product_text and product is None:
            extra.append(_("Product or serial number given: %(text)s") % {"text": product_text})
        if phone:
            extra.append(_("Phone: %(phone)s") % {"phone": phone})
    body = description + ("\n\n" + "\n".join(extra) if extra else "")
    return open_ticket(
        actor=None,
        channel=Channel.WEB,
        subject=subject_of(description),
        body=body,
        requester_name=str(data.get("name") or ""),
        requester_email=str(data.get("email") or ""),
        product=product,
        serial=serial,
        language=language,
    )


TICKET_FORM = FormHandler(
    label=_lazy("Ticket (help form)"),
    fields=[
        FormFieldSpec(
            "description",
            _lazy("What is the problem?"),
            widget=TEXTAREA,
            max_length=5000,
            always_required=True,
        ),
        FormFieldSpec(
            "product", _lazy("Product or serial number (if you know it)"), max_length=100
        ),
        FormFieldSpec("name", _lazy("Your name"), max_length=200),
        FormFieldSpec("email", _lazy("Email"), widget=EMAIL, max_length=254),
        FormFieldSpec("phone", _lazy("Phone"), widget=PHONE, max_length=32),
    ],
    handle=handle_ticket_form,
    default_fields=("description", "product", "name", "email", "phone"),
)
DEFAULT_REQUIRED = frozenset({"description", "email"})


def register() -> None:
    register_form_kind(TICKET_KIND, TICKET_FORM)


def help_form_defaults() -> dict[str, Any]:
    """What the help form is made with (fresh each call: ``fields`` is mutable)."""
    return {
        "name": "Help",
        "kind": TICKET_KIND,
        "title": "How can we help?",
        "title_zh": "需要什么帮助？",
        "fields": [
            {"name": name, "required": name in DEFAULT_REQUIRED}
            for name in TICKET_FORM.default_fields
        ],
    }


@transaction.atomic
def ensure_help_form() -> PublicForm:
    """The form with the address ``help``, made with the defaults (description and
    e-mail required, no consent box) when missing; run after every ``migrate``, so an
    administrator finds it under Web forms before the first visitor comes."""
    form, _created = PublicForm.objects.get_or_create(
        slug=HELP_SLUG,
        defaults=help_form_defaults(),
    )
    return form


def ensure_help_form_after_migrate(**kwargs: object) -> None:
    """``post_migrate`` receiver (connected in ``ServiceConfig.ready``)."""
    ensure_help_form()


def help_public_form() -> PublicForm:
    """The form behind ``/help/``; reading it never writes. An administrator may change
    its labels, fields and wording under Web forms, or close it; when it was deleted,
    an unsaved closed form stands in (the page is not found) until the next
    ``migrate`` makes it again."""
    form = PublicForm.objects.filter(slug=HELP_SLUG).first()
    if form is not None:
        return form
    return PublicForm(slug=HELP_SLUG, is_active=False, **help_form_defaults())
