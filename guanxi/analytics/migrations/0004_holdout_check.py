from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_churn_crosssell")]

    operations = [
        migrations.AlterField(
            model_name="modelfit",
            name="kind",
            field=models.CharField(
                choices=[
                    ("rfm", "RFM quintile cut-offs"),
                    ("bgnbd", "BG/NBD (purchases, P(alive))"),
                    ("gamma_gamma", "Gamma-Gamma (spend per purchase)"),
                    ("holdout", "BG/NBD calibration vs holdout check"),
                ],
                max_length=12,
                verbose_name="kind",
            ),
        ),
    ]
