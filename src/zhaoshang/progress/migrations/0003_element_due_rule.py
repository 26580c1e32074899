"""The 要素保障 warning rule (issue #17): amber 14 days before an approval's due date,
red 1 day after it."""

from django.db import migrations, models


def add(apps, schema_editor):
    WarningRule = apps.get_model("progress", "WarningRule")
    WarningRule.objects.get_or_create(
        code="element_due", defaults={"amber_from": 14, "red_from": 1}
    )


def remove(apps, schema_editor):
    apps.get_model("progress", "WarningRule").objects.filter(code="element_due").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_default_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="warningrule",
            name="code",
            field=models.CharField(
                choices=[
                    ("behind_elapsed", "Investment behind elapsed time"),
                    ("start_overdue", "Planned start passed without a start"),
                    ("completion_overdue", "Planned completion passed without completion"),
                    ("no_report", "No report for the month"),
                    ("problem_overdue", "Problem overdue"),
                    ("element_due", "Approvals and inputs due or overdue"),
                ],
                max_length=24,
                unique=True,
                verbose_name="rule",
            ),
        ),
        migrations.RunPython(add, remove),
    ]
