"""Panels other apps add to the cockpit and to the enterprise page, without editing them.

An app registers a panel in its AppConfig.ready():

    from zhaoshang.cockpit.panels import register
    register("cockpit", "plans/_cockpit_panel.html", context=plan_panel, order=20)

`context(request, **kw)` returns the panel's context (kw: `filters` on the cockpit,
`enterprise` on the enterprise page) or None to leave the panel out. The template is
included with that context as `panel`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PAGES = ("cockpit", "enterprise")


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict | None] | None
    order: int


_PANELS: dict[str, list[Panel]] = {page: [] for page in PAGES}


def register(page: str, template: str, *, context=None, order: int = 100) -> None:
    if page not in _PANELS:
        raise ValueError(f"unknown page {page!r}; one of {', '.join(PAGES)}")
    if any(p.template == template for p in _PANELS[page]):
        return  # ready() may run twice in tests
    _PANELS[page].append(Panel(template, context, order))
    _PANELS[page].sort(key=lambda p: p.order)


def panels_for(page: str, request, **kw) -> list[dict]:
    out = []
    for panel in _PANELS[page]:
        context = panel.context(request, **kw) if panel.context else {}
        if context is not None:
            out.append({"template": panel.template, "context": context})
    return out
