import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api import API, session_client, token_client
from tests.factories import JINFENG, LEYU, YEJIN, EnterpriseFactory, ProjectFactory
from zhaoshang.core.models import ChangeLog
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects import services
from zhaoshang.projects.models import Project, ProjectInvestor, StageDate
from zhaoshang.projects.services import KNOWN_KEYS


def codes(response) -> list[str]:
    return [p["code"] for p in response.json()["items"]]


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


def patch(client, path, data):
    return client.patch(f"{API}{path}", data, content_type="application/json")


# --- List -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_projects_list_filters_by_stage(leader):
    ProjectFactory(code="P-1", stage="signed")
    ProjectFactory(code="P-2", stage="started")

    response = session_client(leader).get(f"{API}/projects", {"stage": "started"})

    assert codes(response) == ["P-2"]


@pytest.mark.django_db
def test_projects_list_filters_by_status_and_synthetic(leader):
    ProjectFactory(code="P-1", status="delayed", status_reason="征地", is_synthetic=True)
    ProjectFactory(code="P-2", status="delayed", status_reason="征地")
    ProjectFactory(code="P-3")

    response = session_client(leader).get(
        f"{API}/projects", {"status": "delayed", "is_synthetic": "false"}
    )

    assert codes(response) == ["P-2"]


@pytest.mark.django_db
@pytest.mark.parametrize("unit", ["冶金园", "张家港冶金工业园", YEJIN])
def test_projects_list_filters_by_unit_code_name_or_alias(leader, unit):
    ProjectFactory(code="P-1", unit_id=YEJIN)
    ProjectFactory(code="P-2", unit_id=JINFENG)

    response = session_client(leader).get(f"{API}/projects", {"unit": unit})

    assert codes(response) == ["P-1"]


@pytest.mark.django_db
def test_projects_list_unknown_unit_is_422(leader):
    response = session_client(leader).get(f"{API}/projects", {"unit": "火星镇"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "unit", "message": "unknown township unit “火星镇”"}]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "industry, expected",
    [
        ("C", ["P-3841", "P-3011"]),
        ("38", ["P-3841"]),
        ("384", ["P-3841"]),
        ("3841", ["P-3841"]),
        ("I", ["P-6513"]),
        ("65", ["P-6513"]),
    ],
)
def test_projects_list_filters_by_industry_section_or_prefix(leader, industry, expected):
    ProjectFactory(code="P-3841", industry_id="3841", total_investment_wan=Decimal(300))
    ProjectFactory(code="P-3011", industry_id="3011", total_investment_wan=Decimal(200))
    ProjectFactory(code="P-6513", industry_id="6513", total_investment_wan=Decimal(100))

    response = session_client(leader).get(f"{API}/projects", {"industry": industry})

    assert codes(response) == expected


@pytest.mark.django_db
def test_projects_list_q_finds_investor_alias_name_and_project_name(leader):
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG", country="DE")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚", kind="short")
    other = EnterpriseFactory(name="采埃孚无关公司不在这里")
    by_alias = ProjectFactory(code="P-ZF", name="新能源汽车核心零部件")
    ProjectInvestor.objects.create(project=by_alias, enterprise=zf)
    # Two investors matching must not list the project twice.
    ProjectInvestor.objects.create(project=by_alias, enterprise=other, role="partner")
    ProjectFactory(code="P-NAME", name="采埃孚二期", total_investment_wan=Decimal(1))
    ProjectFactory(code="P-NONE", name="别的项目")

    response = session_client(leader).get(f"{API}/projects", {"q": "采埃孚"})

    assert codes(response) == ["P-ZF", "P-NAME"]
    assert response.json()["count"] == 2


@pytest.mark.django_db
def test_projects_list_paginates_and_totals_the_filtered_set(leader):
    for i, amount in enumerate([500, 400, 300, 200, 100]):
        ProjectFactory(code=f"P-{i}", total_investment_wan=Decimal(amount))
    ProjectFactory(code="P-OTHER", stage="started", total_investment_wan=Decimal(9999))

    response = session_client(leader).get(
        f"{API}/projects", {"stage": "signed", "page": 2, "page_size": 2}
    )

    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (5, 2, 2)
    assert body["total_investment_wan"] == 1500
    assert codes(response) == ["P-2", "P-3"]


@pytest.mark.django_db
def test_projects_list_page_size_over_500_is_422(leader):
    response = session_client(leader).get(f"{API}/projects", {"page_size": 501})

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "page_size", "message": "must be at most 500"}]}


@pytest.mark.django_db
def test_projects_list_bad_stage_is_422_with_field(leader):
    response = session_client(leader).get(f"{API}/projects", {"stage": "flying"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["stage"]


@pytest.mark.django_db
def test_projects_list_orders_by_investment_unknown_last_then_code(leader):
    ProjectFactory(code="P-B", total_investment_wan=Decimal(100))
    ProjectFactory(code="P-NULL", total_investment_wan=None)
    ProjectFactory(code="P-A", total_investment_wan=Decimal(100))
    ProjectFactory(code="P-BIG", total_investment_wan=Decimal(3000000))

    default = session_client(leader).get(f"{API}/projects")
    ascending = session_client(leader).get(f"{API}/projects", {"order": "total_investment_wan"})

    assert codes(default) == ["P-BIG", "P-A", "P-B", "P-NULL"]
    assert codes(ascending) == ["P-A", "P-B", "P-BIG", "P-NULL"]


@pytest.mark.django_db
def test_projects_list_orders_by_stage_in_lifecycle_order(leader):
    ProjectFactory(code="P-1", stage="started")
    ProjectFactory(code="P-2", stage="lead")
    ProjectFactory(code="P-3", stage="completed")

    response = session_client(leader).get(f"{API}/projects", {"order": "-stage"})

    assert codes(response) == ["P-3", "P-1", "P-2"]


@pytest.mark.django_db
def test_projects_list_amounts_are_json_numbers(leader):
    ProjectFactory(code="P-INT", total_investment_wan=Decimal("1000000"))
    ProjectFactory(code="P-DEC", total_investment_wan=Decimal("1234.5"))
    ProjectFactory(code="P-NONE", total_investment_wan=None)

    response = session_client(leader).get(f"{API}/projects")

    items = {p["code"]: p["total_investment_wan"] for p in response.json()["items"]}
    assert items == {"P-INT": 1000000, "P-DEC": 1234.5, "P-NONE": None}
    assert type(items["P-INT"]) is int
    assert type(items["P-DEC"]) is float
    assert response.json()["total_investment_wan"] == 1001234.5
    assert b'"total_investment_wan": 1000000,' in response.content


@pytest.mark.django_db
def test_projects_list_item_shape(leader):
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG", country="DE")
    project = ProjectFactory(
        code="P-1",
        name="采埃孚新能源汽车核心零部件",
        unit_id=YEJIN,
        total_investment_wan=Decimal("100000"),
        total_investment_qualifier="at_least",
        total_investment_text="超10亿元",
    )
    ProjectInvestor.objects.create(project=project, enterprise=zf)

    item = session_client(leader).get(f"{API}/projects").json()["items"][0]

    assert item == {
        "code": "P-1",
        "name": "采埃孚新能源汽车核心零部件",
        "stage": "signed",
        "stage_label": "Signed",
        "status": "on_track",
        "status_label": "On track",
        "total_investment_wan": 100000,
        "total_investment_qualifier": "at_least",
        "total_investment_text": "超10亿元",
        "unit": {"code": YEJIN, "name": item["unit"]["name"]},
        "industry": {"code": "3841", "name": "锂离子电池制造"},
        "chain": None,
        "investors": [{"id": zf.pk, "name": "ZF Friedrichshafen AG", "country": "DE"}],
        "is_foreign": False,
        "is_synthetic": False,
        "version": 1,
    }


@pytest.mark.django_db
def test_projects_list_query_count_does_not_grow_with_rows(leader, django_assert_max_num_queries):
    client = token_client(leader)
    client.get(f"{API}/projects")  # the token's first use stamps last_used_at

    def make(n):
        for _ in range(n):
            project = ProjectFactory()
            ProjectInvestor.objects.create(project=project, enterprise=EnterpriseFactory())
            ProjectInvestor.objects.create(
                project=project, enterprise=EnterpriseFactory(), role="partner"
            )

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{API}/projects", {"q": "测试"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    make(1)
    one = count_queries()
    make(2)
    three = count_queries()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]
    # token, profile, the firms named like q and by alias (two short look-ups), the set's
    # phases, count and sum, page, investors
    with django_assert_max_num_queries(8):
        client.get(f"{API}/projects", {"q": "测试"})


# --- Detail and history -----------------------------------------------------------------


@pytest.mark.django_db
def test_projects_detail_shows_everything(leader):
    parent = ProjectFactory(code="P-PARENT", name="盛虹", total_investment_wan=Decimal(3060000))
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG", country="DE")
    project = ProjectFactory(
        code="P-1",
        parent=parent,
        phase_label="首期",
        stage="started",
        total_investment_wan=Decimal("1400000"),
        registered_capital_wan=Decimal("7200"),
        registered_capital_currency="USD",
        registered_capital_original=Decimal("1000"),
        registered_capital_rate=Decimal("7.2"),
        registered_capital_text="1000万美元",
    )
    ProjectInvestor.objects.create(project=project, enterprise=zf, share_percent=Decimal("60"))
    StageDate.objects.create(project=project, stage="started", actual_on=datetime.date(2023, 3, 1))
    StageDate.objects.create(
        project=project,
        stage="signed",
        actual_on=datetime.date(2022, 11, 1),
        actual_precision="month",
    )

    response = session_client(leader).get(f"{API}/projects/P-1")

    body = response.json()
    assert response.status_code == 200
    assert body["parent"] == "P-PARENT"
    assert body["phase_label"] == "首期"
    assert body["total_investment_wan"] == 1400000
    assert (
        body["registered_capital_wan"],
        body["registered_capital_currency"],
        body["registered_capital_original"],
        body["registered_capital_rate"],
        body["registered_capital_text"],
    ) == (7200, "USD", 1000, 7.2, "1000万美元")
    assert body["signed_amount_wan"] is None
    assert body["investors"] == [
        {
            "id": zf.pk,
            "name": "ZF Friedrichshafen AG",
            "country": "DE",
            "role": "lead",
            "share_percent": 60,
        }
    ]
    assert body["stage_dates"] == [
        {
            "stage": "signed",
            "planned_on": None,
            "actual_on": "2022-11-01",
            "actual_precision": "month",
        },
        {
            "stage": "started",
            "planned_on": None,
            "actual_on": "2023-03-01",
            "actual_precision": "day",
        },
    ]
    assert body["unit"]["code"] == JINFENG
    assert body["industry"] == {"code": "3841", "name": "锂离子电池制造"}
    assert body["sources"] == []
    assert body["version"] == 1
    assert session_client(leader).get(f"{API}/projects/P-PARENT").json()["phases"] == ["P-1"]


@pytest.mark.django_db
def test_projects_detail_unknown_code_is_404(leader):
    response = session_client(leader).get(f"{API}/projects/NOPE")

    assert response.status_code == 404
    assert response.json() == {"detail": "No project with code “NOPE”."}


@pytest.mark.django_db
def test_projects_history_shows_update_before_and_after(bureau_editor):
    client = session_client(bureau_editor)
    post(client, "/projects", {"code": "P-1", "name": "旧名", "unit": "锦丰镇"})

    patch(client, "/projects/P-1", {"name": "新名", "reason": "按签约文本更正", "version": 1})
    response = client.get(f"{API}/projects/P-1/history")

    history = response.json()
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[0]["changes"] == {"name": ["旧名", "新名"]}
    assert (history[0]["user"], history[0]["reason"], history[0]["action_label"]) == (
        "fgw",
        "按签约文本更正",
        "changed",
    )


# --- Create -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_projects_create_with_text_amount_is_201(bureau_editor):
    response = post(
        session_client(bureau_editor),
        "/projects",
        {
            "name": "采埃孚新能源汽车核心零部件",
            "unit": "冶金园",
            "industry": "3670",
            "total_investment": "超100亿元",
            "investors": ["ZF Friedrichshafen AG"],
            "planned_started": "2024-06-01",
            "is_foreign": True,
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["total_investment_wan"], body["total_investment_qualifier"]) == (
        1000000,
        "at_least",
    )
    assert body["total_investment_text"] == "超100亿元"
    assert body["unit"]["code"] == YEJIN
    assert body["industry"]["code"] == "3670"
    assert [i["name"] for i in body["investors"]] == ["ZF Friedrichshafen AG"]
    assert body["stage_dates"][0]["planned_on"] == "2024-06-01"
    project = Project.objects.get(code=body["code"])
    assert project.total_investment_wan == Decimal("1000000")
    assert project.created_by == bureau_editor


@pytest.mark.django_db
def test_projects_create_marked_for_open_data(bureau_editor):
    """The 公开发布 flag through the API, as on the form: the same service path."""
    response = post(
        session_client(bureau_editor),
        "/projects",
        {"name": "厂房项目", "unit": "锦丰镇", "publish_oc4ids": True},
    )
    assert response.status_code == 201
    assert Project.objects.get(code=response.json()["code"]).publish_oc4ids is True


@pytest.mark.django_db
def test_projects_create_with_number_amount(bureau_editor):
    response = post(
        session_client(bureau_editor),
        "/projects",
        {
            "name": "X",
            "unit": JINFENG,
            "total_investment_wan": 12345.67,
            "total_investment_qualifier": "approx",
        },
    )

    assert response.status_code == 201
    assert (
        response.json()["total_investment_wan"],
        response.json()["total_investment_qualifier"],
    ) == (
        12345.67,
        "approx",
    )
    assert Project.objects.get().total_investment_wan == Decimal("12345.67")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"total_investment": "abc"},
            "total_investment",
            'Unrecognised amount: "abc"',  # one language, as the API's other messages
        ),
        ({"unit": "火星镇"}, "unit", "unknown township unit “火星镇”"),
        ({"industry": "9999"}, "industry", "unknown GB/T 4754-2017 industry code “9999”"),
        (
            {
                "stage": "completed",
                "actual_started": "2023-05-01",
                "actual_completed": "2023-03-01",
            },
            "actual_completed",
            "Completed date 2023-03-01 is before Started date 2023-05-01",
        ),
        (
            {"stage": "signed", "actual_started": "2023-05-01"},
            "actual_started",
            "Started has an actual date 2023-05-01 but the project is only at stage Signed",
        ),
        (
            {"planned_started": "next spring"},
            "planned_started",
            "“next spring” is not a date (write it as 2023-03-15)",
        ),
        ({"total_investment_wan": "lots"}, "total_investment_wan", "“lots” is not a number"),
        ({"colour": "red"}, "colour", "unknown field “colour”"),
    ],
)
def test_projects_create_bad_input_is_422_and_writes_nothing(bureau_editor, data, field, message):
    before = (Project.objects.count(), ChangeLog.objects.count(), StageDate.objects.count())

    response = post(
        session_client(bureau_editor), "/projects", {"name": "坏数据", "unit": JINFENG, **data}
    )

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": field, "message": message}]}
    assert (Project.objects.count(), ChangeLog.objects.count(), StageDate.objects.count()) == before


@pytest.mark.django_db
def test_projects_create_without_name_is_422(bureau_editor):
    response = post(session_client(bureau_editor), "/projects", {"unit": JINFENG})

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "name", "message": "a project needs a name"}]}


@pytest.mark.django_db
def test_projects_create_body_not_json_is_400(bureau_editor):
    response = session_client(bureau_editor).post(
        f"{API}/projects", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_projects_create_leader_is_403(leader):
    response = post(session_client(leader), "/projects", {"name": "X", "unit": JINFENG})

    assert response.status_code == 403
    assert response.json() == {"detail": "Leaders have read-only access."}
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_projects_create_town_editor_in_another_unit_is_403(town_editor):
    response = post(session_client(town_editor), "/projects", {"name": "X", "unit": "乐余"})

    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_projects_create_schema_accepts_exactly_the_service_keys():
    from zhaoshang.api.schemas import ProjectIn, ProjectPatch

    assert set(ProjectIn.model_fields) - {"reason"} == KNOWN_KEYS
    assert set(ProjectPatch.model_fields) - {"reason", "version"} == KNOWN_KEYS


# --- Update -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_projects_update_leader_is_403(leader):
    ProjectFactory(code="P-1", name="原名")

    response = patch(session_client(leader), "/projects/P-1", {"name": "改名"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Leaders have read-only access."}
    assert Project.objects.get(code="P-1").name == "原名"


@pytest.mark.django_db
def test_projects_update_town_editor_on_another_unit_is_403(town_editor):
    ProjectFactory(code="P-1", unit_id=LEYU, name="原名")

    response = patch(session_client(town_editor), "/projects/P-1", {"name": "改名"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Town editors may only edit projects of their own unit."}
    assert Project.objects.get(code="P-1").name == "原名"


@pytest.mark.django_db
@pytest.mark.parametrize("unit", [JINFENG, YEJIN])
def test_projects_update_town_editor_on_own_or_merged_unit_is_200(town_editor, unit):
    ProjectFactory(code="P-1", unit_id=unit)

    response = patch(
        session_client(town_editor), "/projects/P-1", {"total_investment": "约5亿元", "version": 1}
    )

    assert response.status_code == 200
    assert (
        response.json()["total_investment_wan"],
        response.json()["total_investment_qualifier"],
    ) == (
        50000,
        "approx",
    )
    assert response.json()["version"] == 2


@pytest.mark.django_db
def test_projects_update_town_editor_cannot_move_project_to_another_unit(town_editor):
    ProjectFactory(code="P-1", unit_id=JINFENG)

    response = patch(session_client(town_editor), "/projects/P-1", {"unit": "乐余", "version": 1})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"field": "unit", "message": "Town editors may only edit projects of their own unit."}
        ]
    }
    assert Project.objects.get(code="P-1").unit_id == JINFENG


@pytest.mark.django_db
def test_projects_update_stale_version_is_409(bureau_editor):
    project = ProjectFactory(code="P-1", name="原名")
    services.update_project(user=bureau_editor, project=project, data={"name": "别人改的"})

    response = patch(
        session_client(bureau_editor), "/projects/P-1", {"name": "我改的", "version": 1}
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This project was changed by someone else after you opened it "
        "(your version 1, now 2). Reload to see their change.",
        "current_version": 2,
    }
    assert Project.objects.get(code="P-1").name == "别人改的"


@pytest.mark.django_db
def test_projects_update_current_version_is_200(bureau_editor):
    ProjectFactory(code="P-1")

    response = patch(session_client(bureau_editor), "/projects/P-1", {"name": "新名", "version": 1})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("新名", 2)


@pytest.mark.django_db
def test_projects_update_null_clears_a_field_and_absent_keys_stay(bureau_editor):
    ProjectFactory(code="P-1", name="保留", total_investment_wan=Decimal(500), capacity="60GWh")

    response = patch(
        session_client(bureau_editor), "/projects/P-1", {"total_investment": None, "version": 1}
    )

    project = Project.objects.get(code="P-1")
    assert response.status_code == 200
    assert (project.total_investment_wan, project.name, project.capacity) == (None, "保留", "60GWh")


@pytest.mark.django_db
def test_projects_update_unknown_code_is_404(bureau_editor):
    response = patch(session_client(bureau_editor), "/projects/NOPE", {"name": "x"})

    assert response.status_code == 404


# --- Stage and status -------------------------------------------------------------------


@pytest.mark.django_db
def test_projects_stage_forward_records_the_date(bureau_editor):
    ProjectFactory(code="P-1", stage="signed")

    response = post(
        session_client(bureau_editor), "/projects/P-1/stage", {"to": "started", "on": "2024-03-01"}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["stage"] == "started"
    assert body["stage_dates"] == [
        {
            "stage": "started",
            "planned_on": None,
            "actual_on": "2024-03-01",
            "actual_precision": "day",
        }
    ]
    assert StageDate.objects.get(project__code="P-1", stage="started").recorded_by == bureau_editor


@pytest.mark.django_db
def test_projects_stage_back_without_reason_is_422(bureau_editor):
    ProjectFactory(code="P-1", stage="started")

    response = post(
        session_client(bureau_editor), "/projects/P-1/stage", {"to": "signed", "on": "2024-03-01"}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "reason", "message": "going back a stage needs a reason"}]
    }
    assert Project.objects.get(code="P-1").stage == "started"


@pytest.mark.django_db
def test_projects_stage_back_with_reason_clears_later_dates(bureau_editor):
    project = ProjectFactory(code="P-1", stage="started")
    StageDate.objects.create(project=project, stage="started", actual_on=datetime.date(2024, 3, 1))

    response = post(
        session_client(bureau_editor),
        "/projects/P-1/stage",
        {"to": "signed", "on": "2024-04-01", "reason": "开工手续被撤回"},
    )

    assert response.status_code == 200
    assert response.json()["stage"] == "signed"
    assert response.json()["stage_dates"][0]["actual_on"] is None


@pytest.mark.django_db
def test_projects_stage_skipping_is_422(bureau_editor):
    ProjectFactory(code="P-1", stage="signed")

    response = post(
        session_client(bureau_editor),
        "/projects/P-1/stage",
        {"to": "completed", "on": "2024-03-01"},
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["stage"]


@pytest.mark.django_db
def test_projects_stage_leader_is_403(leader):
    ProjectFactory(code="P-1", stage="signed")

    response = post(
        session_client(leader), "/projects/P-1/stage", {"to": "started", "on": "2024-03-01"}
    )

    assert response.status_code == 403
    assert Project.objects.get(code="P-1").stage == "signed"


@pytest.mark.django_db
def test_projects_status_delayed_with_reason(bureau_editor):
    ProjectFactory(code="P-1")

    response = post(
        session_client(bureau_editor),
        "/projects/P-1/status",
        {"status": "delayed", "reason": "征地未完成"},
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["status_reason"], body["status_since"]) == (
        "delayed",
        "征地未完成",
        timezone.localdate().isoformat(),
    )


@pytest.mark.django_db
def test_projects_status_dropped_without_reason_is_422(bureau_editor):
    ProjectFactory(code="P-1")

    response = post(session_client(bureau_editor), "/projects/P-1/status", {"status": "dropped"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "reason", "message": "a Dropped project needs a reason"}]
    }
    assert Project.objects.get(code="P-1").status == "on_track"


@pytest.mark.django_db
def test_projects_status_reason_goes_through_the_text_rule(bureau_editor):
    """Found by API fuzzing (#13): a reason with a C1 control character was stored; the
    ledger's one text rule refuses it on every other path."""
    ProjectFactory(code="P-1")

    response = post(
        session_client(bureau_editor),
        "/projects/P-1/status",
        {"status": "dropped", "reason": "7\x9f撤资"},
    )

    assert response.status_code == 422
    assert "U+009F" in response.json()["detail"][0]["message"]
    assert Project.objects.get(code="P-1").status == "on_track"


@pytest.mark.django_db
def test_projects_list_total_counts_a_phase_once_and_says_so(leader):
    parent = ProjectFactory(code="P-1", total_investment_wan=Decimal(3060000))
    ProjectFactory(code="P-2", parent=parent, total_investment_wan=Decimal(1400000))

    body = session_client(leader).get(f"{API}/projects").json()

    assert (body["count"], body["total_investment_wan"]) == (2, 3060000)
    assert (body["phases_counted_in_parent"], body["phases_investment_wan"]) == (1, 1400000)
