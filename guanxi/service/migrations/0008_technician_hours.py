"""Technicians' working hours and time off, used when visits are scheduled."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0007_escalation_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TechnicianHours",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("weekday", models.PositiveSmallIntegerField(verbose_name="weekday")),
                ("starts", models.TimeField(verbose_name="starts")),
                ("ends", models.TimeField(verbose_name="ends")),
                (
                    "technician",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hours",
                        to="service.technician",
                    ),
                ),
            ],
            options={
                "verbose_name": "working hours",
                "verbose_name_plural": "working hours",
                "ordering": ["technician", "weekday", "starts"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("weekday__lte", 6)), name="technician_weekday_0_to_6"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("starts__lt", models.F("ends"))),
                        name="technician_hours_start_before_end",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TimeOff",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField(verbose_name="from")),
                ("ends_at", models.DateTimeField(verbose_name="until")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("leave", "Leave"),
                            ("sick", "Sick"),
                            ("training", "Training"),
                            ("other", "Other"),
                        ],
                        default="leave",
                        max_length=10,
                        verbose_name="reason",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "technician",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="time_off",
                        to="service.technician",
                        verbose_name="technician",
                    ),
                ),
            ],
            options={
                "verbose_name": "time off",
                "verbose_name_plural": "time off",
                "ordering": ["technician", "starts_at", "pk"],
                "indexes": [
                    models.Index(fields=["technician", "ends_at"], name="time_off_tech_end_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="time_off_ends_after_start",
                    )
                ],
            },
        ),
    ]
