"""Cheaper nightly rewrites of the per-customer result tables: no indexes and no
database constraints on the score rows' fit columns (never filtered on; new ids at
every refit, each checked row by row at commit), and on PostgreSQL a fill
factor of 50 on the three tables a full recompute updates row by row, so that a row's
new version fits on its own page and, when no indexed column changed, the update is
HOT (no new index entries). Other databases have no fill factor: nothing to do there."""

from django.db import migrations, models
from django.db.models.deletion import SET_NULL

TABLES = ("analytics_customerscore", "analytics_customerclass", "analytics_churnrisk")
FILL_FACTOR = 50


def _fill_factor(schema_editor, value):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table in TABLES:
        if value is None:
            schema_editor.execute(f"ALTER TABLE {quote(table)} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {quote(table)} SET (fillfactor = {int(value)})")


def forwards(apps, schema_editor):
    _fill_factor(schema_editor, FILL_FACTOR)


def backwards(apps, schema_editor):
    _fill_factor(schema_editor, None)


def _fit(verbose_name=None):
    options = {"verbose_name": verbose_name} if verbose_name else {}
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=SET_NULL,
        related_name="+",
        to="analytics.modelfit",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0004_holdout_check")]

    operations = [
        migrations.AlterField(model_name="customerscore", name="rfm_fit", field=_fit()),
        migrations.AlterField(
            model_name="customerscore", name="model_fit", field=_fit("BG/NBD fit")
        ),
        migrations.AlterField(
            model_name="customerscore", name="spend_fit", field=_fit("Gamma-Gamma fit")
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
