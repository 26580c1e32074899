"""Impact of the ledger's projects at full production: yearly value added (增加值), tax and
jobs, per project and rolled up (by chain, town; clusters in `clusters.queries`).

Value added follows the UK Data Hub's GVA rule (uktrade/data-hub-api,
datahub/investment/project/gva_utils.py, `GrossValueAddedCalculator.gross_value_added`,
and `GVAMultiplier.SectorClassificationChoices` in investment/project/models.py): a
multiplier per sector and financial year; for a capital-intensive sector GVA = multiplier ×
investment (Data Hub: foreign equity investment), for a labour-intensive one GVA =
multiplier × jobs (Data Hub: number of new jobs); the year is the project's landing year,
and when the table has no row for that year the latest year's multiplier is used. Here the
sector is the project's GB/T 4754 division (大类) when the table lists it, else its section
(门类); the investment is the total investment; the year is the year of full production
(actual, else planned; else of production), clamped into the table's years, none: the
latest. Tax is the disclosed expected yearly tax, else value added × the sector's tax share.
Jobs are the jobs at full production.

Inputs may be estimates (`projects.estimates`): a figure computed from an estimate is
flagged, and every figure here can be computed without estimates (`include_estimates`).

The multiplier table is data (`data/impact_multipliers.yaml`, or the file named by
ZHAOSHANG_IMPACT_TABLE) with its source; `check_table()` names every missing sector and
year, and loading a table with such gaps fails with those messages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhaoshang.core import figcache
from zhaoshang.lib import collector
from zhaoshang.projects import estimates as est
from zhaoshang.projects.queries import left_out

DEFAULT_TABLE = Path(__file__).parent / "data" / "impact_multipliers.yaml"
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRST")  # GB/T 4754-2017 门类: every one must be in a table
INTENSITIES = ("capital", "labour")


class TableError(Exception):
    """A multiplier table that cannot be used; `messages` names every problem."""

    def __init__(self, path: str, messages: list[str]) -> None:
        self.path = path
        self.messages = messages
        super().__init__(f"{path}: " + "; ".join(messages))


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    intensity: str  # capital or labour
    gva: dict[int, Decimal]  # year -> multiplier
    tax_share: Decimal


@dataclass(frozen=True)
class Table:
    path: str
    source: dict[str, str]  # language ("zh", "en") -> where the figures come from
    assumption: bool
    years: tuple[int, ...]
    sectors: dict[str, Sector]

    def source_text(self) -> str:
        """Where the figures come from, in the page's language (Chinese when there is no
        English)."""
        en = (get_language() or "").startswith("en")
        return (self.source.get("en") if en else None) or self.source.get("zh", "")

    def sector_for(self, industry: str, section: str) -> Sector | None:
        return self.sectors.get(industry[:2]) or self.sectors.get(section)

    def year_for(self, year: int | None) -> int:
        if year is None:
            return self.years[-1]
        return min(max(year, self.years[0]), self.years[-1])


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _sources(value) -> dict[str, str]:
    """`source: text` (one language, shown on every page) or `source: {zh: ..., en: ...}`."""
    if isinstance(value, dict):
        texts = {str(k): str(v or "").strip() for k, v in value.items()}
        return {k: v for k, v in texts.items() if v}
    text = str(value or "").strip()
    return {"zh": text} if text else {}


def check_table(data) -> list[str]:
    """Every problem of a parsed multiplier table, one message each naming the sector, year
    and value; [] when it can be used."""
    if not isinstance(data, dict):
        return [_("the file is not a table: it needs the keys source, years and sectors")]
    errors = []
    if not _sources(data.get("source")).get("zh"):
        errors.append(_("the table does not say where its figures come from (source)"))
    years = data.get("years")
    if (
        not isinstance(years, list)
        or not years
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
    ):
        errors.append(_("years: a list of years is needed, e.g. [2019, 2020]"))
        years = []
    sectors = data.get("sectors")
    if not isinstance(sectors, dict) or not sectors:
        return [*errors, _("sectors: no sector in the table")]
    sectors = {str(k): v for k, v in sectors.items()}
    missing = [s for s in SECTIONS if s not in sectors]
    if missing:
        errors.append(
            _("missing sectors (GB/T 4754 sections): %(codes)s") % {"codes": ", ".join(missing)}
        )
    for code, entry in sectors.items():
        if not isinstance(entry, dict):
            errors.append(_("sector %(code)s: not a table of figures") % {"code": code})
            continue
        if entry.get("intensity") not in INTENSITIES:
            errors.append(
                _("sector %(code)s: intensity “%(value)s” is neither capital nor labour")
                % {"code": code, "value": entry.get("intensity")}
            )
        share = _decimal(entry.get("tax_share"))
        if share is None or not (0 <= share <= 1):
            errors.append(
                _("sector %(code)s: tax_share “%(value)s” is not a number from 0 to 1")
                % {"code": code, "value": entry.get("tax_share")}
            )
        gva = entry.get("gva") if isinstance(entry.get("gva"), dict) else {}
        absent = [y for y in years if y not in gva]
        if absent:
            errors.append(
                _("sector %(code)s: no multiplier for %(years)s")
                % {"code": code, "years": ", ".join(str(y) for y in absent)}
            )
        for year, value in gva.items():
            if year not in years:
                errors.append(
                    _("sector %(code)s: year %(year)s is not one of the table's years")
                    % {"code": code, "year": year}
                )
                continue
            number = _decimal(value)
            if number is None or number <= 0:
                errors.append(
                    _("sector %(code)s, %(year)s: multiplier “%(value)s” is not a positive number")
                    % {"code": code, "year": year, "value": value}
                )
    return errors


def read_table(path: str | Path) -> Table:
    """The table in `path`, checked; `TableError` naming every problem otherwise."""
    path = str(path)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except OSError as e:
        raise TableError(path, [_("cannot read the file: %(error)s") % {"error": e}]) from None
    except yaml.YAMLError as e:
        raise TableError(path, [_("not valid YAML: %(error)s") % {"error": e}]) from None
    errors = check_table(data)
    if errors:
        raise TableError(path, errors)
    years = tuple(sorted(data["years"]))
    sectors = {
        str(code): Sector(
            code=str(code),
            name=str(entry.get("name") or ""),
            intensity=entry["intensity"],
            gva={int(y): _decimal(v) for y, v in entry["gva"].items()},
            tax_share=_decimal(entry["tax_share"]),
        )
        for code, entry in data["sectors"].items()
    }
    return Table(
        path=path,
        source=_sources(data["source"]),
        assumption=bool(data.get("assumption", False)),
        years=years,
        sectors=sectors,
    )


def table_path() -> str:
    return getattr(settings, "ZHAOSHANG_IMPACT_TABLE", "") or str(DEFAULT_TABLE)


@lru_cache(maxsize=4)
def _read_cached(path: str, mtime: float) -> Table:
    return read_table(path)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def table_stamp() -> tuple[str, float]:
    """The configured table's path and modification time: figures computed from it are
    kept under it (a replaced file gives new figures)."""
    path = table_path()
    return path, _mtime(path)


def load_table() -> Table:
    """The configured table (re-read when the file changes); `TableError` when it has gaps."""
    path = table_path()
    return _read_cached(path, _mtime(path))


# --- Per project ------------------------------------------------------------------------


@dataclass(slots=True)
class Impact:
    """One project's yearly impact at full production. Amounts in 万元 (floats: they are
    model figures, shown rounded); None where an input is missing (`reason`)."""

    gva: float | None = None
    tax: float | None = None
    jobs: float | None = None
    gva_estimated: bool = False  # computed from an estimated input
    tax_estimated: bool = False
    jobs_estimated: bool = False
    tax_disclosed: bool = False
    sector: Sector | None = None
    year: int | None = None
    input_value: float | None = None  # the total investment or jobs the GVA multiplies
    reason: str = ""  # why there is no GVA: no_industry, no_sector, no_input

    @property
    def uses_estimates(self) -> bool:
        return self.gva_estimated or self.tax_estimated or self.jobs_estimated


def project_impact(figs: est.ProjectFigures, table: Table, include_estimates: bool) -> Impact:
    row = figs.row
    out = Impact()
    jobs = figs["jobs"]
    out.jobs = jobs.value(include_estimates)
    out.jobs_estimated = out.jobs is not None and jobs.disclosed is None
    if not row.industry and not row.section:
        out.reason = "no_industry"
    else:
        sector = table.sector_for(row.industry, row.section)
        if sector is None:
            out.reason = "no_sector"
        else:
            out.sector = sector
            out.year = table.year_for(row.production_year)
            fig = figs["capex"] if sector.intensity == "capital" else jobs
            value = fig.value(include_estimates)
            if value is None:
                out.reason = "no_input"
            else:
                out.input_value = value
                out.gva = float(sector.gva[out.year]) * value
                out.gva_estimated = fig.disclosed is None
    if row.tax is not None:
        out.tax, out.tax_disclosed = float(row.tax), True
    elif out.gva is not None:
        out.tax = out.gva * float(out.sector.tax_share)
        out.tax_estimated = out.gva_estimated
    return out


@dataclass
class LedgerImpact:
    by_pk: dict[int, Impact]
    table: Table
    include_estimates: bool


def ledger_impact(
    include_estimates: bool, ledger: est.LedgerEstimates | None = None
) -> LedgerImpact:
    """Every project's impact, once per state of the tables it reads and of the multiplier
    table's file (`core.figcache`, by table, as `ledger_estimates`); `ledger`: the estimates
    already at hand, used when nothing would be kept (the cache off, or inside a transaction
    that has written: they are not estimated twice)."""
    key = (include_estimates, *table_stamp())
    if ledger is not None and not figcache.keeps():
        return _ledger_impact(include_estimates, ledger)
    # the estimates are asked for inside the computation, so their tables are recorded
    return figcache.cached(
        "projects.impact", key, lambda: _ledger_impact(include_estimates, None), by_table=True
    )


@collector.paused()
def _ledger_impact(include_estimates: bool, ledger: est.LedgerEstimates | None) -> LedgerImpact:
    table = load_table()
    ledger = est.ledger_estimates() if ledger is None else ledger
    return LedgerImpact(
        by_pk={
            pk: project_impact(figs, table, include_estimates) for pk, figs in ledger.by_pk.items()
        },
        table=table,
        include_estimates=include_estimates,
    )


# --- Roll-ups --------------------------------------------------------------------------


@dataclass
class Totals:
    gva: float = 0.0
    tax: float = 0.0
    jobs: float = 0.0
    projects: int = 0
    with_gva: int = 0
    gva_estimated: int = 0  # projects whose GVA comes from an estimated input
    tax_disclosed: int = 0
    tax_modelled: int = 0
    tax_estimated: int = 0
    jobs_disclosed: int = 0
    jobs_estimated: int = 0
    synthetic: int = 0
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, row: est.Row, imp: Impact) -> None:
        self.projects += 1
        self.synthetic += row.is_synthetic
        if imp.gva is not None:
            self.gva += imp.gva
            self.with_gva += 1
            self.gva_estimated += imp.gva_estimated
        if imp.tax is not None:
            self.tax += imp.tax
            if imp.tax_disclosed:
                self.tax_disclosed += 1
            else:
                self.tax_modelled += 1
                self.tax_estimated += imp.tax_estimated
        if imp.jobs is not None:
            self.jobs += imp.jobs
            if imp.jobs_estimated:
                self.jobs_estimated += 1
            else:
                self.jobs_disclosed += 1

    @property
    def uses_estimates(self) -> bool:
        return bool(self.gva_estimated or self.tax_estimated or self.jobs_estimated)


def totals(
    pks: Iterable[int] | None = None,
    *,
    include_estimates: bool,
    ledger: est.LedgerEstimates | None = None,
) -> Totals:
    """The impact of the projects `pks` (all when None): dropped projects and phases of a
    counted project left out."""
    ledger = est.ledger_estimates() if ledger is None else ledger
    impacts = ledger_impact(include_estimates, ledger)
    chosen = ledger.by_pk.keys() if pks is None else ledger.by_pk.keys() & set(pks)
    found = _grouped(chosen, None, ledger, impacts).get(None)
    if found is None:  # no project
        found = Totals()
        found.texts = explain(found, impacts.table, include_estimates)
    return found


def _grouped(
    chosen: Iterable[int], attr: str | None, ledger: est.LedgerEstimates, impacts: LedgerImpact
) -> dict[object, Totals]:
    """`totals` of the projects `chosen` (ids in the ledger) per value of their rows'
    `attr` (one group, None, without), summed in ascending id order. One pass over the
    rows in id order for every group: the rows of one group alone lie scattered in memory,
    and reaching them cost three times as much."""
    by_pk = ledger.by_pk
    rows = [by_pk[pk].row for pk in sorted(chosen)]
    keys = [getattr(row, attr) for row in rows] if attr else [None] * len(rows)
    members: dict[object, dict[int, int | None]] = {}
    for key, row in zip(keys, rows, strict=True):
        members.setdefault(key, {})[row.pk] = row.parent_id
    # a phase whose parent is counted too is left out (盛虹 306亿 holds its 首期 140亿), the
    # ledger totals' rule (`projects.queries.left_out`); dropped projects count nowhere
    phases = {key: left_out(group) for key, group in members.items()}
    out = {key: Totals() for key in members}
    found = impacts.by_pk
    for key, row in zip(keys, rows, strict=True):
        if row.status != "dropped" and row.pk not in phases[key]:
            out[key].add(row, found[row.pk])
    for t in out.values():
        t.texts = explain(t, impacts.table, impacts.include_estimates)
    return out


def rollup(
    by: str,
    *,
    include_estimates: bool,
    pks: Iterable[int] | None = None,
    ledger: est.LedgerEstimates | None = None,
) -> list[tuple[object, str, Totals]]:
    """(key, name, totals) per chain (`by="chain"`) or township unit (`by="town"`) of the
    projects `pks` (all when None), largest value added first; projects without one are
    under the key None."""
    from zhaoshang.regions.models import Region

    attr = {"chain": "chain_id", "town": "unit_id"}[by]
    ledger = est.ledger_estimates() if ledger is None else ledger
    chosen = ledger.by_pk.keys() if pks is None else ledger.by_pk.keys() & set(pks)
    groups = _grouped(chosen, attr, ledger, ledger_impact(include_estimates, ledger))
    keys = [k for k in groups if k]
    if by == "chain":
        from zhaoshang.chains.models import Chain

        en = (get_language() or "").startswith("en")
        names = {
            pk: f"{name_en} ({name})" if en and name_en else name
            for pk, name, name_en in Chain.objects.filter(pk__in=keys).values_list(
                "pk", "name", "name_en"
            )
        }
    else:
        names = dict(Region.objects.filter(pk__in=keys).values_list("pk", "name"))
    out = [(key, names.get(key, "") if key else "", t) for key, t in groups.items()]
    out.sort(key=lambda t: (-t[2].gva, str(t[1])))
    return out


# --- Words -----------------------------------------------------------------------------


def wan_text(value: float | None, *, estimated: bool = False) -> str:
    return est.shown("output", value, estimated=estimated)


def jobs_text(value: float | None, *, estimated: bool = False) -> str:
    return est.shown("jobs", value, estimated=estimated)


def _table_note(table: Table) -> str:
    note = _("Multipliers: %(source)s.") % {"source": table.source_text()}
    if table.assumption:
        note += " " + _("They are assumptions, not official figures.")
    return note


def explain(t: Totals, table: Table, include_estimates: bool) -> dict[str, str]:
    """The formula and inputs of each rolled-up figure, for the hover text."""
    scope = (
        _("estimates included") if include_estimates else _("disclosed figures only (no estimates)")
    )
    return {
        "gva": _(
            "Yearly value added at full production = Σ over %(n)s of %(all)s projects: the "
            "sector multiplier × total investment (capital-intensive sectors) or × jobs "
            "(labour-intensive sectors), the UK Data Hub's GVA rule; %(est)s of them from "
            "estimated inputs; %(scope)s. %(table)s"
        )
        % {
            "n": t.with_gva,
            "all": t.projects,
            "est": t.gva_estimated,
            "scope": scope,
            "table": _table_note(table),
        },
        "tax": _(
            "Yearly tax = Σ the disclosed expected yearly tax (%(d)s projects), else value "
            "added × the sector's tax share (%(m)s projects, %(e)s of them from estimated "
            "inputs); %(scope)s."
        )
        % {"d": t.tax_disclosed, "m": t.tax_modelled, "e": t.tax_estimated, "scope": scope},
        "jobs": _(
            "Jobs at full production = Σ over %(n)s projects: %(d)s disclosed, %(e)s "
            "estimated; %(scope)s."
        )
        % {
            "n": t.jobs_disclosed + t.jobs_estimated,
            "d": t.jobs_disclosed,
            "e": t.jobs_estimated,
            "scope": scope,
        },
    }


def project_texts(imp: Impact, table: Table) -> dict[str, str]:
    """One project's figures with their formula, for its page."""
    if imp.gva is not None:
        s = imp.sector
        input_text = (
            wan_text(imp.input_value, estimated=imp.gva_estimated)
            if s.intensity == "capital"
            else jobs_text(imp.input_value, estimated=imp.gva_estimated)
        )
        gva = _("%(multiplier)s (%(code)s %(name)s, %(kind)s, %(year)s) × %(input)s %(what)s") % {
            "multiplier": s.gva[imp.year].normalize(),
            "code": s.code,
            "name": s.name,
            "kind": _("capital-intensive") if s.intensity == "capital" else _("labour-intensive"),
            "year": imp.year,
            "input": input_text,
            "what": _("total investment") if s.intensity == "capital" else _("jobs"),
        }
    else:
        gva = {
            "no_industry": _("No value added: the project has no industry code."),
            "no_sector": _("No value added: the multiplier table has no row for its industry."),
            "no_input": _(
                "No value added: the input the sector's rule needs (total investment or jobs) "
                "is neither disclosed nor estimated."
            ),
        }.get(imp.reason, "")
    if imp.tax_disclosed:
        tax = _("the disclosed expected yearly tax")
    elif imp.tax is not None:
        tax = _("value added × the sector's tax share %(share)s") % {
            "share": imp.sector.tax_share.normalize()
        }
    else:
        tax = _("No tax figure: neither disclosed nor computable.")
    return {"gva": gva, "tax": tax, "table": _table_note(table)}


def project_view(pk: int) -> dict | None:
    """The project page's impact box: each figure with estimates and on disclosed figures
    only, with its formula."""
    rows = []
    table = None
    estimates = est.ledger_estimates()
    for include in (True, False):
        ledger = ledger_impact(include, estimates)
        table = ledger.table
        imp = ledger.by_pk.get(pk)
        if imp is None:
            return None
        rows.append(imp)
    with_est, without = rows
    texts = project_texts(with_est, table)
    return {
        "figures": [
            {
                "label": _("Value added a year"),
                "with": wan_text(with_est.gva, estimated=with_est.gva_estimated),
                "without": wan_text(without.gva),
                "estimated": with_est.gva_estimated,
                "formula": texts["gva"],
            },
            {
                "label": _("Tax a year"),
                "with": wan_text(with_est.tax, estimated=with_est.tax_estimated),
                "without": wan_text(without.tax),
                "estimated": with_est.tax_estimated,
                "formula": texts["tax"],
            },
            {
                "label": _("Jobs"),
                "with": jobs_text(with_est.jobs, estimated=with_est.jobs_estimated),
                "without": jobs_text(without.jobs),
                "estimated": with_est.jobs_estimated,
                "formula": _("the disclosed jobs at full production, else their estimate"),
            },
        ],
        "table_note": texts["table"],
    }
