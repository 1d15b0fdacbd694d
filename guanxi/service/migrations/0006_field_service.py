from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("service", "0005_routing")]

    operations: list[migrations.operations.base.Operation] = []
