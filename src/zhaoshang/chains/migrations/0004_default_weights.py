from django.db import migrations


def create_default(apps, schema_editor):
    apps.get_model("chains", "TargetWeights").objects.get_or_create(name="default")


class Migration(migrations.Migration):
    dependencies = [("chains", "0003_nodes_placements")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
