"""The search documents an import writes (built from the records in memory by the batch
path, by ``index_record`` row by row) are exactly those a rebuild of the index reads
back: several phones and emails, tags, a custom field, new and existing accounts."""

from __future__ import annotations

import pytest

from guanxi.core.models import CustomField, SearchDocument, Tag
from guanxi.core.search import searchable
from guanxi.core.services.search import document_row
from guanxi.integrations.imports import services
from guanxi.testing.customers import make_account
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

FILE = """family,given,mobile,phone,email,email2,company,tags,level
张,三,13900000001,010-12345678,a@x.example,b@y.example,华信科技,"zeta,VIP,alpha",gold
李,四,,13900000002,,c@z.example,华信科技有限公司,"alpha,Beta",
王,五,13900000003,13900000004,d@x.example,e@x.example,新公司,"VIP,zeta",silver
赵,六,13900000005,,,,新公司,,"""
MAPPING = {
    "family": "family_name",
    "given": "given_name",
    "mobile": "mobile",
    "phone": "phone",
    "email": "email",
    "email2": "email2",
    "company": "company",
    "tags": "tags",
    "level": "custom:level",
}


def _stored() -> dict[tuple[str, int], tuple[str, str, str]]:
    return {
        (d.object_type, d.object_id): (d.title, d.subtitle, d.text)
        for d in SearchDocument.objects.filter(
            object_type__in=["customers.contact", "customers.account"]
        )
    }


def _rebuilt() -> dict[tuple[str, int], tuple[str, str, str]]:
    found = {}
    for key in ("customers.contact", "customers.account"):
        spec = searchable(key)
        assert spec is not None and spec.queryset is not None
        for record in spec.queryset():
            document = document_row(spec, record)
            found[(key, record.pk)] = (document.title, document.subtitle, document.text)
    return found


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "row by row"])
def test_imported_records_are_indexed_as_a_rebuild_would(settings, batched):
    settings.IMPORT_BATCH_CONTACTS = batched
    settings.IMPORT_BATCH_SIZE = 3
    admin = make_user(role="administrator")
    for name in ("VIP", "alpha", "Beta", "zeta"):
        Tag.objects.create(name=name)
    CustomField.objects.create(
        object_type="customers.contact", key="level", label="Level", field_type="text"
    )
    make_account(name="华信科技有限公司", owner=admin)
    job = services.start_import(
        actor=admin, target="customers.contact", file=FILE.encode(), filename="people.csv"
    )
    job = services.set_mapping(
        actor=admin, job=job, mapping=MAPPING, options={"on_duplicate": "skip"}
    )
    services.run_import(services.start_import_job(actor=admin, job=job).pk)
    job.refresh_from_db()

    assert job.created_count == 4
    stored, rebuilt = _stored(), _rebuilt()
    assert len(rebuilt) == 6  # four contacts, the existing account and 新公司
    assert stored == rebuilt
    zhang = next(text for title, _sub, text in stored.values() if title == "张三")
    assert "+861012345678" in zhang and "b@y.example" in zhang and "gold" in zhang
