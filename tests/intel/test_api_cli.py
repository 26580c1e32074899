"""The intel API and the `extract` and `intel` commands."""

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.core.models import ApiToken
from zhaoshang.intel.models import Article

TEXT = (
    "1月31日，总投资306亿元的盛虹储能电池超级工厂项目签约。张家港共有8个项目参会，总投资86.6亿元。"
)


@pytest.fixture
def auth(bureau_editor):
    _token, key = ApiToken.issue(bureau_editor)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_add_article_then_same_again(client, auth):
    first = client.post(
        "/api/v1/intel/articles",
        {"text": TEXT, "published_on": "2023-02-01"},
        content_type="application/json",
        **auth,
    )
    second = client.post(
        "/api/v1/intel/articles", {"text": TEXT}, content_type="application/json", **auth
    )
    assert (
        first.status_code,
        second.status_code,
        first.json()["id"] == second.json()["id"],
        [c["kind"] for c in first.json()["candidates"]],
    ) == (201, 200, True, ["batch", "project"])


def test_api_empty_article_is_422(client, auth):
    response = client.post(
        "/api/v1/intel/articles", {"text": ""}, content_type="application/json", **auth
    )
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "text")


def test_api_accept_reject_and_matches(client, auth):
    article = client.post(
        "/api/v1/intel/articles",
        {"text": TEXT, "published_on": "2023-02-01"},
        content_type="application/json",
        **auth,
    ).json()
    project_id = next(c["id"] for c in article["candidates"] if c["kind"] == "project")
    batch_id = next(c["id"] for c in article["candidates"] if c["kind"] == "batch")
    matches = client.get(f"/api/v1/intel/candidates/{project_id}/matches", **auth)
    accepted = client.post(
        f"/api/v1/intel/candidates/{project_id}/accept",
        {"accept_as": "project", "unit": "保税区"},
        content_type="application/json",
        **auth,
    )
    rejected = client.post(
        f"/api/v1/intel/candidates/{batch_id}/reject",
        {"reason": "不需要"},
        content_type="application/json",
        **auth,
    )
    again = client.post(
        f"/api/v1/intel/candidates/{project_id}/accept",
        {"accept_as": "lead"},
        content_type="application/json",
        **auth,
    )
    assert (
        matches.status_code,
        accepted.status_code,
        accepted.json()["status"],
        rejected.json()["status"],
        again.status_code,
    ) == (200, 200, "accepted", "rejected", 422)


def test_api_needs_authentication(client):
    assert client.get("/api/v1/intel/candidates").status_code == 401


def test_api_extract_returns_the_contract(client, auth):
    data = client.post(
        "/api/v1/intel/extract",
        {"text": TEXT, "published_on": "2023-02-01"},
        content_type="application/json",
        **auth,
    ).json()
    assert sorted(data) == ["amounts", "batches", "file", "projects"]


def test_extract_command_prints_one_json_line_per_file(tmp_path, db):
    a = tmp_path / "a.txt"
    a.write_text(TEXT, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_bytes("总投资10亿元的华兴光电显示模组项目开工".encode("gbk"))
    out = io.StringIO()
    call_command("extract", str(a), str(b), "--format", "json", "--date", "2023-02-01", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(x["file"], [m["text"] for m in x["amounts"]]) for x in lines] == [
        (str(a), ["306亿元", "86.6亿元"]),
        (str(b), ["10亿元"]),
    ]


def test_extract_command_reads_standard_input(monkeypatch, db):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    out = io.StringIO()
    call_command("extract", "-", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["file"] == "-"


def test_extract_command_reports_a_binary_file_and_goes_on(tmp_path, db):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00" * 100)
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("extract", str(bad), str(good), "--format", "json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (sorted(lines[0]), len(lines[1]["amounts"])) == (["error", "file"], 2)


def test_intel_add_command_stores_once(tmp_path, admin_user):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "intel",
        "add",
        str(path),
        "--source",
        "https://example.org/x",
        "--date",
        "2023-01-31",
        stdout=out,
    )
    call_command("intel", "add", str(path), stdout=out)
    article = Article.objects.get()
    assert (article.source_url, str(article.published_on), "already stored" in out.getvalue()) == (
        "https://example.org/x",
        "2023-01-31",
        True,
    )


def test_intel_add_command_refuses_a_bad_date(tmp_path, admin_user):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(CommandError, match="published_on"):
        call_command("intel", "add", str(path), "--date", "31/31/2023")
