"""Customer records: tiers, accounts, contacts and what hangs off them."""

from guanxi.customers.models.accounts import Account
from guanxi.customers.models.activities import Activity
from guanxi.customers.models.addresses import Address
from guanxi.customers.models.contacts import (
    AccountContact,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
)
from guanxi.customers.models.email_templates import EmailTemplate
from guanxi.customers.models.relationships import Relationship
from guanxi.customers.models.tiers import BUILTIN_TIER_NAMES, CustomerTier

__all__ = [
    "BUILTIN_TIER_NAMES",
    "Account",
    "AccountContact",
    "Activity",
    "Address",
    "Consent",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "CustomerTier",
    "EmailTemplate",
    "Relationship",
]
