"""Open data: public and infrastructure projects as an OC4IDS 0.9 project package.

OC4IDS is the Open Contracting for Infrastructure Data Standard. One function decides which
projects are published (`published_q`), one builds the package (`build_package`) and one
writes it as JSON or in the flattened CSV/XLSX form (`write_package`); the `zhaoshang export
oc4ids` command and the ledger's download both call them.

Which projects: those whose GB/T 4754-2017 industry is public or infrastructure (the
`SECTORS` table, which also gives the OC4IDS sector), those whose ledger category names
公建, 基础设施, 公共, 社会事业 or 民生, and any project marked 公开发布 (`publish_oc4ids`).
Synthetic (invented demo) projects are left out unless asked for explicitly; then their title
starts with （合成） and their description says they are invented.

Amounts are stored in 万元 and published in 元 (× 10,000, exact Decimal arithmetic) with the
currency CNY on every amount; an amount that cannot be written exactly as a JSON number is an
error, never rounded. No empty string, object or array is written.

>>> package = build_package(published_projects(Project.objects.all()), uri="https://…")
"""

from __future__ import annotations

import datetime
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from zhaoshang.projects.models import (
    STAGE_ORDER,
    Nature,
    Project,
    ProjectInvestor,
    Stage,
    StageDate,
    Status,
)

VERSION = "0.9"  # the schema's major.minor (reference/oc4ids is 0.9.5)
CURRENCY = "CNY"
YUAN_PER_WAN = Decimal(10000)
FORMATS = ("json", "csv", "xlsx")
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SYNTHETIC_MARK = "（合成）"
SYNTHETIC_NOTE = "合成演示数据，并非真实项目。Synthetic demo data, not a real project."

# projectStatus: 前期 (signed, registered: preliminary approvals, land, design) is
# preparation; lead and negotiation come before any decision to build, which OC4IDS calls
# identification; 在建 is implementation; 竣工, 投产 and 达产 are completion. A dropped
# project is cancelled whatever its stage.
STAGE_STATUS: dict[str, str] = {
    Stage.LEAD: "identification",
    Stage.NEGOTIATING: "identification",
    Stage.SIGNED: "preparation",
    Stage.REGISTERED: "preparation",
    Stage.STARTED: "implementation",
    Stage.COMPLETED: "completion",
    Stage.IN_PRODUCTION: "completion",
    Stage.FULL_PRODUCTION: "completion",
}

# projectType: new construction, expansion, and a technical upgrade (技改) rehabilitates an
# existing asset.
NATURE_TYPE = {
    Nature.NEW: "construction",
    Nature.EXPANSION: "expansion",
    Nature.UPGRADE: "rehabilitation",
}

# Milestones from the stage dates: (milestone type, milestone code) per stage.
STAGE_MILESTONE: dict[str, tuple[str, str | None]] = {
    Stage.LEAD: ("preProcurement", None),
    Stage.NEGOTIATING: ("preProcurement", None),
    Stage.SIGNED: ("approval", None),
    Stage.REGISTERED: ("approval", None),
    Stage.STARTED: ("delivery", "commencement"),
    Stage.COMPLETED: ("delivery", "completion"),
    Stage.IN_PRODUCTION: ("delivery", None),
    Stage.FULL_PRODUCTION: ("delivery", None),
}
STAGE_TITLES = {
    Stage.LEAD: "线索 Lead",
    Stage.NEGOTIATING: "洽谈 Negotiating",
    Stage.SIGNED: "签约 Signed",
    Stage.REGISTERED: "注册 Registered",
    Stage.STARTED: "开工 Started",
    Stage.COMPLETED: "竣工 Completed",
    Stage.IN_PRODUCTION: "投产 In production",
    Stage.FULL_PRODUCTION: "达产 Full production",
}

# Public and infrastructure industries (GB/T 4754-2017 code prefixes, longest first wins)
# with their OC4IDS projectSector code, or None where the industry is public or
# infrastructure but no sector of the codelist fits. A project whose industry starts with
# one of these prefixes is published.
SECTORS: dict[str, str | None] = {
    "D": "energy",  # 电力、热力、燃气及水生产和供应业
    "44": "energy",  # 电力、热力生产和供应业
    "4413": "energy.hydropower",
    "4415": "energy.wind",
    "4416": "energy.solar",
    "4417": "energy.biomass",
    "45": "energy",  # 燃气生产和供应业
    "46": "waterAndWaste",  # 水的生产和供应业 (自来水, 污水处理, 海水淡化)
    "48": None,  # 土木工程建筑业
    "481": "transport",  # 铁路、道路、隧道和桥梁工程建筑
    "4811": "transport.rail",
    "4812": "transport.road",
    "4813": "transport.road",
    "4814": "transport.urban",
    "4821": "waterAndWaste",  # 水源及供水设施工程建筑
    "4822": "naturalResources.floodProtection",  # 河湖治理及防洪设施工程建筑
    "4823": "transport.water",  # 港口及航运设施工程建筑
    "487": "energy",  # 电力工程施工
    "4874": "energy.wind",
    "4875": "energy.solar",
    "G": "transport",  # 交通运输、仓储和邮政业
    "53": "transport.rail",
    "54": "transport.road",
    "541": "transport.urban",  # 城市公共交通运输
    "55": "transport.water",
    "56": "transport.air",
    "60": "communications",  # 邮政业
    "63": "communications",  # 电信、广播电视和卫星传输服务
    "6450": "communications",  # 互联网数据服务 (data centres, 新型基础设施)
    "N": None,  # 水利、环境和公共设施管理业
    "76": "naturalResources",  # 水利管理业
    "7610": "naturalResources.floodProtection",
    "77": "naturalResources",  # 生态保护和环境治理业
    "772": "waterAndWaste",  # 环境治理业
    "78": None,  # 公共设施管理业
    "782": "waterAndWaste",  # 环境卫生管理
    "785": "cultureSportsAndRecreation",  # 城市公园管理
    "786": "cultureSportsAndRecreation",  # 游览景区管理
    "P": "education",
    "83": "education",
    "Q": "health",
    "84": "health",
    "85": "health",  # 社会工作 (human services)
    "88": "cultureSportsAndRecreation",  # 文化艺术业
    "89": "cultureSportsAndRecreation",  # 体育
    "S": "governance",  # 公共管理、社会保障和社会组织
    "92": "governance",
}
# Ledger categories (section headings of a 项目台账) that mark public or infrastructure works.
PUBLIC_CATEGORY_WORDS = ("公建", "基础设施", "公共", "社会事业", "民生")

PREFIX_RE = re.compile(r"^oc4ids-[a-z0-9]{6}-$")


class OC4IDSError(ValueError):
    """A package cannot be written as asked; the message names what and why."""


# --------------------------------------------------------------------------- selection


def published_q() -> Q:
    """The one rule for which projects the open-data export publishes (see the module doc)."""
    q = Q(publish_oc4ids=True)
    for prefix in SECTORS:
        if prefix.isalpha():  # a GB/T 4754 section (门类) letter
            q |= Q(industry__section=prefix)
        else:
            q |= Q(industry__code__startswith=prefix)
    for word in PUBLIC_CATEGORY_WORDS:
        q |= Q(category__contains=word)
    return q


def published_projects(qs: QuerySet, *, synthetic: bool = False) -> QuerySet:
    """`qs` (already limited to what the user may see and filtered) narrowed to the projects
    the export publishes; synthetic projects only when `synthetic` is True."""
    qs = qs.filter(published_q())
    if not synthetic:
        qs = qs.filter(is_synthetic=False)
    return qs


def sectors_for(industry) -> list[str]:
    """The OC4IDS sectors of a GB/T 4754 industry, the parent sector first: 4416 (太阳能发电)
    gives ['energy', 'energy.solar']; an industry outside the table gives []. The longest
    code prefix in `SECTORS` wins; the section letter counts as the shortest prefix."""
    if industry is None:
        return []
    best, code = -1, None
    for prefix, sector in SECTORS.items():
        length = 0 if prefix.isalpha() else len(prefix)
        fits = industry.section == prefix if prefix.isalpha() else industry.code.startswith(prefix)
        if fits and sector is not None and length > best:
            best, code = length, sector
    if code is None:
        return []
    return [code.split(".")[0], code] if "." in code else [code]


# --------------------------------------------------------------------------- settings


def id_prefix() -> str:
    """`ZHAOSHANG_OC4IDS_PREFIX`, else oc4ids-<home county code>- (e.g. oc4ids-320582-;
    the seat county's in a prefecture city or province: register a prefix there)."""
    from zhaoshang.regions.home import home_county_code

    value = getattr(settings, "ZHAOSHANG_OC4IDS_PREFIX", "") or (
        f"oc4ids-{home_county_code()[:6].lower()}-"
    )
    if not PREFIX_RE.match(value):
        raise OC4IDSError(
            f"ZHAOSHANG_OC4IDS_PREFIX={value!r} is not an OC4IDS project identifier prefix: "
            "write oc4ids- then six lowercase letters or digits and a hyphen, e.g. oc4ids-320582-"
        )
    return value


def license_url() -> str:
    return getattr(settings, "ZHAOSHANG_OC4IDS_LICENSE", "") or DEFAULT_LICENSE


# --------------------------------------------------------------------------- values


def yuan(wan: Decimal) -> int | float:
    """万元 to 元 as a JSON number, exactly: 1.5 (万元) gives 15000; 0.000123 gives 1.23.
    Raises OC4IDSError when the 元 amount has no exact JSON form (never rounds)."""
    value = wan * YUAN_PER_WAN
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) != value:
        raise OC4IDSError(f"{value} 元 cannot be written exactly")
    return as_float


def value_of(wan: Decimal, what: str) -> dict:
    try:
        return {"amount": yuan(wan), "currency": CURRENCY}
    except OC4IDSError as exc:
        raise OC4IDSError(f"{what}: {exc}") from None


def _when(day: datetime.date, *, end: bool = False) -> str:
    """A date as the schema's date-time, at the start (or end) of the day in Shanghai."""
    moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    moment = moment.replace(microsecond=0)
    return timezone.make_aware(moment, timezone.get_default_timezone()).isoformat()


def _stamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _pruned(value):
    """`value` without empty strings, objects or arrays, at any depth (the schema and the
    validator refuse them); None is dropped too."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _pruned(item)
            if item is not None:
                out[key] = item
        return out or None
    if isinstance(value, list):
        items = [i for i in (_pruned(v) for v in value) if i is not None]
        return items or None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return value


# --------------------------------------------------------------------------- parties


def _county_of(region):
    from zhaoshang.regions.models import Level

    node = region
    while node is not None and node.level > Level.COUNTY:
        node = node.parent
    return node


def _home_region():
    """What a project without a township unit belongs to: the home region (`regions.home`,
    a county, a prefecture city or a province), and the publisher's name."""
    from zhaoshang.regions.home import home_code
    from zhaoshang.regions.models import Region

    return Region.objects.select_related("parent__parent").get(code=home_code())


def _address_of(region) -> dict:
    """Locality (the county) and region (province and city) of a township unit."""
    from zhaoshang.regions.models import Level

    names = {}
    node = region
    while node is not None:
        names[node.level] = node.name
        node = node.parent
    return {
        "locality": names.get(Level.COUNTY),
        "region": "".join(names[level] for level in (Level.PROVINCE, Level.CITY) if level in names),
        "countryName": "中国",
    }


class _Parties:
    """The parties of one project, each once, with the roles it plays."""

    def __init__(self) -> None:
        self._by_id: dict[str, dict] = {}

    def add(self, party_id: str, name: str, role: str, **extra) -> dict:
        party = self._by_id.get(party_id)
        if party is None:
            party = {"id": party_id, "name": name, "roles": [], **extra}
            self._by_id[party_id] = party
        if role not in party["roles"]:
            party["roles"].append(role)
        return {"id": party_id, "name": name}

    def all(self) -> list[dict]:
        return list(self._by_id.values())


def _region_party(parties: _Parties, region, role: str) -> dict:
    return parties.add(f"region-{region.code}", region.name, role, address=_address_of(region))


def _enterprise_party(parties: _Parties, link: ProjectInvestor) -> dict:
    enterprise = link.enterprise
    return parties.add(f"enterprise-{enterprise.pk}", enterprise.name, "funder")


# --------------------------------------------------------------------------- project


def _milestones(project: Project, dates: list[StageDate], today: datetime.date) -> list[dict]:
    out = []
    for row in sorted(dates, key=lambda d: STAGE_ORDER.index(d.stage)):
        if row.planned_on is None and row.actual_on is None:
            continue
        kind, code = STAGE_MILESTONE[row.stage]
        milestone = {
            "id": row.stage,
            "title": STAGE_TITLES[row.stage],
            "type": kind,
            "code": code,
        }
        notes = []
        if row.planned_on is not None:
            milestone["dueDate"] = _when(row.planned_on)
            if row.planned_precision != "day":
                notes.append(f"计划日期精确到{_precision(row.planned_precision)}")
        if row.actual_on is not None:
            milestone["dateMet"] = _when(row.actual_on)
            milestone["status"] = "met"
            if row.actual_precision != "day":
                notes.append(f"实际日期精确到{_precision(row.actual_precision)}")
        elif row.planned_on is not None and row.planned_on < today:
            milestone["status"] = "notMet"
            milestone["dateModified"] = _when(today)
        else:
            milestone["status"] = "scheduled"
        milestone["description"] = "；".join(notes)
        out.append(milestone)
    return out


def _precision(precision: str) -> str:
    return {"month": "月 (month)", "year": "年 (year)"}.get(precision, precision)


def _period(dates: dict[str, StageDate]) -> dict:
    """Planned start to planned completion (the actual date where no plan was kept)."""

    def pick(stage: str):
        row = dates.get(stage)
        if row is None:
            return None
        return row.planned_on or row.actual_on

    start, end = pick(Stage.STARTED), pick(Stage.COMPLETED)
    if start and end and end < start:
        end = None
    return {
        "startDate": _when(start) if start else None,
        "endDate": _when(end, end=True) if end else None,
    }


def _budget(project: Project, plans: Iterable, project_id: str) -> dict:
    budget: dict = {}
    if project.total_investment_wan is not None:
        budget["amount"] = value_of(project.total_investment_wan, f"{project.code} 总投资")
        # as written (超100亿元, 约90亿元): the qualifier a bare amount cannot carry
        written = project.total_investment_text or project.total_qualified()
        budget["description"] = f"总投资 total investment: {written}"
    breakdown = [
        {
            "id": str(plan.year),
            "description": f"{plan.year}年度计划投资 annual planned investment",
            "amount": value_of(plan.planned_investment_wan, f"{project.code} {plan.year}年计划"),
            "period": {
                "startDate": _when(datetime.date(plan.year, 1, 1)),
                "endDate": _when(datetime.date(plan.year, 12, 31), end=True),
            },
        }
        for plan in sorted(plans, key=lambda p: p.year)
        if plan.planned_investment_wan is not None
    ]
    if breakdown:
        budget["budgetBreakdowns"] = [
            {
                # the set's id is the project's: in the flattened form the rows of a list
                # inside a list (budgetBreakdown) carry the nearest `id` above them as the
                # project's, so any other id here would cut them off from their project
                "id": project_id,
                "description": "年度投资计划 annual investment plans",
                "budgetBreakdown": breakdown,
            }
        ]
    return budget


def project_json(project: Project, *, prefix: str, today: datetime.date, home_region) -> dict:
    """One project as an OC4IDS project (before pruning); the project must come from
    `_with_related` (investors, stage dates, plans, region parents prefetched). A project
    without a township unit belongs to `home_region`."""
    parties = _Parties()
    county = _county_of(project.unit) if project.unit_id else None
    if county is None:
        county = home_region
    authority = _region_party(parties, county, "publicAuthority")
    if project.unit_id:
        _region_party(parties, project.unit, "administrativeEntity")
    for link in project.investor_links.all():
        _enterprise_party(parties, link)

    dates = {row.stage: row for row in project.stage_dates.all()}
    title, description = project.name, project.description
    if project.is_synthetic:
        if not title.startswith(SYNTHETIC_MARK):
            title = SYNTHETIC_MARK + title
        description = f"{SYNTHETIC_NOTE} {description}"
    status = "cancelled" if project.status == Status.DROPPED else STAGE_STATUS[project.stage]
    location = None
    if project.unit_id or project.address:
        location = {
            "id": "1",
            "description": project.unit.name if project.unit_id else None,
            "address": {
                **(_address_of(project.unit) if project.unit_id else {"countryName": "中国"}),
                "streetAddress": project.address,
            },
        }
    classifications = []
    if project.industry_id:
        classifications.append(
            {
                "scheme": "GB/T 4754-2017",
                "id": project.industry_id,
                "description": project.industry.name,
            }
        )
    return {
        "id": f"{prefix}{project.code}",
        "updated": _stamp(project.updated_at),
        "language": "zh",
        "identifiers": [
            {"id": project.code, "scheme": "zhaoshang"},
            {"id": project.national_code, "scheme": "全国投资项目在线审批监管平台项目代码"}
            if project.national_code
            else None,
        ],
        "title": title,
        "description": description,
        "status": status,
        "type": NATURE_TYPE.get(project.nature),
        "sector": sectors_for(project.industry),
        "additionalClassifications": classifications,
        "publicAuthority": authority,
        "budget": _budget(project, project.annual_plans.all(), f"{prefix}{project.code}"),
        "period": _period(dates),
        "locations": [location],
        "milestones": _milestones(project, list(dates.values()), today),
        "parties": parties.all(),
    }


def _with_related(qs: QuerySet) -> QuerySet:
    from zhaoshang.progress.models import AnnualPlan

    return qs.select_related(
        "industry", "unit__parent__parent__parent", "unit__parent__parent"
    ).prefetch_related(
        Prefetch(
            "investor_links",
            queryset=ProjectInvestor.objects.select_related("enterprise").order_by(
                "role", "enterprise__name"
            ),
        ),
        "stage_dates",
        Prefetch("annual_plans", queryset=AnnualPlan.objects.order_by("year")),
    )


def build_package(
    qs: QuerySet,
    *,
    uri: str,
    today: datetime.date | None = None,
) -> dict:
    """The OC4IDS project package of the projects in `qs` (select them with
    `published_projects`). Raises OC4IDSError when there is none (a package needs at least
    one project) or a value cannot be written exactly."""
    prefix = id_prefix()
    today = today or timezone.localdate()
    qs = qs.order_by("code")
    last_change = qs.aggregate(last=Max("updated_at"))["last"]
    if last_change is None:
        raise OC4IDSError(
            "no project to publish: the selection holds no public or infrastructure project "
            "and none marked for publication (公开发布)"
        )
    home_region = _home_region()
    projects = [
        _pruned(project_json(p, prefix=prefix, today=today, home_region=home_region))
        for p in _with_related(qs).iterator(chunk_size=500)
    ]
    return _pruned(
        {
            "uri": uri,
            # generated on demand: the date of the last change to what it holds
            "publishedDate": _stamp(last_change),
            "publisher": {
                "name": getattr(settings, "ZHAOSHANG_OC4IDS_PUBLISHER", "") or home_region.name
            },
            "license": license_url(),
            "version": VERSION,
            "projects": projects,
        }
    )


# --------------------------------------------------------------------------- writing


def package_json(package: dict) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def flatten(package: dict, fmt: str) -> bytes:
    """The package in the flattened form publishers provide (flattentool, the OC4IDS
    project's own tool): an .xlsx workbook with a sheet per array, or for CSV a .zip of one
    CSV file per sheet. The main sheet is `projects`; child rows carry the project `id`."""
    import flattentool  # a heavy import, needed only for the flat forms

    if fmt not in ("csv", "xlsx"):
        raise OC4IDSError(f"unknown flat format {fmt!r}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "package.json"
        source.write_bytes(package_json(package))
        # xlsx: the workbook's file name; csv: a folder of one file per sheet
        target = Path(tmp) / ("flat.xlsx" if fmt == "xlsx" else "flat")
        flattentool.flatten(
            str(source),
            output_name=str(target),
            output_format=fmt,
            root_list_path="projects",
            main_sheet_name="projects",
            root_id="id",
            id_name="id",
            line_terminator="LF",
        )
        if fmt == "xlsx":
            return target.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(target.iterdir()):
                archive.write(path, path.name)
        return buffer.getvalue()


def package_bytes(package: dict, fmt: str) -> bytes:
    """The package in `fmt` (json, csv as a .zip of CSV files, xlsx)."""
    if fmt == "json":
        return package_json(package)
    if fmt in ("csv", "xlsx"):
        return flatten(package, fmt)
    raise OC4IDSError(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")


def file_suffix(fmt: str) -> str:
    return {"json": ".json", "csv": ".zip", "xlsx": ".xlsx"}[fmt]
