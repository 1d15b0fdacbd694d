import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_classification"),
        ("customers", "0005_relationships"),
        ("sales", "0007_deal_deal_board_cards_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssociationRefresh",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("customers", models.PositiveIntegerField(verbose_name="customers")),
                ("products", models.PositiveIntegerField(verbose_name="products")),
                ("rules", models.PositiveIntegerField(verbose_name="rules")),
                ("min_support", models.FloatField(verbose_name="minimum support")),
                (
                    "min_pair_buyers",
                    models.PositiveIntegerField(verbose_name="minimum customers per pair"),
                ),
                ("observation_end", models.DateField(verbose_name="data up to")),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
            ],
            options={
                "verbose_name": "association refresh",
                "verbose_name_plural": "association refreshes",
                "ordering": ["-computed_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ProductStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("buyers", models.PositiveIntegerField(verbose_name="customers")),
                (
                    "average_price",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        verbose_name="average unit price",
                    ),
                ),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.product",
                        verbose_name="product",
                    ),
                ),
            ],
            options={
                "verbose_name": "product sales summary",
                "verbose_name_plural": "product sales summaries",
                "ordering": ["product_id"],
            },
        ),
        migrations.CreateModel(
            name="ChurnCrossing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("up", "Rose above the alert threshold"),
                            ("down", "Fell below the alert threshold"),
                        ],
                        max_length=4,
                        verbose_name="direction",
                    ),
                ),
                ("risk", models.FloatField(verbose_name="churn risk")),
                ("threshold", models.FloatField(verbose_name="alert threshold")),
                ("factors", models.JSONField(default=list, verbose_name="factors")),
                ("crossed_at", models.DateTimeField(verbose_name="when")),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="churn_crossings",
                        to="customers.account",
                        verbose_name="account",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.activity",
                        verbose_name="task",
                    ),
                ),
            ],
            options={
                "verbose_name": "churn threshold crossing",
                "verbose_name_plural": "churn threshold crossings",
                "ordering": ["-crossed_at", "-pk"],
                "indexes": [
                    models.Index(fields=["account", "-crossed_at"], name="churn_crossing_idx")
                ],
            },
        ),
        migrations.CreateModel(
            name="ChurnRisk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("risk", models.FloatField(verbose_name="churn risk")),
                (
                    "level",
                    models.CharField(
                        choices=[("low", "Low"), ("medium", "Medium"), ("high", "High")],
                        max_length=8,
                        verbose_name="level",
                    ),
                ),
                ("factors", models.JSONField(default=list, verbose_name="factors")),
                (
                    "value_at_stake",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=16, verbose_name="value at stake"
                    ),
                ),
                (
                    "above_threshold",
                    models.BooleanField(default=False, verbose_name="above the alert threshold"),
                ),
                (
                    "crossed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="last rose above the threshold"
                    ),
                ),
                ("observation_end", models.DateField(verbose_name="data up to")),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="churn_risk",
                        to="customers.account",
                        verbose_name="account",
                    ),
                ),
            ],
            options={
                "verbose_name": "churn risk",
                "verbose_name_plural": "churn risks",
                "ordering": ["-value_at_stake", "account_id"],
                "indexes": [
                    models.Index(fields=["level", "-value_at_stake"], name="churn_level_stake_idx"),
                    models.Index(fields=["-value_at_stake"], name="churn_stake_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ProductAssociation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "pair_buyers",
                    models.PositiveIntegerField(verbose_name="customers who bought both"),
                ),
                (
                    "antecedent_buyers",
                    models.PositiveIntegerField(verbose_name="customers who bought the first"),
                ),
                (
                    "consequent_buyers",
                    models.PositiveIntegerField(verbose_name="customers who bought the second"),
                ),
                ("support", models.FloatField(verbose_name="support")),
                ("confidence", models.FloatField(verbose_name="confidence")),
                ("lift", models.FloatField(verbose_name="lift")),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
                (
                    "antecedent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.product",
                        verbose_name="bought",
                    ),
                ),
                (
                    "consequent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.product",
                        verbose_name="also bought",
                    ),
                ),
            ],
            options={
                "verbose_name": "product association",
                "verbose_name_plural": "product associations",
                "ordering": ["-lift", "-confidence", "pk"],
                "indexes": [
                    models.Index(fields=["antecedent", "-confidence"], name="association_rule_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("antecedent", "consequent"), name="one_association_per_pair"
                    )
                ],
            },
        ),
    ]
