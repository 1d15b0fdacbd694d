"""The default sales pipeline: first contact → needs analysis → proposal → negotiation →
won / lost (editable afterwards)."""

from django.db import migrations

STAGES = [
    ("first_contact", "First contact", 10, "open"),
    ("needs_analysis", "Needs analysis", 25, "open"),
    ("proposal", "Proposal", 50, "open"),
    ("negotiation", "Negotiation", 75, "open"),
    ("won", "Won", 100, "won"),
    ("lost", "Lost", 0, "lost"),
]


def forwards(apps, schema_editor):
    Pipeline = apps.get_model("sales", "Pipeline")
    Stage = apps.get_model("sales", "Stage")
    if Pipeline.objects.exists():
        return
    pipeline = Pipeline.objects.create(name="Sales", is_default=True, position=0)
    for position, (code, name, probability, kind) in enumerate(STAGES):
        Stage.objects.create(
            pipeline=pipeline,
            code=code,
            name=name,
            probability=probability,
            kind=kind,
            position=position,
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
