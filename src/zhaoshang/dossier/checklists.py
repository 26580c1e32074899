"""要素保障 checklist templates: the seed file, which template a project gets, and the day
its items are dated from. Applying a template is a write: `services.apply_checklist`.

A project's type is its GB/T 4754 section (`Industry.section`; C = manufacturing) and its
nature (new / expansion / upgrade): see `ChecklistTemplate`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

SEED = Path(__file__).parent / "data" / "checklists.yaml"


def read_seed() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def load_seed(template_model, step_model, department_model) -> int:
    """Create the seed's departments (found by name) and templates (found by name: one the
    administrator keeps is left as it is). Takes the models so that a migration can pass
    its historical ones. Returns the number of templates created."""
    seed = read_seed()
    departments = {}
    for name, short in seed["departments"]:
        department, _created = department_model.objects.get_or_create(
            name=name, defaults={"short_name": short}
        )
        departments[short] = department
    created = 0
    for spec in seed["templates"]:
        template, new = template_model.objects.get_or_create(
            name=spec["name"],
            defaults={
                "sections": spec.get("sections") or "",
                "natures": spec.get("natures") or "",
                "priority": spec.get("priority", 100),
            },
        )
        if not new:
            continue
        created += 1
        step_model.objects.bulk_create(
            step_model(
                template=template,
                item=item,
                name=name,
                department=departments[department],
                days_before_start=days,
                order=order,
            )
            for order, (item, name, department, days) in enumerate(spec["steps"], start=1)
        )
    return created


def due_on(days_before_start: int, start: datetime.date | None) -> datetime.date | None:
    """An item's due date: `days_before_start` before the planned start (after it when
    negative); None while the start is not planned."""
    return None if start is None else start - datetime.timedelta(days=days_before_start)


def template_for(project):
    """The active template that fits `project` (lowest priority first), or None."""
    from zhaoshang.dossier.models import ChecklistTemplate

    section = project.industry.section if project.industry_id else None
    for template in ChecklistTemplate.objects.filter(is_active=True).order_by("priority", "id"):
        if template.admits(section, project.nature):
            return template
    return None


def planned_start_of(project) -> datetime.date | None:
    """The day the checklist is dated from: the planned start in the ledger's stage dates,
    else the latest annual plan's planned start month (its first day)."""
    from zhaoshang.progress.models import AnnualPlan
    from zhaoshang.projects.models import Stage, StageDate

    found = (
        StageDate.objects.filter(project=project, stage=Stage.STARTED, planned_on__isnull=False)
        .values_list("planned_on", flat=True)
        .first()
    )
    if found is not None:
        return found
    return (
        AnnualPlan.objects.filter(project=project, planned_start__isnull=False)
        .order_by("-year")
        .values_list("planned_start", flat=True)
        .first()
    )
