from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("service", "0004_knowledge")]

    operations: list[migrations.operations.base.Operation] = []
