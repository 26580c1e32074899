"""A month's headline figures, computed once for every face that shows them.

The cockpit's progress panel, the progress overview, the JSON API
(`/api/v1/progress/cockpit`, `/api/v1/progress/figures`), the `figures` and `warnings`
commands and the monthly report workbook all take their figures from here, so a city
leader sees one number for one fact:

- start rate, investment completion rate (and the other two of the four rates):
  `rates.compute` over the month's facts;
- warnings: projects by their light and rule hits, `rules.tally`;
- overdue problems and their days overdue: `queries.overdue_problems`
  (`Problem.days_overdue`);
- problems raised, closed and the closure rate: `queries.problem_figures`.

Every figure is as of the end of the month (`Month.as_of`): today only while the month
is still running, and then the faces say "today".

>>> h = headline(Month(2023, 6))          # the demo, asked about in any later year
>>> h.as_of, h.warnings.projects, h.warnings.red, h.warnings.hits_red
(datetime.date(2023, 6, 30), 110, 25, 38)   # 25 red projects; 38 red rule hits
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from zhaoshang.core import figcache
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress import queries, rates, rules
from zhaoshang.progress.months import Month


def _share(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 6))


@dataclass
class Headline:
    month: Month
    unit: str | None
    as_of: datetime.date
    running: bool  # the month is still running: as of today, not its end
    rates: rates.Rates
    warnings: rules.Tally
    problems: queries.ProblemFigures
    overdue: list = field(default_factory=list)  # problems, most overdue first (up to 20)
    overdue_count: int = 0
    found: list = field(default_factory=list)  # the warnings themselves, worst first
    facts: dict = field(default_factory=dict)  # project id -> facts_mod.PlanFacts

    @property
    def elapsed(self) -> Decimal:
        return self.month.elapsed_share()

    def as_json(self) -> dict:
        """The API's and the `figures` command's shape. Shares are 0–1; amounts are Decimal
        万元 (numbers in JSON, `api.schemas.money_number`)."""
        r = self.rates
        return {
            "month": str(self.month),
            "unit": self.unit,
            "as_of": self.as_of.isoformat(),
            "as_of_today": self.running,
            "elapsed_share": float(self.elapsed),
            "planned_projects": r.projects,
            "start_rate": _share(r.start_rate),
            "started": r.started,
            "planned_to_start": r.to_start,
            "completion_rate": _share(r.completion_rate),
            "completed_wan": r.completed_wan,
            "planned_investment_wan": r.planned_wan,
            "funds_rate": _share(r.funds_rate),
            "on_time_rate": _share(r.on_time_rate),
            "warnings": self.warnings.as_json(),
            "problems": self.problems.as_json(),
            "overdue_problems": [
                {
                    "id": p.pk,
                    "project_code": p.project.code,
                    "title": p.title,
                    "department": p.department.name,
                    "deadline": p.deadline.isoformat(),
                    "overdue_days": p.overdue_days,
                }
                for p in self.overdue
            ],
            "overdue_problem_count": self.overdue_count,
        }


def headline(
    month: Month,
    unit: str | None = None,
    *,
    today: datetime.date | None = None,
    include_green: bool = False,
    limit: int = 20,
) -> Headline:
    """Every headline figure of `month` for the city or one township unit (code, name or
    alias; InputError when unknown). ValueError for a future month."""
    today = today or timezone.localdate()
    scope = queries.unit_scope(unit)  # InputError for an unknown unit, before any cache
    return figcache.cached(
        "headline",
        (str(month), unit, scope and scope.key, today, include_green, limit),
        lambda: _headline(month, unit, scope, today, include_green, limit),
        by_table=True,  # all it reads is read inside; the unit's scope is in the key
    )


def _headline(month, unit, scope, today, include_green, limit) -> Headline:
    found_facts = facts_mod.load(month, scope, today=today)
    found = rules.compute(month, scope, include_green=include_green, today=today, facts=found_facts)
    _rows, total = rates.compute(month, None, scope, today=today, facts=found_facts)
    as_of = month.as_of(today)
    return Headline(
        month=month,
        unit=unit or None,
        as_of=as_of,
        running=as_of < month.last_day,
        rates=total,
        warnings=rules.tally(found, found_facts.keys()),
        problems=queries.problem_figures(as_of, unit),
        overdue=queries.overdue_problems(as_of, unit, limit=limit),
        overdue_count=queries.overdue_problem_count(as_of, unit),
        found=found,
        facts=found_facts,
    )
