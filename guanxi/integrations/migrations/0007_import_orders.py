"""Orders (with their lines) as an import target."""

from django.db import migrations, models

TARGETS = [
    ("customers.contact", "Contacts"),
    ("customers.account", "Accounts"),
    ("sales.lead", "Leads"),
    ("sales.product", "Products"),
    ("customers.activity", "Activities"),
    ("sales.order", "Orders"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0006_account_duplicates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="target",
            field=models.CharField(choices=TARGETS, max_length=40, verbose_name="records"),
        ),
        migrations.AlterField(
            model_name="importtemplate",
            name="target",
            field=models.CharField(choices=TARGETS, max_length=40, verbose_name="records"),
        ),
    ]
