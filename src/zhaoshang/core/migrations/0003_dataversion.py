from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.using(schema_editor.connection.alias).create(
        id=1, n=0
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_token_prefix_12")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "data version", "verbose_name_plural": "data versions"},
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
