"""Who may see and change a project's file. Pages and services ask here.

Seeing: whoever may see the project (`projects.access`). Changing (approvals, people,
documents): whoever may edit the project: the city administrator and bureau editors, a
town editor for its own unit; the leader reads only.
"""

from __future__ import annotations

from zhaoshang.core.access import check
from zhaoshang.projects.access import edit_refusal as project_edit_refusal
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import Project


def edit_refusal(user, project: Project) -> str | None:
    """None if `user` may change `project`'s file; otherwise the reason."""
    return project_edit_refusal(user, project.unit_id)


def check_edit(user, project: Project) -> None:
    check(edit_refusal(user, project))


def can_see(user, project_id: int) -> bool:
    return projects_visible_to(user).filter(pk=project_id).exists()
