"""Request and response shapes of the JSON API.

Amounts leave the API as JSON numbers in 万元 (never strings): whole values as integers,
exact; others as the shortest float that prints back to the same decimal, which is exact
up to 15 significant digits (999,999,999.999999万元 — far beyond any project).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, PlainSerializer, create_model

from zhaoshang.projects.models import STAGE_ORDER, Stage, Status
from zhaoshang.projects.services import AMOUNT_FIELDS, FOREIGN_AMOUNTS


def money_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


Money = Annotated[
    Decimal | None,
    PlainSerializer(money_number, return_type=float | None, when_used="always"),
]
# The highest page number a list takes: beyond it an offset could pass what the database
# counts in (a 20-digit page gave a 500); any real list ends long before.
PAGE_MAX = 1_000_000
PAGE_DESCRIPTION = f"1 to {PAGE_MAX:,}; a page after the last is empty"

QualifierValue = Literal["exact", "at_least", "approx", "at_most"]
StageValue = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(Status.values)]  # type: ignore[valid-type]


# --- Small nested objects ---------------------------------------------------------------


class CodeName(Schema):
    code: str
    name: str


class InvestorOut(Schema):
    id: int
    name: str
    country: str


class Detail(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class FieldErrors(Schema):
    detail: list[FieldError]


class Conflict(Schema):
    detail: str
    current_version: int


def code_name(obj: Any, *, short: bool = True) -> dict[str, str] | None:
    """`{code, name}` of a region, industry or chain; None when unset."""
    if obj is None:
        return None
    name = getattr(obj, "display_name", None) if short else None
    return {"code": obj.code, "name": name or obj.name}


# --- Projects ---------------------------------------------------------------------------


class ProjectSummary(Schema):
    """A project as it appears in lists."""

    code: str
    name: str
    stage: str
    stage_label: str
    status: str
    status_label: str
    total_investment_wan: Money
    total_investment_qualifier: str
    total_investment_text: str
    unit: CodeName | None
    industry: CodeName | None
    chain: CodeName | None
    investors: list[InvestorOut]
    is_foreign: bool
    is_synthetic: bool
    version: int

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_unit(obj):
        return code_name(obj.unit)

    @staticmethod
    def resolve_industry(obj):
        return code_name(obj.industry)

    @staticmethod
    def resolve_chain(obj):
        return code_name(obj.chain)

    @staticmethod
    def resolve_investors(obj):
        # investor_links is prefetched with its enterprise by every caller.
        return [link.enterprise for link in obj.investor_links.all()]


class ProjectPage(Schema):
    count: int
    page: int
    page_size: int
    total_investment_wan: Money = Field(
        description="Sum of total investment (万元) over every project the filters select, "
        "each investment once: a phase whose parent project is selected too is left out "
        "(its amount is in the parent's)"
    )
    phases_counted_in_parent: int = Field(
        0, description="Phases left out of total_investment_wan because their parent is selected"
    )
    phases_investment_wan: Money = Field(
        None, description="Their total investment (万元), held in their parents' figures"
    )
    items: list[ProjectSummary]


class ProjectInvestorOut(InvestorOut):
    role: str
    share_percent: Money = None


class StageDateOut(Schema):
    stage: str
    planned_on: datetime.date | None
    actual_on: datetime.date | None
    actual_precision: str


class SourceOut(Schema):
    id: int
    title: str
    url: str
    publisher: str
    published_on: datetime.date | None
    note: str


class MujunFindingOut(Schema):
    """One 亩均 figure of a project against its threshold (projects.mujun)."""

    metric: Literal["investment", "output", "tax"]
    level: Literal["below", "refused", "uncertain", "meets", "no_area", "no_figure", "no_threshold"]
    per_mu_wan: Money = Field(description="万元 per 亩 (the amount divided by the land area)")
    qualifier: str
    basis: str = Field(description="The amount divided: total_investment, expected_output, ...")
    threshold_wan: Money
    threshold: str
    source: str
    binding: bool
    message: str


class ProjectDetail(ProjectSummary):
    national_code: str
    description: str
    category: str
    address: str
    nature: str
    status_reason: str
    status_since: datetime.date | None
    parent: str | None
    phase_label: str
    phases: list[str]
    signed_amount_wan: Money
    signed_amount_qualifier: str
    signed_amount_text: str
    registered_capital_wan: Money
    registered_capital_qualifier: str
    registered_capital_text: str
    registered_capital_currency: str
    registered_capital_original: Money
    registered_capital_rate: Money
    foreign_investment_wan: Money
    foreign_investment_qualifier: str
    foreign_investment_text: str
    foreign_investment_currency: str
    foreign_investment_original: Money
    foreign_investment_rate: Money
    expected_revenue_wan: Money
    expected_revenue_qualifier: str
    expected_revenue_text: str
    expected_tax_wan: Money
    expected_tax_qualifier: str
    expected_tax_text: str
    expected_output_wan: Money
    expected_output_qualifier: str
    expected_output_text: str
    expected_jobs: int | None
    capacity: str
    land_area_mu: Money
    land_area_qualifier: str
    land_area_text: str
    mujun: list[MujunFindingOut]
    investors: list[ProjectInvestorOut]  # type: ignore[assignment]
    stage_dates: list[StageDateOut]
    sources: list[SourceOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_phases(obj) -> list[str]:
        return sorted(p.code for p in obj.phases.all())

    @staticmethod
    def resolve_investors(obj):
        return [
            {
                "id": link.enterprise.pk,
                "name": link.enterprise.name,
                "country": link.enterprise.country,
                "role": link.role,
                "share_percent": link.share_percent,
            }
            for link in obj.investor_links.all()
        ]

    @staticmethod
    def resolve_mujun(obj):
        from zhaoshang.projects.mujun import mujun_check  # the app's rule, read per project

        return [{**f.__dict__, "message": f.message} for f in mujun_check(obj)]

    @staticmethod
    def resolve_stage_dates(obj):
        order = {s: i for i, s in enumerate(STAGE_ORDER)}
        return sorted(obj.stage_dates.all(), key=lambda sd: order[sd.stage])

    @staticmethod
    def resolve_sources(obj):
        return [
            {
                "id": ps.source.pk,
                "title": ps.source.title,
                "url": ps.source.url,
                "publisher": ps.source.publisher,
                "published_on": ps.source.published_on,
                "note": ps.note,
            }
            for ps in obj.projectsource_set.all()
        ]


# Guard: every amount the model carries is in the detail.
assert all(f"{a}_wan" in ProjectDetail.model_fields for a in AMOUNT_FIELDS)
assert all(f"{a}_currency" in ProjectDetail.model_fields for a in FOREIGN_AMOUNTS)


class HistoryEntry(Schema):
    at: datetime.datetime
    user: str | None
    action: str
    action_label: str
    changes: dict[str, Any]
    reason: str

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.get_username() if obj.user_id else None

    @staticmethod
    def resolve_action_label(obj) -> str:
        return str(obj.get_action_display())


class _ProjectInBase(Schema):
    """The service's data keys; only the keys sent are passed on (a null clears a field)."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, description="Our code; generated when absent")
    national_code: str | None = Field(None, examples=["2023-320582-36-03-512345"])
    name: str | None = None
    description: str | None = None
    category: str | None = None
    unit: str | None = Field(None, description="Township unit: code, name or alias (冶金园)")
    address: str | None = None
    industry: str | None = Field(None, description="GB/T 4754-2017 code, e.g. 3841")
    chain: str | None = Field(None, description="Industrial chain code or name")
    is_foreign: bool | None = None
    publish_oc4ids: bool | None = Field(
        None, description="Publish as open data (OC4IDS) although not public or infrastructure"
    )
    nature: Literal["new", "expansion", "upgrade"] | None = None
    stage: StageValue | None = Field(None, description="Only when creating")
    status: StatusValue | None = None
    status_reason: str | None = None
    parent: str | None = Field(None, description="Code of the project this is a phase of")
    phase_label: str | None = None
    expected_jobs: int | None = None
    capacity: str | None = None
    land_area: str | None = Field(None, description="As written: 120亩, 约120亩, 8公顷")
    land_area_mu: Decimal | None = Field(None, description="Number of 亩")
    investors: list[int | str] | None = Field(
        None,
        description="Enterprise ids, names, credit codes or aliases; unknown names are registered",
    )
    is_synthetic: bool | None = None
    reason: str = Field("", description="Why, kept in the history")


def _amount_and_date_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in AMOUNT_FIELDS:
        fields[name] = (
            str | None,
            Field(None, description="As written, e.g. 超100亿元, 15亿美元, 5000万元"),
        )
        fields[f"{name}_wan"] = (Decimal | None, Field(None, description="Number in 万元"))
        fields[f"{name}_qualifier"] = (QualifierValue | None, None)
    for stage in STAGE_ORDER:
        fields[f"planned_{stage}"] = (datetime.date | None, None)
        fields[f"actual_{stage}"] = (datetime.date | None, None)
    return fields


ProjectIn = create_model("ProjectIn", __base__=_ProjectInBase, **_amount_and_date_fields())
ProjectIn.__doc__ = _ProjectInBase.__doc__


VERSION_DESCRIPTION = (
    "Required. The `version` you loaded (from the GET). Missing: 428 Precondition Required "
    "(须提供version); a newer one on the server: 409 Conflict with `current_version`."
)


class ProjectPatch(ProjectIn):  # type: ignore[misc, valid-type]
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to: StageValue
    on: datetime.date
    reason: str = ""


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: StatusValue
    reason: str = ""
    on: datetime.date | None = None


# --- Enterprises ------------------------------------------------------------------------


class EnterpriseRef(Schema):
    id: int
    name: str


class EnterpriseSummary(Schema):
    id: int
    name: str
    credit_code: str
    country: str
    is_fortune500: bool
    is_listed: bool
    is_specialised: bool
    is_high_tech: bool
    is_synthetic: bool


class EnterprisePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[EnterpriseSummary]


class AliasOut(Schema):
    alias: str
    kind: str


class EnterpriseProject(ProjectSummary):
    role: str


class EnterpriseDetail(EnterpriseSummary):
    stock_code: str
    website: str
    business_scope: str
    note: str
    is_foreign: bool
    industry: CodeName | None
    region: CodeName | None
    parent: EnterpriseRef | None
    ultimate_parent: EnterpriseRef
    aliases: list[AliasOut]
    projects: list[EnterpriseProject]
