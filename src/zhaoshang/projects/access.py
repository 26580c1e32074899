"""What a user may see and change in the ledger. Pages, API and CLI all call these.

- city administrator and bureau editor: see and edit every project;
- town/park editor: sees the whole city, edits only projects of its own unit
  (and the unit it is one administration with, 区镇合一);
- leader: sees everything, changes nothing;
- a user whose unit is a county (when the home region holds several) sees and acts
  only within that county, and a town editor sees only its own town's county
  (`core.access.region_of`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import check, narrow_to_region, unit_refusal, visible_to
from zhaoshang.projects.models import Project


def projects_visible_to(user):
    """Every project for a role; a county's staff see their county's (`region_of`)."""
    return narrow_to_region(user, visible_to(user, Project.objects.all()))


def edit_refusal(user, unit_code: str | None) -> str | None:
    """None if `user` may edit a project in `unit_code`; otherwise the reason."""
    return unit_refusal(
        user, unit_code, _("Town editors may only edit projects of their own unit.")
    )


def can_edit_project(user, project: Project) -> bool:
    return edit_refusal(user, project.unit_id) is None


def check_can_edit(user, project: Project) -> None:
    check(edit_refusal(user, project.unit_id))


def check_can_create(user, unit_code: str | None) -> None:
    check(edit_refusal(user, unit_code))


def get_project_for_view(user, code: str) -> Project:
    project = projects_visible_to(user).filter(code=code).first()
    if project is None:
        raise Project.DoesNotExist(code)
    return project


def get_project_for_edit(user, code: str) -> Project:
    project = get_project_for_view(user, code)
    check_can_edit(user, project)
    return project
