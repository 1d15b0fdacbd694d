"""Seed the built-in customer tiers: VIP, Key and Standard."""

from django.db import migrations

TIERS = [("vip", "VIP", 10), ("key", "Key", 20), ("standard", "Standard", 30)]


def seed(apps, schema_editor):
    CustomerTier = apps.get_model("customers", "CustomerTier")
    for code, name, rank in TIERS:
        CustomerTier.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "is_builtin": True}
        )


def unseed(apps, schema_editor):
    CustomerTier = apps.get_model("customers", "CustomerTier")
    CustomerTier.objects.filter(code__in=[c for c, _n, _r in TIERS], is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
