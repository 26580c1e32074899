"""The outside universe (#16): import target firms with a dry run, de-duplication by credit
code and by name variants, placement on chain nodes, and the local / outside marks of the
target ranking (service, page, API, command)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import multipartparser
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import EnterpriseFactory
from tests.uploads import TOKEN, browser
from zhaoshang.chains.models import Placement
from zhaoshang.chains.services import default_weights
from zhaoshang.chains.targets import rank_targets
from zhaoshang.core.errors import NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.enterprises.models import Enterprise, UniverseUpload
from zhaoshang.enterprises.universe import UniverseRefused, import_universe, read_rows
from zhaoshang.lib.creditcode import check_character, org_code_check_character
from zhaoshang.lib.names import firm_key

pytestmark = pytest.mark.django_db

CHAIN = """
code: storage
name: 储能测试链
group: emerging
nodes:
  - {code: cells, name: 储能电芯, position: midstream, keywords: [储能电池, 储能电芯], industry_codes: ["3841"]}
  - {code: pcs, name: 变流器, position: midstream, keywords: [储能变流器]}
"""
HEADER = "企业名称,统一社会信用代码,所在地,行业代码,经营范围,企业规模\n"


def code(division: str = "440305", body: str = "12345678") -> str:
    first17 = f"91{division}{body}{org_code_check_character(body)}"
    return first17 + check_character(first17)


@pytest.fixture
def chain(db):
    from zhaoshang.chains.services import import_chain

    return import_chain(user=None, text=CHAIN, check_rights=False)


def rows_of(text: str) -> list:
    return read_rows((HEADER + text).encode(), "firms.csv")


# -- the name rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("盛虹控股集团有限公司", "盛虹控股集团"),
        ("采埃孚（中国）投资有限公司", "采埃孚投资"),
        ("信義光能控股有限公司", "信义光能控股"),
        ("宁德时代新能源科技股份有限公司", "寧德時代新能源科技"),
        ("Amprius Technologies, Inc.", "amprius technologies"),
    ],
)
def test_firm_key_makes_name_variants_one(a, b):
    assert firm_key(a) == firm_key(b)


def test_firm_key_keeps_different_places_apart():
    assert firm_key("信义光伏（苏州）有限公司") != firm_key("信义光伏（天津）有限公司")


# -- reading -----------------------------------------------------------------------------


def test_read_rows_takes_chinese_or_english_headers_and_skips_blank_rows():
    data = "name,USCC,place,industry_code,business scope,size\n甲公司,,上海,,,大型\n,,,,,\n"
    assert read_rows(data.encode(), "a.csv") == [
        (2, {"name": "甲公司", "credit_code": "", "place": "上海", "industry": "",
             "business_scope": "", "size_band": "大型"})
    ]  # fmt: skip


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "0"),
        (b"foo,bar\n1,2\n", "企业名称"),
        ("企业名称\n".encode(), "没有企业"),
        (b"PK\x03\x04not a zip at all", "xlsx"),
    ],
)
def test_read_rows_refuses_a_bad_file_with_a_message(data, fragment):
    from zhaoshang.core.errors import InputError

    with pytest.raises(InputError) as caught:
        read_rows(data, "x.csv")
    assert fragment in caught.value.fields["file"][0]


# -- the dry run and the import ---------------------------------------------------------


def test_dry_run_shows_what_would_be_created_and_where_it_goes_and_writes_nothing(
    chain, bureau_editor
):
    rows = rows_of(
        f"深圳储能甲科技有限公司,{code()},深圳市南山区,3841,储能电池的研发、生产和销售,中型\n"
    )
    result = import_universe(user=bureau_editor, rows=rows, dry_run=True)
    row = result.rows[0]
    assert (row.action, row.place, row.nodes) == (
        "create",
        "深圳市南山区",
        ["储能测试链 · 储能电芯"],
    )
    assert (result.written, Enterprise.objects.count(), Placement.objects.count()) == (False, 0, 0)


def test_import_creates_places_and_keeps_history(chain, bureau_editor):
    rows = rows_of(
        f"深圳储能甲科技有限公司,{code()},深圳南山,3841,储能电池的研发、生产和销售,中型\n"
    )
    result = import_universe(user=bureau_editor, rows=rows, dry_run=False)
    firm = Enterprise.objects.get()
    assert (firm.region_id, firm.industry_id, firm.size_band, firm.credit_code) == (
        "440305", "3841", "medium", code(),
    )  # fmt: skip
    assert (result.written, result.counts["create"], result.placements) == (True, 1, 1)
    assert Placement.objects.get(enterprise=firm).node.code == "cells"
    assert history_for(firm).get().user == bureau_editor


@pytest.mark.parametrize(
    "registered, written",
    [
        ("盛虹储能科技有限公司", "盛虹储能科技"),
        ("采埃孚投资有限公司", "采埃孚（中国）投资有限公司"),
        ("信义储能科技有限公司", "信義儲能科技有限公司"),
        ("宁德储能有限公司", " 宁德储能（有限公司） ".replace("（有限公司）", "有限公司")),
    ],
)
def test_a_registered_firm_is_found_by_a_variant_of_its_name(bureau_editor, registered, written):
    firm = EnterpriseFactory(name=registered)
    result = import_universe(
        user=bureau_editor, rows=rows_of(f"{written},,上海,,,大型\n"), dry_run=False
    )
    row = result.rows[0]
    assert (row.action, row.enterprise_id) == ("update", firm.pk)
    firm.refresh_from_db()
    assert (Enterprise.objects.count(), firm.size_band, firm.region_id) == (1, "large", "31")


def test_a_registered_firm_is_found_by_its_credit_code_and_the_new_name_becomes_an_alias(
    bureau_editor,
):
    firm = EnterpriseFactory(name="甲储能有限公司", credit_code=code())
    result = import_universe(
        user=bureau_editor, rows=rows_of(f"乙储能,{code()},,,,\n"), dry_run=False
    )
    assert (result.rows[0].matched_by, result.rows[0].action) == ("credit_code", "update")
    assert list(firm.aliases.values_list("alias", flat=True)) == ["乙储能"]


def test_a_fact_held_differently_is_kept_and_reported_unless_overwrite(bureau_editor):
    firm = EnterpriseFactory(name="甲储能有限公司", size_band="small")
    rows = rows_of("甲储能有限公司,,,,,大型\n")
    result = import_universe(user=bureau_editor, rows=rows, dry_run=False)
    firm.refresh_from_db()
    assert (result.rows[0].action, result.rows[0].kept[0][1:], firm.size_band) == (
        "unchanged", ("小型", "大型"), "small",
    )  # fmt: skip
    import_universe(user=bureau_editor, rows=rows, dry_run=False, overwrite=True)
    firm.refresh_from_db()
    assert firm.size_band == "large"


def test_two_rows_of_one_firm_are_refused_naming_the_first(bureau_editor):
    rows = rows_of(f"甲储能有限公司,{code()},,,,\n甲儲能,,,,,\n乙储能,{code()},,,,\n")
    result = import_universe(user=bureau_editor, rows=rows, dry_run=True)
    assert [r.action for r in result.rows] == ["create", "refused", "refused"]
    assert "第 2 行" in result.rows[1].problems[0].message
    assert "第 2 行" in result.rows[2].problems[0].message


def test_a_credit_code_of_another_registered_firm_is_refused(bureau_editor):
    EnterpriseFactory(name="甲储能有限公司", credit_code=code())
    EnterpriseFactory(name="乙储能有限公司")
    result = import_universe(user=bureau_editor, rows=rows_of(f"乙储能有限公司,{code()},,,,\n"))
    assert result.rows[0].action == "refused"
    assert "甲储能有限公司" in result.rows[0].problems[0].message


def test_bad_rows_are_refused_by_row_field_and_value_and_nothing_is_written(chain, bureau_editor):
    rows = rows_of(
        "好公司,,上海,,,\n"
        "坏代码,91350100M000100Y44,,,,\n"
        "坏地方,,火星市,,,\n"
        "坏行业,,,99999,,\n"
        "坏规模,,,,,巨型\n"
        ",,上海,,,\n"
        "两个南山,,南山区,,,\n"
    )
    with pytest.raises(UniverseRefused) as caught:
        import_universe(user=bureau_editor, rows=rows, dry_run=False)
    refused = {
        r.row: (r.problems[0].value, r.problems[0].message) for r in caught.value.result.refused
    }
    assert sorted(refused) == [3, 4, 5, 6, 7, 8]
    assert refused[3][0] == "91350100M000100Y44"
    assert refused[4][0] == "火星市" and "火星市" in refused[4][1]
    assert refused[5][0] == "99999"
    assert refused[6][0] == "巨型"
    assert "广东省深圳市南山区" in refused[8][1]
    assert (Enterprise.objects.count(), Placement.objects.count()) == (0, 0)


def test_a_leader_may_not_import(leader):
    with pytest.raises(NotAllowed):
        import_universe(user=leader, rows=rows_of("甲,,,,,\n"))


# -- the ranking marks ------------------------------------------------------------------


def test_targets_rank_local_and_outside_firms_alike_each_marked(chain, bureau_editor):
    EnterpriseFactory(name="本地储能有限公司", region_id="320582103", business_scope="储能电池制造")
    from zhaoshang.chains.services import place_enterprises

    place_enterprises()
    import_universe(
        user=bureau_editor,
        rows=rows_of("外地储能有限公司,,深圳市南山区,,储能电池制造,大型\n"),
        dry_run=False,
    )
    ranked = rank_targets(chain.nodes.get(code="cells"), weights=default_weights())
    marks = {t.name: (t.locality, t.place) for t in ranked}
    assert marks == {
        "本地储能有限公司": ("local", "锦丰镇"),
        "外地储能有限公司": ("outside", "深圳市南山区"),
    }
    outside = next(t for t in ranked if t.locality == "outside")
    size = next(p for p in outside.parts if p.key == "size")
    assert size.value == 0.5
    assert outside.as_json()["locality"] == "outside"


def test_targets_page_csv_and_api_mark_local_and_outside(chain, bureau_editor):
    EnterpriseFactory(name="本地储能有限公司", region_id="320582103", business_scope="储能电池制造")
    import_universe(
        user=bureau_editor,
        rows=rows_of("外地储能有限公司,,深圳市南山区,,储能电池制造,\n"),
        dry_run=False,
    )
    from zhaoshang.chains.services import place_enterprises

    place_enterprises()
    client = Client()
    client.force_login(bureau_editor)
    url = reverse("chains:targets", args=["storage", "cells"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "本地" in page and "外地" in page and "深圳市南山区" in page
    csv = client.get(url + "?format=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert sorted(tuple(line.split(",")[1:4]) for line in lines[1:]) == [
        ("外地储能有限公司", "外地", "深圳市南山区"),
        ("本地储能有限公司", "本地", "锦丰镇"),
    ]
    api = client.get("/api/v1/chains/storage/nodes/cells/targets").json()
    assert {t["name"]: t["locality"] for t in api["targets"]} == {
        "本地储能有限公司": "local",
        "外地储能有限公司": "outside",
    }


# -- the page ---------------------------------------------------------------------------


def post_file(client, data: bytes, name: str = "firms.csv", **extra):
    return client.post(
        reverse("enterprises:universe"),
        {"csrfmiddlewaretoken": TOKEN, "file": SimpleUploadedFile(name, data), "action": "check",
         **extra},
    )  # fmt: skip


def test_page_dry_run_then_confirm_without_choosing_the_file_again(chain, bureau_editor):
    client = browser(bureau_editor)
    data = (HEADER + "深圳储能甲科技有限公司,,深圳市南山区,,储能电池制造,中型\n").encode()
    page = post_file(client, data).content.decode()
    assert "储能测试链 · 储能电芯" in page and Enterprise.objects.count() == 0
    upload = UniverseUpload.objects.get()
    response = client.post(
        reverse("enterprises:universe"),
        {"csrfmiddlewaretoken": TOKEN, "upload": str(upload.pk), "action": "import"},
    )
    assert response.status_code == 302
    assert Enterprise.objects.get().name == "深圳储能甲科技有限公司"
    assert UniverseUpload.objects.count() == 0
    again = client.post(
        reverse("enterprises:universe"),
        {"csrfmiddlewaretoken": TOKEN, "upload": str(upload.pk), "action": "import"},
    )
    assert again.status_code == 200 and Enterprise.objects.count() == 1


def test_page_shows_refused_rows_and_offers_no_confirmation(bureau_editor):
    client = browser(bureau_editor)
    page = post_file(client, (HEADER + "<b>坏</b>,,火星市,,,\n").encode()).content.decode()
    assert "火星市" in page and "universe-confirm" not in page
    assert "<b>坏</b>" not in page and escape("<b>坏</b>") in page


def test_someone_elses_check_cannot_be_confirmed(bureau_editor, admin_user):
    post_file(browser(bureau_editor), (HEADER + "甲公司,,上海,,,\n").encode())
    upload = UniverseUpload.objects.get()
    response = browser(admin_user).post(
        reverse("enterprises:universe"),
        {"csrfmiddlewaretoken": TOKEN, "upload": str(upload.pk), "action": "import"},
    )
    assert response.status_code == 200 and Enterprise.objects.count() == 0


@pytest.mark.parametrize("upload", ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"])
def test_confirming_a_bad_upload_id_is_a_message_not_an_error(bureau_editor, upload):
    response = browser(bureau_editor).post(
        reverse("enterprises:universe"),
        {"csrfmiddlewaretoken": TOKEN, "upload": upload, "action": "import"},
    )
    assert response.status_code == 200


def test_page_refuses_a_leader_before_the_file_is_read(monkeypatch, leader):
    def refuse(*args, **kwargs):
        raise AssertionError("the upload was read before the rights check")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)
    response = post_file(browser(leader), (HEADER + "甲,,,,,\n").encode())
    assert response.status_code == 403 and Enterprise.objects.count() == 0


def test_page_refuses_an_oversize_file(monkeypatch, bureau_editor):
    monkeypatch.setenv("ZHAOSHANG_MAX_WORKBOOK_MB", "1")
    data = (HEADER + "甲公司,,,,%s,\n" % ("经" * 600_000)).encode()
    response = post_file(browser(bureau_editor), data)
    assert response.status_code == 413 and Enterprise.objects.count() == 0


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01\x02binary", b"PK\x03\x04broken", "名称\n".encode(), b"a,b\n1,2\n"]
)
def test_page_answers_a_bad_file_with_a_message(bureau_editor, data):
    response = post_file(browser(bureau_editor), data)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_page_in_english_has_its_words(bureau_editor):
    client = Client()
    client.force_login(bureau_editor)
    page = client.get(reverse("enterprises:universe"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Import target firms" in page


# -- the API and the command --------------------------------------------------------------


def test_api_dry_run_and_commit(chain, bureau_editor):
    client = Client()
    client.force_login(bureau_editor)
    body = {"rows": [{"name": "深圳储能甲科技有限公司", "place": "深圳市南山区",
                      "business_scope": "储能电池制造", "size_band": "中型"}]}  # fmt: skip
    url = "/api/v1/enterprises/universe"
    dry = client.post(url, json.dumps(body), content_type="application/json").json()
    assert (dry["dry_run"], dry["counts"]["create"], Enterprise.objects.count()) == (True, 1, 0)
    assert dry["rows"][0]["nodes"] == ["储能测试链 · 储能电芯"]
    body["dry_run"] = False
    done = client.post(url, json.dumps(body), content_type="application/json")
    assert (done.status_code, Enterprise.objects.count()) == (200, 1)


def test_api_commit_with_a_bad_row_is_422_naming_row_and_value(bureau_editor):
    client = Client()
    client.force_login(bureau_editor)
    body = {"rows": [{"name": "甲公司"}, {"name": "乙公司", "place": "火星市"}], "dry_run": False}
    response = client.post(
        "/api/v1/enterprises/universe", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"].startswith("rows[2].") and "火星市" in detail[0]["message"]
    assert Enterprise.objects.count() == 0


def test_api_refuses_a_leader(leader):
    client = Client()
    client.force_login(leader)
    body = {"rows": [{"name": "甲公司"}]}
    response = client.post(
        "/api/v1/enterprises/universe", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403


def test_command_dry_run_and_import(tmp_path, chain, admin_user):
    path = tmp_path / "firms.csv"
    path.write_text(
        HEADER + "深圳储能甲科技有限公司,,深圳市南山区,,储能电池制造,中型\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("universe", "import", str(path), "--dry-run", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["counts"]["create"] == 1 and Enterprise.objects.count() == 0
    out = io.StringIO()
    call_command("universe", "import", str(path), stdout=out)
    assert "储能测试链 · 储能电芯" in out.getvalue() and Enterprise.objects.count() == 1


def test_command_with_a_refused_row_exits_1_and_writes_nothing(tmp_path, admin_user):
    path = tmp_path / "firms.csv"
    path.write_text(HEADER + "甲公司,,火星市,,,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("universe", "import", str(path), stdout=io.StringIO())
    assert caught.value.returncode == 1 and Enterprise.objects.count() == 0


def test_demo_universe_is_synthetic_outside_and_idempotent(admin_user):
    from zhaoshang.chains.services import import_bundled
    from zhaoshang.enterprises import demo

    import_bundled()
    demo.load_demo()
    firms = Enterprise.objects.filter(is_synthetic=True)
    assert firms.count() == demo.PER_CHAIN * 12
    assert all(f.name.startswith("（合成）") and f.region_id for f in firms)
    assert not firms.filter(region__code__startswith="320582").exists()
    assert (
        Placement.objects.filter(enterprise__in=firms).values("node__chain").distinct().count()
        >= 10
    )
    demo.load_demo()
    assert Enterprise.objects.filter(is_synthetic=True).count() == demo.PER_CHAIN * 12


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{}",
        '{"rows": []}',
        '{"rows": [{"name": "甲", "extra": 1}]}',
        '{"rows": [{"name": 5}]}',
        '{"rows": [{"name": "\\u0000\\u202e甲"}], "dry_run": true}',
        '{"rows": [{"name": "甲", "place": "\\ud800"}]}',
        '{"rows": [{"name": "甲", "credit_code": "' + "9" * 40 + '"}]}',
    ],
)
def test_api_answers_bad_bodies_without_a_server_error(bureau_editor, body):
    client = Client()
    client.force_login(bureau_editor)
    response = client.post("/api/v1/enterprises/universe", body, content_type="application/json")
    assert 200 <= response.status_code < 500 and Enterprise.objects.count() == 0
