"""Orders (with their lines) as an import target."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0006_account_duplicates"),
    ]

    operations: list[migrations.operations.base.Operation] = []
