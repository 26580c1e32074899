"""Who may do what with plans, progress, problems, lists and events. Every face asks here.

- everyone signed in sees everything;
- a project's plan drafts, monthly reports and problems: whoever may edit the project
  (city administrator, bureau editors; a town editor only for its own unit);
- approving a plan, changing an approved plan, list members and batch-event projects:
  the 发改委's side (city administrator and bureau editors);
- warning thresholds and the report due day: the city administrator.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import check, role_of, signed_in_refusal, unit_codes_of
from zhaoshang.core.access import office_refusal as city_side_refusal
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.projects.access import edit_refusal


def can_view(user) -> bool:
    return role_of(user) is not None


def check_can_view(user) -> None:
    check(signed_in_refusal(user))


def project_refusal(user, project) -> str | None:
    """None if `user` may draft plans, report progress and raise problems for `project`."""
    return edit_refusal(user, project.unit_id)


def check_project(user, project) -> None:
    check(project_refusal(user, project))


def office_refusal(user) -> str | None:
    """None for the 发改委's side (city administrator, bureau editor); otherwise why not."""
    return city_side_refusal(
        user,
        _(
            "Only the city administrator and bureau editors may approve plans, change approved "
            "plans and manage lists and batch events."
        ),
    )


def check_office(user) -> None:
    check(office_refusal(user))


def check_office_project(user, project) -> None:
    """The 发改委's act on one project (approving its plan, putting it on a list or in an
    event): the city's side, and a county's staff only on their own county's projects."""
    check(office_refusal(user) or project_refusal(user, project))


def check_admin(user) -> None:
    if role_of(user) != Role.CITY_ADMIN:
        raise NotAllowed(_("Only the city administrator may change warning thresholds."))


def unit_refusal(user, unit_code: str) -> str | None:
    """None if `user` may enter a month's progress for the whole unit `unit_code`."""
    return edit_refusal(user, unit_code)


def default_unit_of(user) -> str | None:
    """A town editor's own unit (the lowest code of its 区镇合一 pair), else None."""
    codes = unit_codes_of(user)
    profile = getattr(user, "profile", None)
    if profile is not None and profile.unit_id in codes:
        return profile.unit_id
    return min(codes) if codes else None
