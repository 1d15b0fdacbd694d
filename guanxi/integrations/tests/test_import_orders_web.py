"""Order imports through the wizard's pages and the imports API."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.services.tokens import create_token
from guanxi.integrations.imports.models import ImportJob, ImportTemplate
from guanxi.sales.models import Order, OrderLine
from guanxi.testing.customers import make_account
from guanxi.testing.quotes import make_product
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db

CSV = (
    "Order No;Customer;Date;SKU;Qty;Price\n"
    "W-1;Huaxin;2024-03-05;RT-100;2;100\n"
    "W-1;;;SW-200;1;50\n"
    "W-2;Huaxin;05.03.2024;NOPE;1;10\n"
)


@pytest.fixture
def rep(db):
    rep = make_user(role="sales_manager", full_name="李伟")
    make_account(name="Huaxin", owner=rep)
    make_product(sku="RT-100")
    make_product(sku="SW-200")
    return rep


def test_the_wizard_maps_checks_imports_and_rolls_back_orders(
    client, rep, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    upload = SimpleUploadedFile("orders.csv", CSV.encode("utf-8-sig"))
    response = client.post(
        reverse("integrations:import_upload"), {"target": "sales.order", "file": upload}
    )
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    # Orders: a channel, and only skip or update (an order number is never doubled)
    assert 'name="source"' in page and 'value="import"' in page
    assert "Update the order" in page and "Create anyway" not in page
    assert 'value="order_ref" selected' in page

    response = client.post(
        reverse("integrations:import_mapping", args=[job.pk]),
        {
            "column_0": "order_ref",
            "column_1": "account_name",
            "column_2": "order_date",
            "column_3": "sku",
            "column_4": "quantity",
            "column_5": "unit_price",
            "on_duplicate": "skip",
            "source": "oldshop",
            "save_as": "Old shop orders",
        },
    )
    job.refresh_from_db()
    assert job.options["source"] == "oldshop"
    assert ImportTemplate.objects.get().target == "sales.order"
    page = client.get(response["Location"]).content.decode()
    assert "Orders that would be created" in page
    report = client.get(reverse("integrations:import_errors", args=[job.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert rows[1:] == [["4", "SKU", "NOPE", "No product has the SKU NOPE.", "Error"]]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:import_start", args=[job.pk]))
    order = Order.objects.get()
    assert (order.source, order.external_id, order.lines.count()) == ("oldshop", "W-1", 2)
    page = client.get(reverse("integrations:import_detail", args=[job.pk])).content.decode()
    assert "Orders created" in page and "delete the imported orders" in page

    response = client.post(reverse("integrations:import_rollback", args=[job.pk]), follow=True)
    assert "1 imported orders were deleted." in response.content.decode()
    assert not Order.objects.exists() and not OrderLine.objects.exists()


def test_the_api_imports_orders_in_a_channel(client, rep, django_capture_on_commit_callbacks):
    headers = {"Authorization": f"Bearer {create_token(actor=rep, name='t')[1]}"}
    upload = SimpleUploadedFile("orders.csv", CSV.encode("gb18030"))
    response = client.post(
        "/api/v1/imports", {"target": "sales.order", "file": upload}, headers=headers
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["target"], body["total_rows"], body["mapping"]["Order No"]) == (
        "sales.order",
        3,
        "order_ref",
    )
    url = f"/api/v1/imports/{body['id']}"
    response = client.put(
        f"{url}/mapping",
        {"mapping": body["mapping"], "on_duplicate": "update", "source": "Web-Shop"},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["options"]["source"] == "web-shop"
    bad = client.put(
        f"{url}/mapping",
        {"mapping": body["mapping"], "source": "网店"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    response = client.post(f"{url}/dry-run", headers=headers)
    assert (response.json()["created_count"], response.json()["error_count"]) == (1, 1)
    errors = client.get(f"{url}/errors", headers=headers).json()
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [(4, "SKU", "NOPE")]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}/start", headers=headers).status_code == 202
    assert client.get(url, headers=headers).json()["status"] == "done"
    assert Order.objects.get().source == "web-shop"
    assert client.post(f"{url}/rollback", headers=headers).json() == {"trashed": 1}
    assert not Order.objects.exists()
