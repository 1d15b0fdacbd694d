from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("service", "0003_surveys")]

    operations: list[migrations.operations.base.Operation] = []
