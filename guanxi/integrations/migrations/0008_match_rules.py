"""Editable duplicate-matching rules for contacts and accounts."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0007_import_orders"),
    ]

    operations: list[migrations.operations.base.Operation] = []
