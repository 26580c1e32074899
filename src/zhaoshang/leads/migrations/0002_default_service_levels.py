"""The service levels the demo and a new city start from (kept as data; change them in the
admin). Large leads (1亿 = 10,000万元 or more) follow the 2024 rule: respond in a day."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # kind, stage, min investment (万元), days
    ("first_contact", "", None, 3),
    ("first_contact", "", Decimal(10000), 1),
    ("follow_up", "lead", None, 14),
    ("follow_up", "contact", None, 14),
    ("follow_up", "negotiating", None, 7),
    ("follow_up", "signed", None, 30),
    ("follow_up", "", Decimal(10000), 14),
    ("no_contact", "", None, 30),
    ("signing_soon", "", None, 30),
    ("signing_soon", "", None, 60),
]


def add_defaults(apps, schema_editor):
    ServiceLevel = apps.get_model("leads", "ServiceLevel")
    for kind, stage, threshold, days in DEFAULTS:
        ServiceLevel.objects.get_or_create(
            kind=kind, stage=stage, min_investment_wan=threshold, days=days
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
