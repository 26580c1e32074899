import pytest

from tests.factories import EnterpriseFactory
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.enterprises.services import create_enterprise, update_enterprise
from zhaoshang.lib.creditcode import check_character

pytestmark = pytest.mark.django_db

VALID = "91350100M000100Y43"


def test_create_enterprise_with_aliases_and_valid_code(bureau_editor):
    zf = create_enterprise(
        user=bureau_editor,
        data={
            "name": "ZF Friedrichshafen AG",
            "country": "de",
            "aliases": [("采埃孚", "short"), ("ZF", "english")],
            "is_fortune500": True,
            "credit_code": " 91350100m000100y43 ",
        },
    )
    assert (zf.country, zf.credit_code, zf.is_fortune500) == ("DE", VALID, True)
    assert sorted(zf.aliases.values_list("alias", flat=True)) == ["ZF", "采埃孚"]
    assert zf.is_foreign is True
    assert history_for(zf).get().action == "create"


@pytest.mark.parametrize(
    "data, field, fragment",
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "91350100M000100Y44"),
        ({"credit_code": "913501"}, "credit_code", "913501"),
        ({"credit_code": "9135010OM000100Y43"}, "credit_code", "9135010OM000100Y43"),
        ({"country": "Germany"}, "country", "Germany"),
        ({"industry": "99999"}, "industry", "99999"),
        ({"parent": "没有这家公司"}, "parent", "没有这家公司"),
        ({"name": ""}, "name", ""),
    ],
)
def test_create_enterprise_bad_input_refused(bureau_editor, data, field, fragment):
    before = Enterprise.objects.count()
    with pytest.raises(InputError) as excinfo:
        create_enterprise(user=bureau_editor, data={"name": "甲公司", **data})
    assert fragment in excinfo.value.fields[field][0]
    assert Enterprise.objects.count() == before


def test_create_enterprise_wrong_check_character_names_expected(bureau_editor):
    code = "91320582MA1M00000"
    good = code + check_character(code)
    bad = code + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InputError) as excinfo:
        create_enterprise(user=bureau_editor, data={"name": "乙公司", "credit_code": bad})
    assert good[-1] in excinfo.value.fields["credit_code"][0]


def test_create_enterprise_duplicate_credit_code_refused(bureau_editor):
    EnterpriseFactory(name="甲", credit_code=VALID)
    with pytest.raises(InputError) as excinfo:
        create_enterprise(user=bureau_editor, data={"name": "乙", "credit_code": VALID})
    assert "甲" in excinfo.value.fields["credit_code"][0]


def test_update_enterprise_parent_loop_refused(bureau_editor):
    group = EnterpriseFactory(name="集团")
    child = EnterpriseFactory(name="子公司", parent=group)
    with pytest.raises(InputError) as excinfo:
        update_enterprise(user=bureau_editor, enterprise=group, data={"parent": "子公司"})
    assert "parent" in excinfo.value.fields
    assert child.ultimate_parent == group


def test_update_enterprise_history_kept(bureau_editor):
    firm = EnterpriseFactory(name="丙公司")
    update_enterprise(
        user=bureau_editor, enterprise=firm, data={"is_listed": True, "stock_code": "SZSE 000001"}
    )
    log = history_for(firm).get()
    assert log.changes == {"is_listed": [False, True], "stock_code": ["", "SZSE 000001"]}


def test_create_enterprise_leader_refused(leader):
    with pytest.raises(NotAllowed):
        create_enterprise(user=leader, data={"name": "丁公司"})


def test_create_lead_parses_amount_and_keeps_history(bureau_editor):
    from zhaoshang.enterprises.services import create_lead

    firm = EnterpriseFactory(name="宁德时代")
    lead = create_lead(
        user=bureau_editor,
        title="储能电池基地",
        enterprise=firm,
        origin="chain_target",
        origin_note="新能源 / 储能电池",
        estimated_investment="约50亿元",
        owner=bureau_editor,
        next_follow_up="2023-02-01",
    )
    assert (lead.estimated_investment_wan, lead.next_follow_up.isoformat()) == (
        500000,
        "2023-02-01",
    )
    assert history_for(lead).get().user == bureau_editor


def test_create_lead_bad_amount_refused(bureau_editor):
    from zhaoshang.enterprises.models import Lead
    from zhaoshang.enterprises.services import create_lead

    with pytest.raises(InputError) as excinfo:
        create_lead(user=bureau_editor, title="X", estimated_investment="很多钱", origin="weird")
    assert sorted(excinfo.value.fields) == ["estimated_investment", "origin"]
    assert Lead.objects.count() == 0
