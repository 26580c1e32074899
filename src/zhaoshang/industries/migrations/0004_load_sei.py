from django.db import migrations


def load(apps, schema_editor):
    from zhaoshang.industries.sei import load as load_sei

    load_sei(apps.get_model("industries", "SeiCategory"), apps.get_model("industries", "SeiClass"))


class Migration(migrations.Migration):
    dependencies = [("industries", "0003_sei_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
