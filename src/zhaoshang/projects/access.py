"""What a user may see and change in the ledger. Pages, API and CLI all call these.

- city administrator and bureau editor: see and edit every project;
- town/park editor: sees the whole city, edits only projects of its own unit
  (and the unit it is one administration with, 区镇合一);
- leader: sees everything, changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import role_of, unit_codes_of
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.projects.models import Project


def projects_visible_to(user):
    if role_of(user) is None:
        return Project.objects.none()
    return Project.objects.all()


def edit_refusal(user, unit_code: str | None) -> str | None:
    """None if `user` may edit a project in `unit_code`; otherwise the reason."""
    role = role_of(user)
    if role is None:
        return _("You are not signed in or your account has no role.")
    if role in (Role.CITY_ADMIN, Role.BUREAU_EDITOR):
        return None
    if role == Role.LEADER:
        return _("Leaders have read-only access.")
    units = unit_codes_of(user)
    if not units:
        return _("Your account is not attached to a township unit; ask the city administrator.")
    if unit_code not in units:
        return _("Town editors may only edit projects of their own unit.")
    return None


def can_edit_project(user, project: Project) -> bool:
    return edit_refusal(user, project.unit_id) is None


def check_can_edit(user, project: Project) -> None:
    reason = edit_refusal(user, project.unit_id)
    if reason:
        raise NotAllowed(reason)


def check_can_create(user, unit_code: str | None) -> None:
    reason = edit_refusal(user, unit_code)
    if reason:
        raise NotAllowed(reason)


def get_project_for_view(user, code: str) -> Project:
    project = projects_visible_to(user).filter(code=code).first()
    if project is None:
        raise Project.DoesNotExist(code)
    return project


def get_project_for_edit(user, code: str) -> Project:
    project = get_project_for_view(user, code)
    check_can_edit(user, project)
    return project
