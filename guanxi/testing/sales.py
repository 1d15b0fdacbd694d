"""Small factories for sales records, through the services like real code."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.core.models import PublicForm
from guanxi.core.services.public_forms import create_public_form
from guanxi.sales.models import Lead
from guanxi.sales.services.leads import create_lead
from guanxi.testing.users import make_user

_counter = itertools.count(1)


def make_lead(**overrides: Any) -> Lead:
    """A lead owned by ``owner`` (a fresh sales rep by default), entered by its owner
    unless ``actor`` says otherwise."""
    fields: dict[str, Any] = {"family_name": "Lead", "given_name": f"No. {next(_counter)}"}
    fields.update(overrides)
    owner = fields.pop("owner", None) or make_user(role="sales_rep")
    actor = fields.pop("actor", None) or owner
    return create_lead(actor=actor, owner=owner, **fields)


def make_lead_form(**overrides: Any) -> PublicForm:
    """A web-to-lead form asking for name, company, phone, email, a message and whether
    to call, with a consent box; made by a fresh administrator."""
    n = next(_counter)
    fields: dict[str, Any] = {
        "slug": f"contact-us-{n}",
        "name": f"Contact us {n}",
        "kind": "lead",
        "consent_text": "Send me news by email.",
        "consent_text_zh": "通过电子邮件向我发送新闻。",
        "success_message": "Thank you, we will be in touch.",
        "success_message_zh": "谢谢，我们会尽快联系您。",
    }
    fields.update(overrides)
    actor = fields.pop("actor", None) or make_user(role="administrator")
    return create_public_form(actor=actor, **fields)
