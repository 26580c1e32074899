"""Will a figure reach its target? Growth needed, growth achieved, and a projected range.

The method, stated with every projection:

* the **trend** is a log-linear least-squares fit, ln(value) = a + b·year, over the last
  `window` yearly actuals (at least two), extended to the target year;
* the **range** applies the lowest and the highest year-on-year growth seen in those
  years to the latest actual, compounded to the target year; it is widened to hold the
  trend value if that falls outside;
* **achieved growth** is the compound yearly growth over the same years;
* **needed growth** is the compound yearly growth from the latest actual to the target.

Gaps between years (a missing 2020) are bridged with the compound rate over the gap.
Floats are fine here: these are estimates, rounded when shown, never stored as money.

Pure Python, no Django.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_WINDOW = 5
METHOD = "log_linear_trend"


@dataclass(frozen=True)
class Projection:
    target_year: int
    years: tuple[int, ...]  # the actual years the fit used
    central: float
    low: float
    high: float
    growth_low: float  # lowest year-on-year growth in the window, as a fraction
    growth_high: float
    achieved_growth: float  # compound yearly growth over the window, as a fraction

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]


def compound_growth(start: float, end: float, years: int) -> float | None:
    """(end / start) ** (1 / years) - 1; None when it has no meaning."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return (end / start) ** (1 / years) - 1


def needed_growth(
    actual: Decimal | float, actual_year: int, target: Decimal | float, target_year: int
) -> float | None:
    """Yearly growth that takes `actual` to `target` by `target_year`, as a fraction."""
    return compound_growth(float(actual), float(target), target_year - actual_year)


def project(
    actuals: Sequence[tuple[int, Decimal | float]],
    target_year: int,
    window: int = DEFAULT_WINDOW,
) -> Projection | None:
    """Project yearly `actuals` [(year, value)] to `target_year`; None with fewer than 2 years.

    >>> p = project([(2020, 100), (2021, 110), (2022, 121)], 2024)
    >>> round(p.central), round(p.low), round(p.high)
    (146, 146, 146)
    """
    points = sorted((int(y), float(v)) for y, v in actuals if float(v) > 0)
    points = points[-max(window, 2) :]
    if len(points) < 2 or target_year <= points[-1][0]:
        return None
    years = [y for y, _v in points]
    logs = [math.log(v) for _y, v in points]
    n = len(points)
    mean_x, mean_y = sum(years) / n, sum(logs) / n
    sxx = sum((x - mean_x) ** 2 for x in years)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(years, logs, strict=True)) / sxx
    central = math.exp(mean_y + slope * (target_year - mean_x))
    steps = [compound_growth(v0, v1, y1 - y0) for (y0, v0), (y1, v1) in itertools.pairwise(points)]
    rates = [g for g in steps if g is not None]
    last_year, last = points[-1]
    horizon = target_year - last_year
    g_low, g_high = min(rates), max(rates)
    low = last * (1 + g_low) ** horizon
    high = last * (1 + g_high) ** horizon
    achieved = compound_growth(points[0][1], last, last_year - points[0][0])
    return Projection(
        target_year=target_year,
        years=tuple(years),
        central=central,
        low=min(low, central),
        high=max(high, central),
        growth_low=g_low,
        growth_high=g_high,
        achieved_growth=achieved if achieved is not None else 0.0,
    )
