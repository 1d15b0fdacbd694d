"""Churn risks keep their factors in columns instead of a JSON list: a nightly run
rewrites every row, and the list (about 400 bytes a row, its keys and two settings
repeated in each) was most of what it wrote. The stored lists are moved into the
columns (a factor missing from a list gives 0), and back into lists on the way back."""

from django.db import migrations, models

TABLE = "analytics_churnrisk"
# column: (factor, key in that factor's entry); p_alive may be null.
COLUMNS = {
    "p_alive": ("p_alive", "p_alive"),
    "p_alive_contribution": ("p_alive", "contribution"),
    "recent_orders": ("trend", "recent"),
    "earlier_orders": ("trend", "earlier"),
    "window_days": ("trend", "window_days"),
    "trend_contribution": ("trend", "contribution"),
    "open_tickets": ("tickets", "open_tickets"),
    "tickets_contribution": ("tickets", "contribution"),
    "low_answers": ("satisfaction", "low_answers"),
    "satisfaction_days": ("satisfaction", "days"),
    "satisfaction_contribution": ("satisfaction", "contribution"),
}
WHOLE = {
    "recent_orders",
    "earlier_orders",
    "window_days",
    "open_tickets",
    "low_answers",
    "satisfaction_days",
}


def _value(vendor, column):
    """SQL for one column's value, taken from the row's ``factors`` list."""
    factor, key = COLUMNS[column]
    if vendor == "postgresql":
        cast = "bigint" if column in WHOLE else "double precision"
        found = (
            f"(SELECT (e->>'{key}')::{cast} FROM jsonb_array_elements(factors) e"
            f" WHERE e->>'factor' = '{factor}' LIMIT 1)"
        )
    else:
        found = (
            f"(SELECT json_extract(e.value, '$.{key}') FROM json_each(factors) e"
            f" WHERE json_extract(e.value, '$.factor') = '{factor}' LIMIT 1)"
        )
    return found if column == "p_alive" else f"COALESCE({found}, 0)"


def _list(vendor):
    """SQL for the ``factors`` list, built from the columns."""
    obj, array = (
        ("jsonb_build_object", "jsonb_build_array")
        if vendor == "postgresql"
        else ("json_object", "json_array")
    )
    entries = {}
    for column, (factor, key) in COLUMNS.items():
        entries.setdefault(factor, []).append(f"'{key}', {column}")
    return (
        f"{array}("
        + ", ".join(
            f"{obj}('factor', '{factor}', " + ", ".join(pairs) + ")"
            for factor, pairs in entries.items()
        )
        + ")"
    )


def _supported(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(
            f"moving churn factors is written for PostgreSQL and SQLite, not {vendor}"
        )
    return vendor


def to_columns(apps, schema_editor):
    vendor = _supported(schema_editor)
    values = ", ".join(f"{column} = {_value(vendor, column)}" for column in COLUMNS)
    schema_editor.execute(f"UPDATE {TABLE} SET {values}")  # noqa: S608 (constants only)


def to_list(apps, schema_editor):
    vendor = _supported(schema_editor)
    schema_editor.execute(f"UPDATE {TABLE} SET factors = {_list(vendor)}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_recompute_writes"),
    ]

    operations = [
        migrations.AddField(
            model_name="churnrisk",
            name="p_alive",
            field=models.FloatField(blank=True, null=True, verbose_name="P(alive)"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="p_alive_contribution",
            field=models.FloatField(default=0, verbose_name="P(alive) contribution"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="recent_orders",
            field=models.PositiveIntegerField(
                default=0, verbose_name="orders in the recent window"
            ),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="earlier_orders",
            field=models.PositiveIntegerField(
                default=0, verbose_name="orders in the window before"
            ),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="window_days",
            field=models.PositiveIntegerField(default=0, verbose_name="window (days)"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="trend_contribution",
            field=models.FloatField(default=0, verbose_name="trend contribution"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="open_tickets",
            field=models.PositiveIntegerField(default=0, verbose_name="open tickets"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="tickets_contribution",
            field=models.FloatField(default=0, verbose_name="tickets contribution"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="low_answers",
            field=models.PositiveIntegerField(default=0, verbose_name="low satisfaction answers"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="satisfaction_days",
            field=models.PositiveIntegerField(default=0, verbose_name="satisfaction period (days)"),
        ),
        migrations.AddField(
            model_name="churnrisk",
            name="satisfaction_contribution",
            field=models.FloatField(default=0, verbose_name="satisfaction contribution"),
        ),
        migrations.RunPython(to_columns, to_list),
        migrations.RemoveField(
            model_name="churnrisk",
            name="factors",
        ),
    ]
