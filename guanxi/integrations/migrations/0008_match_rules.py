"""Editable duplicate-matching rules for contacts and accounts."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0007_import_orders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.CreateModel(
            name="MatchRuleSet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("contacts", "Contacts"), ("accounts", "Accounts")],
                        max_length=10,
                        verbose_name="records",
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("rules", models.JSONField(default=dict, verbose_name="rules")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="saved")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="saved by",
                    ),
                ),
            ],
            options={
                "verbose_name": "matching rules",
                "verbose_name_plural": "matching rules",
                "ordering": ["kind", "-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "version"), name="one_match_rules_version"
                    )
                ],
            },
        ),
    ]
