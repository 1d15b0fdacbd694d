"""Small factories for customer records, through the services like real code."""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.customers.models import Account, Contact
from guanxi.customers.services.accounts import create_account
from guanxi.customers.services.contacts import create_contact
from guanxi.testing.users import make_user

_counter = itertools.count(1)


def make_account(**overrides: Any) -> Account:
    """An account owned by ``owner`` (a fresh user by default), created by its owner
    unless ``actor`` says otherwise."""
    fields: dict[str, Any] = {"name": f"Account {next(_counter)}"}
    fields.update(overrides)
    owner = fields.pop("owner", None) or make_user()
    actor = fields.pop("actor", None) or owner
    return create_account(actor=actor, owner=owner, **fields)


def make_contact(**overrides: Any) -> Contact:
    """A contact owned by ``owner`` (a fresh user by default)."""
    fields: dict[str, Any] = {"family_name": "Contact", "given_name": f"No. {next(_counter)}"}
    fields.update(overrides)
    owner = fields.pop("owner", None) or make_user()
    actor = fields.pop("actor", None) or owner
    return create_contact(actor=actor, owner=owner, **fields)
