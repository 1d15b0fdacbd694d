"""Field service: service points, technicians, visits and the parts they used."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_public_forms"),
        ("sales", "0007_deal_deal_board_cards_idx"),
        ("service", "0005_routing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ServicePoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("province", models.CharField(blank=True, max_length=50, verbose_name="province")),
                ("city", models.CharField(blank=True, max_length=100, verbose_name="city")),
                ("district", models.CharField(blank=True, max_length=100, verbose_name="district")),
                ("street", models.CharField(blank=True, max_length=300, verbose_name="street")),
                (
                    "coverage",
                    models.JSONField(blank=True, default=list, verbose_name="coverage area"),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "calendar",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="service.businesscalendar",
                        verbose_name="business calendar",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "service point",
                "verbose_name_plural": "service points",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Technician",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("skills", models.JSONField(blank=True, default=list, verbose_name="skills")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "service_point",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="technicians",
                        to="service.servicepoint",
                        verbose_name="service point",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="technician",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "technician",
                "verbose_name_plural": "technicians",
                "ordering": ["service_point", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Visit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "skill",
                    models.CharField(blank=True, max_length=100, verbose_name="skill needed"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("scheduled", "Scheduled"),
                            ("en_route", "En route"),
                            ("on_site", "On site"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                            ("no_access", "No access"),
                        ],
                        default="requested",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("requested_at", models.DateTimeField(db_index=True, verbose_name="requested")),
                (
                    "scheduled_start",
                    models.DateTimeField(blank=True, null=True, verbose_name="window start"),
                ),
                (
                    "scheduled_end",
                    models.DateTimeField(blank=True, null=True, verbose_name="window end"),
                ),
                ("arrived_at", models.DateTimeField(blank=True, null=True, verbose_name="arrived")),
                (
                    "completed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="completed"),
                ),
                (
                    "travel_minutes",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="travel minutes"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("fixed", "Fixed"),
                            ("another_visit", "Needs another visit"),
                            ("not_fixable", "Not fixable"),
                            ("customer_absent", "Customer absent"),
                        ],
                        max_length=20,
                        verbose_name="outcome",
                    ),
                ),
                ("report", models.TextField(blank=True, verbose_name="report")),
                ("notes", models.TextField(blank=True, verbose_name="notes for the technician")),
                (
                    "overdue_at",
                    models.DateTimeField(
                        blank=True, db_index=True, null=True, verbose_name="overdue since"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="technician",
                    ),
                ),
                (
                    "repeat_of",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="repeats",
                        to="service.visit",
                        verbose_name="repeat repair of",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
                (
                    "service_point",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="service.servicepoint",
                        verbose_name="service point",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.team",
                        verbose_name="team",
                    ),
                ),
                (
                    "technician",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="visits",
                        to="service.technician",
                        verbose_name="technician",
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="visits",
                        to="service.ticket",
                        verbose_name="ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "visit",
                "verbose_name_plural": "visits",
                "ordering": ["-requested_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="VisitPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("quantity", models.PositiveIntegerField(default=1, verbose_name="quantity")),
                (
                    "serial",
                    models.CharField(blank=True, max_length=100, verbose_name="serial number"),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sales.product",
                        verbose_name="product",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="parts",
                        to="service.visit",
                    ),
                ),
            ],
            options={
                "verbose_name": "part used",
                "verbose_name_plural": "parts used",
                "ordering": ["pk"],
            },
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(fields=["service_point", "status"], name="visit_point_status_idx"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                fields=["technician", "scheduled_start"], name="visit_tech_window_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("scheduled_start__isnull", True),
                    ("scheduled_end__isnull", True),
                    ("scheduled_end__gt", models.F("scheduled_start")),
                    _connector="OR",
                ),
                name="visit_window_ends_after_start",
            ),
        ),
    ]
