"""Column mappings stop being global; import jobs remember their process.

A header mapping used to apply to every later import by everyone (#13: a town editor's
mapping multiplied the admin's amounts by 10,000). Now a job keeps its own mapping
(`ImportJob.mapping`) and a saved mapping belongs to the user who saved it, offered to
that user only as a suggestion. Existing mappings are attached to the user who saved
them; those whose user is unknown (deleted, or saved before `saved_by` was set) are
dropped, since nobody can be asked whether to keep them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_ownerless(apps, schema_editor):
    HeaderMapping = apps.get_model("excel", "HeaderMapping")
    HeaderMapping.objects.filter(saved_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("excel", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_ownerless, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="headermapping",
            name="key",
            field=models.CharField(max_length=300, verbose_name="header"),
        ),
        migrations.AlterField(
            model_name="headermapping",
            name="saved_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="saved by",
            ),
        ),
        migrations.AlterModelOptions(
            name="headermapping",
            options={
                "ordering": ["saved_by", "key"],
                "verbose_name": "header mapping",
                "verbose_name_plural": "header mappings",
            },
        ),
        migrations.AddConstraint(
            model_name="headermapping",
            constraint=models.UniqueConstraint(
                fields=("saved_by", "key"), name="excel_mapping_user_key"
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="mapping",
            field=models.JSONField(blank=True, default=dict, verbose_name="column mapping"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="worker",
            field=models.CharField(blank=True, max_length=200, verbose_name="worker process"),
        ),
    ]
