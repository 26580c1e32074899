import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_leads_contacts_visits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="size_band",
            field=models.CharField(
                blank=True,
                choices=[
                    ("large", "large (大型)"),
                    ("medium", "medium (中型)"),
                    ("small", "small (小型)"),
                    ("micro", "micro (微型)"),
                ],
                default="",
                max_length=8,
                verbose_name="size band",
            ),
        ),
        migrations.CreateModel(
            name="UniverseUpload",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("filename", models.CharField(max_length=255, verbose_name="file name")),
                ("content", models.BinaryField(verbose_name="file")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="uploaded at"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={
                "verbose_name": "file of target firms",
                "verbose_name_plural": "files of target firms",
            },
        ),
    ]
