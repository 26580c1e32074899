"""One rule engine: the same input gets the same decision and the same message on every path.

Each case is one value for one field, run through every path that can carry it: the
service (create and update), the JSON API, the web form, the admin, and a real .xlsx
workbook through the Excel import. Every path runs in a savepoint rolled back afterwards,
so the paths do not see each other's projects.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
import xlsxwriter
from django.db import transaction
from django.urls import reverse

from tests.core.test_admin import _post_data
from tests.factories import JINFENG, ProjectFactory
from zhaoshang.chains.models import Chain
from zhaoshang.core.errors import InputError
from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias
from zhaoshang.excel import services as excel_services
from zhaoshang.projects import services
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

CREATE, UPDATE, API, FORM, ADMIN, EXCEL = "create", "update", "api", "form", "admin", "excel"
ALL = (CREATE, UPDATE, API, FORM, ADMIN, EXCEL)
TEXT_PATHS = (CREATE, UPDATE, API, FORM, EXCEL)  # a text box on every face but the admin's select
TYPED = (CREATE, UPDATE, EXCEL)  # the API and the form take these as typed values only

# header of each key in the workbook
HEADERS = {
    "name": "项目名称",
    "code": "项目编号",
    "national_code": "投资项目代码",
    "unit": "所在镇区",
    "industry": "行业代码",
    "chain": "所属产业链",
    "investors": "投资主体",
    "total_investment": "总投资",
    "signed_amount": "签约额",
    "registered_capital": "注册资本",
    "foreign_investment": "外资额",
    "expected_revenue": "预计销售收入",
    "expected_tax": "预计税收",
    "expected_output": "预计产值",
    "planned_started": "计划开工时间",
    "planned_completed": "计划竣工时间",
    "expected_jobs": "新增就业",
    "is_foreign": "内外资",
    "nature": "建设性质",
    "status": "项目状态",
}

OK, ERROR = "ok", "error"

CASES = [
    # amounts, as written, in every form and currency
    ("total_investment", "5000万元", ALL, OK),
    ("total_investment", "3.5亿元", ALL, OK),
    ("total_investment", "超100亿元", ALL, OK),
    ("total_investment", "约2亿", ALL, OK),
    ("total_investment", "不少于10亿元", ALL, OK),
    ("total_investment", "≥10亿元", ALL, OK),
    ("total_investment", "10余亿元", ALL, OK),
    ("total_investment", "1亿美元", ALL, OK),
    # a bare number typed where no unit is fixed is asked about (30万元 or 30亿元?), not saved;
    # a workbook's amount column is in 万元, so there it is 30万元
    ("total_investment", "30", (CREATE, UPDATE, API, FORM, ADMIN), ERROR),
    ("total_investment", "30", (EXCEL,), OK),
    ("total_investment", "35,000", (CREATE, UPDATE, API, FORM, ADMIN), ERROR),
    ("total_investment", "35,000", (EXCEL,), OK),
    ("total_investment", "35,000万元", ALL, OK),
    ("total_investment", "0", ALL, OK),  # zero in any unit
    ("total_investment", "叁亿元", ALL, OK),
    ("total_investment", "三亿五千万元", ALL, OK),
    ("total_investment", "abc", ALL, ERROR),
    ("total_investment", "-5亿", ALL, ERROR),
    ("total_investment", "约10亿元以上", ALL, ERROR),
    ("total_investment", "0.00000001", ALL, ERROR),
    ("signed_amount", "2,000万元", ALL, OK),
    ("registered_capital", "1.5亿美元", ALL, OK),
    ("foreign_investment", "2000万欧元", ALL, OK),
    ("foreign_investment", "3亿港元", ALL, OK),
    ("expected_revenue", "5亿港元", ALL, OK),
    ("expected_tax", "约5亿元", ALL, OK),
    ("expected_output", "100亿元左右", ALL, OK),
    # township units in every spelling
    ("unit", "锦丰镇", TEXT_PATHS, OK),
    ("unit", "錦豐鎮", TEXT_PATHS, OK),
    ("unit", "锦丰 镇", TEXT_PATHS, OK),
    ("unit", "锦丰", TEXT_PATHS, OK),
    ("unit", "冶金工业园（锦丰镇）", TEXT_PATHS, OK),
    ("unit", "冶金工业园/锦丰镇", TEXT_PATHS, OK),
    ("unit", "张家港市锦丰镇", TEXT_PATHS, OK),
    ("unit", "320582103", TEXT_PATHS, OK),
    ("unit", "火星镇", TEXT_PATHS, ERROR),
    ("unit", "锦丰镇(杨舍镇)", TEXT_PATHS, ERROR),
    # industries by code and by name
    ("industry", "3841", TEXT_PATHS, OK),
    ("industry", "C3841", TEXT_PATHS, OK),
    ("industry", "锂离子电池制造", TEXT_PATHS, OK),
    ("industry", "3841 锂离子电池制造", TEXT_PATHS, OK),
    ("industry", "鋰離子電池製造", TEXT_PATHS, OK),
    ("industry", "9999", TEXT_PATHS, ERROR),
    # chains by code and by name (the form offers a list of codes)
    ("chain", "new-energy", TEXT_PATHS, OK),
    ("chain", "新能源", (CREATE, UPDATE, API, EXCEL), OK),
    ("chain", "新能源产业链", (CREATE, UPDATE, API, EXCEL), OK),
    ("chain", "太空农业", (CREATE, UPDATE, API, EXCEL), ERROR),
    # dates (the API takes ISO dates only)
    ("planned_started", "2023-03-15", (CREATE, UPDATE, API, FORM, EXCEL), OK),
    ("planned_started", "2023年3月", (CREATE, UPDATE, FORM, EXCEL), OK),
    ("planned_started", "2023.6", (CREATE, UPDATE, FORM, EXCEL), OK),
    ("planned_started", "2023", (CREATE, UPDATE, FORM, EXCEL), OK),
    ("planned_started", "2023-13-01", (CREATE, UPDATE, FORM, EXCEL), ERROR),
    ("planned_started", "明年春天", (CREATE, UPDATE, FORM, EXCEL), ERROR),
    # project codes (they are part of the project's address)
    ("code", "JF-2023-01", (CREATE, API, FORM, ADMIN, EXCEL), OK),
    ("code", "锦丰-2023-01", (CREATE, API, FORM, ADMIN, EXCEL), OK),
    ("code", "JF/1", (CREATE, API, FORM, ADMIN, EXCEL), ERROR),
    ("code", "JF 1", (CREATE, API, FORM, ADMIN, EXCEL), ERROR),
    ("code", "X" * 40, (CREATE, API, FORM, ADMIN, EXCEL), ERROR),
    # national investment-project codes
    ("national_code", "2023-320582-36-03-512345", TEXT_PATHS, OK),
    ("national_code", "2023-12", TEXT_PATHS, ERROR),
    # investors by name, alias; new names registered
    ("investors", "采埃孚；信义光能", TEXT_PATHS, OK),
    ("investors", "ZF Friedrichshafen", TEXT_PATHS, OK),
    ("investors", "信義光能", TEXT_PATHS, OK),
    # jobs
    ("expected_jobs", "500", (CREATE, UPDATE, FORM, EXCEL), OK),
    ("expected_jobs", "1,200人", (CREATE, UPDATE, FORM, EXCEL), OK),
    ("expected_jobs", "五百人", (CREATE, UPDATE, FORM, EXCEL), OK),
    ("expected_jobs", "很多", (CREATE, UPDATE, FORM, EXCEL), ERROR),
    # yes/no and choices by value or by name
    ("is_foreign", "外资", TYPED, OK),
    ("is_foreign", "内资", TYPED, OK),
    ("is_foreign", "也许", TYPED, ERROR),
    ("nature", "扩建", TYPED, OK),
    ("nature", "expansion", (CREATE, UPDATE, API, EXCEL), OK),
    ("nature", "拆迁", TYPED, ERROR),
    ("status", "暂停", TYPED, ERROR),  # a paused project needs a reason
    # names: kept in simplified characters, within their limit
    ("name", "信義光伏二期項目", (CREATE, UPDATE, API, FORM, EXCEL), OK),
    ("name", "项" * 301, (CREATE, UPDATE, API, FORM, EXCEL), ERROR),
    # #13 item 6: every path refuses the same bad input with the same 4xx message
    ("name", "项" * 10_000, (CREATE, UPDATE, API, FORM, EXCEL), ERROR),  # said 项目须填写名称
    ("name", "A\x00B", (CREATE, UPDATE, API, FORM), ERROR),  # NUL (no .xlsx can hold it)
    ("name", "A\x1bB", (CREATE, UPDATE, API, FORM, ADMIN, EXCEL), ERROR),  # ESC
    ("name", "A\x85B", (CREATE, UPDATE, API, FORM, EXCEL), OK),  # NEL: a line break, a space
    ("name", "发票\u202egpj.exe", (CREATE, UPDATE, API, FORM, ADMIN, EXCEL), ERROR),  # RLO
    ("name", "A\u2066B", (CREATE, UPDATE, API, FORM, ADMIN, EXCEL), ERROR),  # LRI
    ("name", "\ufeff信义\u200b光伏", (CREATE, UPDATE, API, FORM, EXCEL), OK),  # BOM, ZW dropped
    ("code", "JF\x1b1", (CREATE, API, FORM, ADMIN, EXCEL), ERROR),
    ("investors", "新公司甲；新公司甲", TEXT_PATHS, ERROR),  # the same name twice
    ("investors", "采埃孚；ZF Friedrichshafen", TEXT_PATHS, ERROR),  # two names of one firm
    ("investors", "长" * 240, TEXT_PATHS, ERROR),  # longer than the registry keeps
    ("investors", "A\u202eB公司", TEXT_PATHS, ERROR),
    ("total_investment", "1" * 21, ALL, ERROR),  # 21 digits: a 500 on the form
    ("total_investment", "999999999999万元", ALL, OK),  # just below the bound
    ("planned_started", "0001-01-01", (CREATE, UPDATE, API, FORM, EXCEL), ERROR),
    ("planned_started", "9999-12-31", (CREATE, UPDATE, API, FORM, EXCEL), ERROR),
    ("planned_started", "2100-12-31", (CREATE, UPDATE, API, FORM, EXCEL), OK),
]

# What a refusal's message must name when it is not the value itself (a control character
# by its code point, a length by both figures, a date by the range it left).
MESSAGE_NAMES = {
    ("name", "项" * 10_000): ("10000", "300"),
    ("name", "A\x00B"): ("U+0000",),
    ("name", "A\x1bB"): ("U+001B",),
    ("name", "发票\u202egpj.exe"): ("U+202E",),
    ("name", "A\u2066B"): ("U+2066",),
    ("code", "JF\x1b1"): ("U+001B",),
    ("investors", "新公司甲；新公司甲"): ("新公司甲",),
    ("investors", "采埃孚；ZF Friedrichshafen"): ("采埃孚", "ZF Friedrichshafen"),
    ("investors", "长" * 240): ("200",),
    ("investors", "A\u202eB公司"): ("U+202E",),
    ("total_investment", "1" * 21): ("1" * 21, "1,000,000,000,000"),
    ("total_investment", "30"): ("总投资", "“30”", "30万元", "30亿元"),
    ("total_investment", "35,000"): ("总投资", "“35,000”", "3.5亿元", "35000亿元"),
    ("planned_started", "0001-01-01"): ("0001-01-01", "1950-01-01", "2100-12-31"),
    ("planned_started", "9999-12-31"): ("9999-12-31", "2100-12-31"),
}

# What each field's stored value is, for comparing paths that accepted it.
STORED = {
    "unit": ("unit_id",),
    "industry": ("industry_id",),
    "chain": ("chain_id",),
    "code": ("code",),
    "national_code": ("national_code",),
    "expected_jobs": ("expected_jobs",),
    "is_foreign": ("is_foreign",),
    "nature": ("nature",),
    "status": ("status",),
    "name": ("name",),
}


def _stored(project: Project, key: str):
    project.refresh_from_db()
    if key in services.AMOUNT_FIELDS:
        columns = [f"{key}_wan", f"{key}_qualifier", f"{key}_text"]
        if key in services.FOREIGN_AMOUNTS:
            columns += [f"{key}_currency", f"{key}_original"]
        return tuple(getattr(project, c) for c in columns)
    if key.startswith("planned_"):
        sd = project.stage_dates.filter(stage=key.removeprefix("planned_")).first()
        return None if sd is None else str(sd.partial("planned"))
    if key == "investors":
        return list(project.investors.order_by("project_links__id").values_list("name", flat=True))
    return tuple(getattr(project, c) for c in STORED[key])


def _rolled_back(run):
    with transaction.atomic():
        out = run()
        transaction.set_rollback(True)
    return out


def _newest(before: int) -> Project | None:
    if Project.objects.count() == before:
        return None
    return Project.objects.order_by("-pk").first()


def _base(key: str, value) -> dict:
    data = {"name": "对照项目", "unit": JINFENG}
    data[key] = value
    return data


def _run(path: str, key: str, value, user, client):
    """(OK, stored value) or (ERROR, field, message) of one path."""
    before = Project.objects.count()
    if path == CREATE:
        try:
            project = services.create_project(user=user, data=_base(key, value))
        except InputError as exc:
            field, messages = next(iter(exc.fields.items()))
            return ERROR, field, messages[0]
        return OK, _stored(project, key)
    if path == UPDATE:
        project = ProjectFactory(name="对照项目", unit_id=JINFENG)
        try:
            services.update_project(user=user, project=project, data={key: value})
        except InputError as exc:
            field, messages = next(iter(exc.fields.items()))
            return ERROR, field, messages[0]
        return OK, _stored(project, key)
    if path == API:
        body = _base(key, value)
        if key == "investors":
            body[key] = [v for v in value.replace("；", ";").split(";")]
        response = client.post(
            "/api/v1/projects", json.dumps(body), content_type="application/json"
        )
        assert response.status_code in (201, 422), response.content
        if response.status_code == 422:
            detail = response.json()["detail"][0]
            return ERROR, detail["field"], detail["message"]
        assert response.status_code == 201, response.content
        return OK, _stored(Project.objects.get(code=response.json()["code"]), key)
    if path == FORM:
        data = {"name": "对照项目", "unit": JINFENG, "nature": "new", "stage": "lead", key: value}
        if key == "investors":
            data[key] = value.replace("；", ";")
        response = client.post(reverse("projects:create"), data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            return OK, _stored(_newest(before), key)
        errors = response.context["form"].errors
        field = next(iter(errors))
        return ERROR, field, errors[field][0]
    if path == ADMIN:
        url = reverse("admin:projects_project_add")
        data = _post_data(client.get(url))
        field = f"{key}_text" if key in services.AMOUNT_FIELDS else key
        data.update({"name": "对照项目", "unit": JINFENG, "code": "ADMIN-1", field: value})
        response = client.post(url, data)
        if response.status_code == 302:
            return OK, _stored(_newest(before), key)
        errors = response.context["adminform"].form.errors
        return ERROR, key, errors[field][0]
    if path == EXCEL:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer)
        sheet = book.add_worksheet("台账")
        row = _base(key, value)
        for col, (k, v) in enumerate(row.items()):
            sheet.write_string(0, col, HEADERS[k])
            sheet.write_string(1, col, str(v))
        book.close()
        result = excel_services.import_workbook(
            user=user, data=buffer.getvalue(), filename="对照.xlsx", commit=True
        )
        if result.errors:
            error = result.errors[0]
            return ERROR, error["field"], error["message"]
        return OK, _stored(_newest(before), key)
    raise AssertionError(path)


@pytest.fixture
def world(admin_user):
    Chain.objects.update_or_create(
        code="new-energy", defaults={"name": "新能源", "group": "emerging", "order": 7}
    )
    zf = Enterprise.objects.create(name="采埃孚（张家港）有限公司")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚")
    EnterpriseAlias.objects.create(enterprise=zf, alias="ZF Friedrichshafen")
    Enterprise.objects.create(name="信义光能")
    return admin_user


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in text)


def test_parity_table_has_at_least_sixty_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    "key,value,paths,decision", CASES, ids=[f"{c[0]}={_printable(c[1][:20])}" for c in CASES]
)
def test_same_input_same_decision_on_every_path(world, client, key, value, paths, decision):
    client.force_login(world)
    outcomes = {
        path: _rolled_back(lambda p=path: _run(p, key, value, world, client)) for path in paths
    }

    decisions = {path: outcome[0] for path, outcome in outcomes.items()}
    assert set(decisions.values()) == {decision}, outcomes
    if decision == OK:
        stored = {path: outcome[1] for path, outcome in outcomes.items()}
        assert len({repr(v) for v in stored.values()}) == 1, stored
    else:
        messages = {path: outcome[2] for path, outcome in outcomes.items()}
        assert len(set(messages.values())) == 1, messages
        message = next(iter(messages.values()))
        if (key, value) in MESSAGE_NAMES:
            assert all(part in message for part in MESSAGE_NAMES[(key, value)]), message
        else:
            # the message names the value, or the limit it passed, or the reason a status needs
            assert value[:20] in message or "32" in message or "300" in message or key == "status"


def test_parity_amount_values_are_what_was_meant(world):
    """A few stored values checked outright (the table above checks the paths agree)."""
    project = services.create_project(
        user=world,
        data={
            "name": "对照项目",
            "unit": "保税区(金港街道)",
            "total_investment": "1亿美元",
            "expected_output": "100亿元左右",
            "industry": "锂离子电池制造",
        },
    )
    assert project.unit_id == "320582403"
    assert project.industry_id == "3841"
    assert project.total_investment_text == "1亿美元"
    assert project.total_investment_wan == Decimal("10000") * project_rate_usd()
    assert (project.expected_output_wan, project.expected_output_qualifier) == (
        Decimal("1000000"),
        "approx",
    )


def project_rate_usd() -> Decimal:
    from zhaoshang.lib.money import parse_amount

    return parse_amount("1美元", default_unit="元").rate
