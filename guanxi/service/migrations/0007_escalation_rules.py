"""Escalation rules: automatic escalation when a ticket matches a rule."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0006_field_service"),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="escalation",
            name="rule_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="escalation rule"),
        ),
        migrations.CreateModel(
            name="EscalationRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "position",
                    models.PositiveIntegerField(db_index=True, default=0, verbose_name="position"),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "priorities",
                    models.JSONField(blank=True, default=list, verbose_name="priority is one of"),
                ),
                (
                    "statuses",
                    models.JSONField(blank=True, default=list, verbose_name="status is one of"),
                ),
                (
                    "keywords",
                    models.TextField(
                        blank=True, verbose_name="subject or customer messages contain any of"
                    ),
                ),
                (
                    "no_reply_hours",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        verbose_name="customer waiting for a reply for (business hours)",
                    ),
                ),
                (
                    "open_hours",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="open for at least (business hours)"
                    ),
                ),
                (
                    "first_response_due_minutes",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="first response due within (minutes)"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="service.category",
                        verbose_name="category is",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.team",
                        verbose_name="team is",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.customertier",
                        verbose_name="customer tier is",
                    ),
                ),
                (
                    "to_team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.team",
                        verbose_name="escalate to team",
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="escalate to",
                    ),
                ),
            ],
            options={
                "verbose_name": "escalation rule",
                "verbose_name_plural": "escalation rules",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.AddField(
            model_name="escalation",
            name="rule",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="escalations",
                to="service.escalationrule",
                verbose_name="escalation rule",
            ),
        ),
        migrations.AddConstraint(
            model_name="escalation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rule__isnull", False)),
                fields=("ticket", "rule"),
                name="escalation_once_per_rule",
            ),
        ),
    ]
