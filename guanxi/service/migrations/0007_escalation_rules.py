"""Escalation rules: automatic escalation when a ticket matches a rule."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0006_field_service"),
    ]

    operations: list[migrations.operations.base.Operation] = []
