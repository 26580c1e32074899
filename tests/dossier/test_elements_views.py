"""The bureau view (/dossier/elements/): a department's due items, closing one (rights,
bad input, versions, the upload), the warning count it feeds; the checklist button; the
`elements` command."""

import datetime
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ProjectFactory
from zhaoshang.core.history import history_for
from zhaoshang.dossier.models import Approval, ApprovalStatus, BureauMember, Document
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import Department, Rule
from zhaoshang.progress.months import Month

pytestmark = pytest.mark.django_db

D = datetime.date
JUNE = Month(2023, 6)
URL = "/dossier/elements/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
BAOSHUI = "320582403"  # not 锦丰镇's


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _dep(short):
    return Department.objects.get(short_name=short)


@pytest.fixture
def items(db):
    """Two projects in 锦丰镇 and one in 保税区, items of two bureaus around June 2023."""
    a, b = ProjectFactory(name="甲项目"), ProjectFactory(name="乙项目")
    c = ProjectFactory(name="丙项目", unit_id=BAOSHUI)
    eia, ndrc = _dep("生态环境局"), _dep("发改委")
    made = {
        "a_eia": Approval.objects.create(project=a, item="eia", department=eia,
                                         planned_on=D(2023, 5, 20)),  # red
        "b_eia": Approval.objects.create(project=b, item="eia", department=eia,
                                         planned_on=D(2023, 7, 5)),  # amber
        "c_eia": Approval.objects.create(project=c, item="eia", department=eia,
                                         planned_on=D(2023, 6, 12)),  # red, other town
        "a_energy": Approval.objects.create(project=a, item="energy", department=ndrc,
                                            planned_on=D(2023, 6, 1)),  # red, other bureau
        "b_later": Approval.objects.create(project=b, item="utilities", department=eia,
                                           planned_on=D(2023, 10, 1)),  # green, not shown
    }  # fmt: skip
    return made


@pytest.fixture
def eia_editor(bureau_editor):
    BureauMember.objects.create(user=bureau_editor, department=_dep("生态环境局"))
    return bureau_editor


def _rows(response):
    return re.findall(r'id="element-(\d+)" data-level="(\w+)"', response.content.decode())


def _close_data(approval, **extra):
    data = {
        f"e{approval.pk}-done_on": "2023-06-28",
        f"e{approval.pk}-reference": "张环审〔2023〕12号",
        f"e{approval.pk}-version": str(approval.version),
        "next": f"{URL}?month=2023-06",
    }
    data.update(extra)
    return data


def test_a_bureau_sees_its_items_due_this_month_and_overdue(client, eia_editor, items):
    client.force_login(eia_editor)
    response = client.get(URL, {"month": "2023-06"})
    assert response.status_code == 200
    assert _rows(response) == [
        (str(items["a_eia"].pk), "red"),
        (str(items["c_eia"].pk), "red"),
        (str(items["b_eia"].pk), "amber"),
    ]
    html = response.content.decode()
    assert "生态环境局" in html
    assert re.search(r'id="count-red">2<', html)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"department": "all"}, ["a_eia", "a_energy", "c_eia", "b_eia"]),
        ({"department": "all", "unit": BAOSHUI}, ["c_eia"]),
        ({"department": "all", "level": "amber"}, ["b_eia"]),
        ({"scope": "all"}, ["a_eia", "c_eia", "b_eia", "b_later"]),
    ],
)
def test_filters(client, eia_editor, items, query, expected):
    client.force_login(eia_editor)
    response = client.get(URL, {"month": "2023-06", **query})
    assert [pk for pk, _level in _rows(response)] == [str(items[k].pk) for k in expected]


def test_bad_filters_say_so_and_show_the_default(client, eia_editor, items):
    client.force_login(eia_editor)
    response = client.get(URL, {"month": "2023-13", "department": "没有这个局"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "没有这个局" in html and "2023-13" in html


def test_closing_an_item_turns_it_green_and_lowers_the_warning_count(
    client, eia_editor, items, data_dir
):
    before = headline(JUNE).warnings.hits[Rule.ELEMENT_DUE]
    client.force_login(eia_editor)
    approval = items["a_eia"]
    response = client.post(
        reverse("dossier:element_close", args=[approval.pk]),
        {**_close_data(approval), f"e{approval.pk}-file": _png()},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?month=2023-06"
    approval.refresh_from_db()
    assert (approval.status, approval.done_on, approval.reference) == (
        ApprovalStatus.DONE, D(2023, 6, 28), "张环审〔2023〕12号",
    )  # fmt: skip
    assert approval.document.original_name == "批复.png"
    assert approval.version == 2
    assert history_for(approval).first().user == eia_editor
    after = headline(JUNE).warnings.hits[Rule.ELEMENT_DUE]
    # 甲项目 keeps its red 节能审查; the other projects are untouched
    assert (before, after) == ({"red": 2, "amber": 1}, {"red": 2, "amber": 1})
    # closing the 发改委 one too takes 甲项目 off the red list
    energy = items["a_energy"]
    client.post(reverse("dossier:element_close", args=[energy.pk]), _close_data(energy))
    assert headline(JUNE).warnings.hits[Rule.ELEMENT_DUE] == {"red": 1, "amber": 1}
    rows = dict(_rows(client.get(URL, {"month": "2023-06"})))
    assert rows[str(approval.pk)] == "green"


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("批复.png", PNG, content_type="image/png")


@pytest.mark.parametrize(
    "done_on, message",
    [
        ("2023-13-45", "“2023-13-45”不是日期"),
        ("", "请填写取得日期"),
        ("2999-01-01", "2999-01-01 是将来的日期"),
    ],
)
def test_bad_input_names_the_value_and_writes_nothing(client, eia_editor, items, done_on, message):
    client.force_login(eia_editor)
    approval = items["a_eia"]
    response = client.post(
        reverse("dossier:element_close", args=[approval.pk]),
        {**_close_data(approval, **{f"e{approval.pk}-done_on": done_on}),
         f"e{approval.pk}-file": _png()},
    )  # fmt: skip
    assert response.status_code == 422
    assert message in response.content.decode()
    approval.refresh_from_db()
    assert (approval.status, approval.done_on, approval.version) == ("not_started", None, 1)
    assert Document.objects.count() == 0


def test_a_refused_file_is_named_and_nothing_written(client, eia_editor, items):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(eia_editor)
    approval = items["a_eia"]
    bad = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" + bytes(40))
    response = client.post(
        reverse("dossier:element_close", args=[approval.pk]),
        {**_close_data(approval), f"e{approval.pk}-file": bad},
    )
    assert response.status_code == 422
    assert "病毒.exe" in response.content.decode()
    approval.refresh_from_db()
    assert approval.status == "not_started"
    assert Document.objects.count() == 0


def test_a_stale_version_is_refused(client, eia_editor, items):
    client.force_login(eia_editor)
    approval = items["a_eia"]
    Approval.objects.filter(pk=approval.pk).update(version=2, note="别人改过")
    response = client.post(
        reverse("dossier:element_close", args=[approval.pk]), _close_data(approval), follow=True
    )
    assert "版本" in response.content.decode()
    approval.refresh_from_db()
    assert (approval.status, approval.version) == ("not_started", 2)


def test_leader_reads_without_forms_and_cannot_close(client, leader, items):
    client.force_login(leader)
    response = client.get(URL, {"month": "2023-06", "department": "all"})
    assert response.status_code == 200
    assert "element-close" not in response.content.decode()
    approval = items["a_eia"]
    response = client.post(
        reverse("dossier:element_close", args=[approval.pk]), _close_data(approval)
    )
    assert response.status_code == 403
    approval.refresh_from_db()
    assert approval.status == "not_started"


def test_town_editor_closes_its_own_towns_items_only(client, town_editor, items):
    client.force_login(town_editor)
    response = client.get(URL, {"month": "2023-06", "department": "all"})
    html = response.content.decode()
    assert f'action="/dossier/elements/{items["a_eia"].pk}/close/"' in html
    assert f'action="/dossier/elements/{items["c_eia"].pk}/close/"' not in html
    other = items["c_eia"]
    response = client.post(reverse("dossier:element_close", args=[other.pk]), _close_data(other))
    assert response.status_code == 403
    own = items["a_eia"]
    response = client.post(reverse("dossier:element_close", args=[own.pk]), _close_data(own))
    assert response.status_code == 302


def test_anonymous_is_sent_to_sign_in(client, items):
    assert client.get(URL).status_code == 302
    approval = items["a_eia"]
    response = client.post(
        reverse("dossier:element_close", args=[approval.pk]), _close_data(approval)
    )
    assert response.status_code in (302, 404)
    approval.refresh_from_db()
    assert approval.status == "not_started"


def test_query_count_does_not_grow_with_rows(client, eia_editor):
    client.force_login(eia_editor)
    counts = []
    for n in (1, 3):
        Approval.objects.all().delete()
        for _i in range(n):
            Approval.objects.create(project=ProjectFactory(), item="eia",
                                    department=_dep("生态环境局"), planned_on=D(2023, 6, 2))  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"month": "2023-06"}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_checklist_button_adds_the_items(client, eia_editor):
    project = ProjectFactory()
    client.force_login(eia_editor)
    response = client.post(reverse("dossier:checklist_apply", args=[project.code]), follow=True)
    assert "添加了 7 项" in response.content.decode()
    assert Approval.objects.filter(project=project).count() == 7
    client.post(reverse("dossier:checklist_apply", args=[project.code]))
    assert Approval.objects.filter(project=project).count() == 7


def test_leader_cannot_press_the_checklist_button(client, leader):
    project = ProjectFactory()
    client.force_login(leader)
    response = client.post(reverse("dossier:checklist_apply", args=[project.code]))
    assert response.status_code == 403
    assert Approval.objects.count() == 0


# --------------------------------------------------------------------------- command


def test_command_prints_json_from_element_lights(items):
    out = io.StringIO()
    call_command("elements", "--month", "2023-06", "--department", "发改委", "--format", "json",
                 stdout=out)  # fmt: skip
    assert json.loads(out.getvalue()) == [
        {
            "project_code": items["a_energy"].project.code,
            "project_name": "甲项目",
            "item": "节能审查",
            "bureau": "发改委",
            "due": "2023-06-01",
            "done": None,
            "level": "red",
        }
    ]


def test_command_month_end_as_of_for_a_past_month(items):
    Approval.objects.filter(pk=items["a_eia"].pk).update(status="done", done_on=D(2023, 7, 3))
    out = io.StringIO()
    call_command("elements", "--month", "2023-06", "--level", "red", "--format", "json",
                 stdout=out)  # fmt: skip
    codes = [(x["item"], x["project_name"], x["done"]) for x in json.loads(out.getvalue())]
    assert ("环评批复", "甲项目", "2023-07-03") in codes  # obtained only after June


@pytest.mark.parametrize(
    "args, message",
    [
        (["--month", "2023-13"], "--month"),
        (["--month", "2099-01"], "--month"),
        (["--month", "2023-06", "--department", "没有这个局"], "没有这个局"),
        (["--month", "2023-06", "--unit", "火星镇"], "火星镇"),
    ],
)
def test_command_bad_input(items, args, message):
    with pytest.raises(CommandError) as error:
        call_command("elements", *args, stdout=io.StringIO())
    assert message in str(error.value)


def test_closing_with_an_upload_checks_the_csrf_token_after_the_rights(eia_editor, items):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(eia_editor)
    approval = items["a_eia"]
    url = reverse("dossier:element_close", args=[approval.pk])
    response = strict.post(url, {**_close_data(approval), f"e{approval.pk}-file": _png()})
    assert response.status_code == 403  # no token
    page = strict.get(URL, {"month": "2023-06"})
    token = page.cookies["csrftoken"].value
    response = strict.post(
        url,
        {**_close_data(approval), f"e{approval.pk}-file": _png(), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.document.original_name == "批复.png"


@pytest.mark.parametrize(
    "query",
    [
        {"department": "99999999999999999999999"},
        {"department": "-1"},
        {"month": "9999-99"},
        {"page": "x"},
        {"page": "999999999999999999999"},
        {"unit": "\x00"},
        {"level": "<b>"},
        {"scope": "<b>"},
    ],
)
def test_odd_queries_never_fail(client, eia_editor, items, query):
    client.force_login(eia_editor)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "<b>" not in response.content.decode()


def test_an_unknown_item_is_not_found(client, eia_editor):
    client.force_login(eia_editor)
    response = client.post("/dossier/elements/99999999999999999999999/close/", {})
    assert response.status_code == 404
