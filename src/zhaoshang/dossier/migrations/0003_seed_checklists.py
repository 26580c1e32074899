"""The seed 要素保障 checklist templates (`dossier/data/checklists.yaml`) and the city's
bureaus they name."""

from django.db import migrations


def load(apps, schema_editor):
    from zhaoshang.dossier.checklists import load_seed

    load_seed(
        apps.get_model("dossier", "ChecklistTemplate"),
        apps.get_model("dossier", "ChecklistStep"),
        apps.get_model("progress", "Department"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossier", "0002_checklist_templates"),
        ("progress", "0003_element_due_rule"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
