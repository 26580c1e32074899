"""`POST /enterprises/universe`: import target firms (the outside universe), as the page and
`zhaoshang universe import` do, through `enterprises.universe`."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema
from pydantic import ConfigDict

from zhaoshang.api.schemas import Detail, FieldErrors
from zhaoshang.core.errors import InputError
from zhaoshang.enterprises.universe import MAX_ROWS, UniverseRefused, import_universe

router = Router(tags=["enterprises"])


class UniverseRow(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=400, description="企业名称")
    credit_code: str = Field("", max_length=40, description="统一社会信用代码 (checked)")
    place: str = Field("", max_length=200, description="所在地: 深圳市南山区, 上海, 锦丰镇")
    industry: str = Field("", max_length=200, description="GB/T 4754-2017 code or name")
    business_scope: str = Field("", max_length=5000, description="经营范围")
    size_band: str = Field("", max_length=20, description="大型, 中型, 小型, 微型 (or large …)")
    country: str = Field("", max_length=10, description="ISO 3166 code; CN when absent")


class UniverseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rows: list[UniverseRow] = Field(..., min_length=1, max_length=MAX_ROWS)
    dry_run: bool = Field(True, description="Check only (the default); false writes all or none")
    overwrite: bool = Field(False, description="Replace facts the registry holds differently")
    reason: str = Field("", max_length=200)


class UniverseChangeOut(Schema):
    field: str
    before: str
    after: str


class UniverseKeptOut(Schema):
    field: str
    registry: str
    file: str


class UniverseProblemOut(Schema):
    field: str
    value: str
    message: str


class UniverseRowOut(Schema):
    row: int
    name: str
    action: Literal["create", "update", "unchanged", "refused"]
    enterprise_id: int | None = Field(
        ..., description="None when refused; a dry run's new id is not kept"
    )
    enterprise_name: str
    matched_by: Literal["", "credit_code", "name", "variant"]
    changes: list[UniverseChangeOut]
    kept: list[UniverseKeptOut]
    problems: list[UniverseProblemOut]
    place: str
    nodes: list[str] = Field(..., description="Chain · node the classifier places it on")


class UniverseOut(Schema):
    dry_run: bool
    written: bool
    counts: dict[str, int]
    placements: int
    rows: list[UniverseRowOut]


@router.post(
    "/enterprises/universe",
    response={200: UniverseOut, 400: Detail, 401: Detail, 403: Detail, 422: FieldErrors},
)
def import_target_firms(request, payload: UniverseIn):
    """Target firms, matched to the registry (credit code, name, name variant), placed on
    chain nodes. A dry run (the default) says per row what would be created, updated or
    refused and why; `dry_run: false` writes every row or, when one is refused, none (422
    naming the row, field and value). Row numbers count from 1."""
    rows = [(i, row.dict()) for i, row in enumerate(payload.rows, start=1)]
    try:
        result = import_universe(
            user=request.auth,
            rows=rows,
            dry_run=payload.dry_run,
            overwrite=payload.overwrite,
            reason=payload.reason,
        )
    except UniverseRefused as exc:
        errors: dict[str, list[str]] = {}
        for r in exc.result.refused:
            for p in r.problems:
                errors.setdefault(f"rows[{r.row}].{p.field}", []).append(
                    f"“{p.value}”: {p.message}"
                )
        raise InputError(errors) from None
    return result.as_json()
