"""The ERP/shop sync of accounts, contacts and products in the permission matrix.

A push makes a new record under a fresh external id (so it needs ``add``); a read finds
a record an administrator pushed for the acting user (owned by them, so own-scope roles
see it). Who may overwrite whose record is tested in ``test_sync.py``.
"""

from __future__ import annotations

import itertools
from typing import Any

from guanxi.integrations.models import ExternalRef
from guanxi.integrations.sync import upsert_account, upsert_contact, upsert_product
from guanxi.testing.matrix import EVERYONE, Case
from guanxi.testing.users import make_user

ADDERS = frozenset({"administrator", "sales_manager", "sales_rep"})  # accounts, contacts
PRODUCT_ADDERS = frozenset({"administrator", "sales_manager"})
_ids = itertools.count(1)


def _admin() -> Any:
    return make_user(role="administrator")


def _fresh(actor: Any) -> dict[str, Any]:
    return {"source": "erp", "external_id": f"MX-NEW-{next(_ids)}"}


def _pushed_account(actor: Any) -> dict[str, Any]:
    external_id = f"MX-A-{next(_ids)}"
    upsert_account(
        actor=_admin(),
        source="erp",
        external_id=external_id,
        name=f"Matrix 公司 {external_id}",
        owner=actor or make_user(),
    )
    return {"source": "erp", "external_id": external_id}


def _pushed_contact(actor: Any) -> dict[str, Any]:
    external_id = f"MX-C-{next(_ids)}"
    upsert_contact(
        actor=_admin(),
        source="erp",
        external_id=external_id,
        family_name="王",
        owner=actor or make_user(),
    )
    return {"source": "erp", "external_id": external_id}


def _pushed_product(actor: Any) -> dict[str, Any]:
    external_id = f"MX-P-{next(_ids)}"
    upsert_product(
        actor=_admin(), source="erp", external_id=external_id, sku=external_id, name="Part"
    )
    return {"source": "erp", "external_id": external_id}


ACCOUNT = "/api/v1/accounts/external/{source}/{external_id}"
CONTACT = "/api/v1/contacts/external/{source}/{external_id}"
PRODUCT = "/api/v1/products/external/{source}/{external_id}"

PAGES: dict[str, Case] = {}
OPERATIONS: dict[tuple[str, str], Case] = {
    ("GET", ACCOUNT): Case("GET", EVERYONE, kwargs=_pushed_account),
    ("PUT", ACCOUNT): Case("PUT", ADDERS, kwargs=_fresh, data={"name": "ERP 有限公司"}),
    ("GET", CONTACT): Case("GET", EVERYONE, kwargs=_pushed_contact),
    ("PUT", CONTACT): Case("PUT", ADDERS, kwargs=_fresh, data={"family_name": "李"}),
    ("GET", PRODUCT): Case("GET", EVERYONE, kwargs=_pushed_product),
    ("PUT", PRODUCT): Case(
        "PUT", PRODUCT_ADDERS, kwargs=_fresh, data={"sku": "MX-SKU", "name": "Pushed"}
    ),
}


def state() -> tuple[Any, ...]:
    return (sorted(ExternalRef.objects.values_list("source", "external_id", "object_id")),)
