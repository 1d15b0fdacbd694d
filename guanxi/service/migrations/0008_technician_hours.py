"""Technicians' working hours and time off, used when visits are scheduled."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0007_escalation_rules"),
    ]

    operations: list[migrations.operations.base.Operation] = []
