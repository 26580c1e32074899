"""The warning rules with their default thresholds, and the reporting settings row."""

from django.db import migrations

DEFAULTS = [
    # code, amber from, red from
    ("behind_elapsed", 10, 25),  # percentage points behind 序时进度
    ("start_overdue", 1, 3),  # months after the planned start month
    ("completion_overdue", 1, 3),  # months after the planned completion month
    ("no_report", 1, 15),  # days after the report's due date
    ("problem_overdue", 1, 30),  # days after the problem's deadline
]


def add(apps, schema_editor):
    WarningRule = apps.get_model("progress", "WarningRule")
    ProgressSettings = apps.get_model("progress", "ProgressSettings")
    for code, amber, red in DEFAULTS:
        WarningRule.objects.get_or_create(code=code, defaults={"amber_from": amber, "red_from": red})
    ProgressSettings.objects.get_or_create(pk=1, defaults={"report_due_day": 10})


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
