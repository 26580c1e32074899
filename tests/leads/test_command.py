"""`zhaoshang leads`: the list, the figures, refusals naming the value."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.leads import services

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("leads", *args, stdout=out)
    return out.getvalue()


def test_leads_command_json_rows(make_lead, admin_user, teams, bureau_editor):
    a = make_lead(title="A", next_action="拜访", next_follow_up="2020-01-02")
    services.add_interaction(
        user=bureau_editor, lead=a, data={"kind": "call", "date": "2020-01-01"}
    )
    b = make_lead(title="B", team=teams["division"], user=admin_user)
    rows = json.loads(run("--format", "json"))
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {a.pk, b.pk}
    row = by_id[a.pk]
    assert list(row) == ["id", "enterprise", "stage", "status", "owner", "team", "chain_node",
                         "next_action_date", "days_since_contact", "overdue"]  # fmt: skip
    assert (row["enterprise"], row["stage"], row["status"], row["owner"], row["team"]) == (
        "瀚储新材料有限公司", "lead", "active", "fgw", "新能源招商专班")  # fmt: skip
    assert (row["chain_node"], row["next_action_date"], row["overdue"]) == (
        "test-chain/mid", "2020-01-02", True)  # fmt: skip
    assert row["days_since_contact"] > 365
    assert by_id[b.pk]["days_since_contact"] is None


def test_leads_command_filters_owner_team_overdue(make_lead, admin_user, teams):
    a = make_lead(title="A", next_action="拜访", next_follow_up="2020-01-02")
    b = make_lead(title="B", team=teams["division"], user=admin_user)
    ids = lambda *args: [r["id"] for r in json.loads(run("--format", "json", *args))]  # noqa: E731
    assert ids("--owner", "fgw") == [a.pk]
    assert ids("--team", "商务局外资科") == [b.pk]
    assert ids("--overdue") == [a.pk]
    assert ids("--owner", "admin", "--overdue") == []


def test_leads_command_table(make_lead):
    make_lead(title="A")
    out = run()
    assert "瀚储新材料有限公司" in out
    assert out.strip().endswith("1 leads")


@pytest.mark.parametrize(("args", "message"), [
    (("--owner", "nobody"), "--owner: unknown user “nobody”"),
    (("--team", "无此专班"), "--team: unknown team “无此专班”"),
    (("figures", "--month", "2099-01"), "--month: 2099-01 is in the future"),
])  # fmt: skip
def test_leads_command_refuses_unknown_values_naming_them(db, args, message):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert str(exc.value) == message


def test_leads_command_figures(make_lead):
    make_lead(title="A")
    body = json.loads(run("figures", "--format", "json"))
    assert (body["total"]["leads"], body["by_team"][0]["label"]) == (1, "新能源招商专班")
    assert "Conversion rate" in run("figures")
