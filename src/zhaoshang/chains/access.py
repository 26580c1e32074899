"""Who may do what with chains. Everyone signed in sees every chain, placement and target.

- the chain taxonomies (import, nodes, chain leaders, score weights) are the city's: the
  city administrator and bureau editors change them;
- placements of enterprises and projects, and leads made from targets, are registry work:
  editors of every kind (town editors too) may confirm, remove or add them;
- leaders read only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.core.access import check, office_refusal, role_of, writer_refusal


def can_view(user) -> bool:
    return role_of(user) is not None


def taxonomy_refusal(user) -> str | None:
    return office_refusal(
        user, _("Only the city administrator and bureau editors change the chain maps.")
    )


def placement_refusal(user) -> str | None:
    return writer_refusal(user)


def check_can_edit_taxonomy(user) -> None:
    check(taxonomy_refusal(user))


def check_can_place(user) -> None:
    check(placement_refusal(user))


def accountability_refusal(user) -> str | None:
    """链长/副链长/专班 and chain tasks: the city's side (city administrator, bureau editors)
    writes them; everyone signed in reads them."""
    return office_refusal(
        user,
        _(
            "Only the city administrator and bureau editors change who answers for a chain and its tasks."
        ),
    )


def check_can_edit_accountability(user) -> None:
    check(accountability_refusal(user))
