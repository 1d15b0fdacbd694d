"""Import problems are errors (the row is not imported) or warnings (likely duplicates,
repeats of an earlier row)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0008_match_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrowerror",
            name="kind",
            field=models.CharField(
                choices=[("error", "Error"), ("warning", "Warning")],
                default="error",
                max_length=10,
                verbose_name="kind",
            ),
        ),
    ]
