"""Who sees and changes which lead: team and owner for the bureau, the town for its editors,
everything read-only for leaders."""

import pytest

from zhaoshang.core.errors import NotAllowed
from zhaoshang.leads import access, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_lead, bureau_editor, town_editor, admin_user, teams):
    task = make_lead(title="专班线索")
    town = make_lead(title="锦丰镇线索", user=town_editor, team=teams["town"])
    other = make_lead(title="外资科线索", user=admin_user, team=teams["division"])
    return task, town, other


def titles(user):
    return sorted(access.leads_visible_to(user).values_list("title", flat=True))


def test_each_role_sees_its_leads(three, bureau_editor, town_editor, admin_user, leader,
                                  other_editor, anonymous):  # fmt: skip
    assert titles(admin_user) == ["专班线索", "外资科线索", "锦丰镇线索"]
    assert titles(leader) == ["专班线索", "外资科线索", "锦丰镇线索"]
    assert titles(bureau_editor) == ["专班线索"]
    assert titles(town_editor) == ["锦丰镇线索"]
    assert titles(other_editor) == []
    assert titles(anonymous) == []


def test_town_editor_sees_a_lead_meant_for_its_town(three, town_editor, bureau_editor):
    task = three[0]
    services.update_lead(user=bureau_editor, lead=task, data={"unit": "冶金工业园"})  # 区镇合一
    assert titles(town_editor) == ["专班线索", "锦丰镇线索"]


def test_leader_reads_but_changes_nothing(three, leader):
    lead = three[0]
    assert access.can_see(leader, lead)
    assert access.edit_refusal(leader, lead) == "Leaders have read-only access."
    with pytest.raises(NotAllowed):
        services.add_interaction(
            user=leader, lead=lead, data={"kind": "call", "date": "2024-01-01"}
        )
    with pytest.raises(NotAllowed):
        services.set_lead_status(user=leader, lead=lead, status="paused", reason="x")


def test_editors_change_only_leads_they_may_see(three, bureau_editor, town_editor, admin_user):
    task, town, other = three
    assert access.can_edit(bureau_editor, task) and not access.can_edit(bureau_editor, town)
    assert access.edit_refusal(town_editor, task) == (
        "Town editors may only change their own town's leads."
    )
    with pytest.raises(NotAllowed):
        services.update_lead(user=bureau_editor, lead=other, data={"title": "改"})
    assert access.can_edit(admin_user, town)


def test_a_hand_over_moves_the_lead_out_of_sight(three, bureau_editor, other_editor, teams):
    task = three[0]
    services.refer_lead(user=bureau_editor, lead=task, to_owner=other_editor.pk,
                        to_team=teams["division"].pk)  # fmt: skip
    assert titles(bureau_editor) == []
    assert titles(other_editor) == ["专班线索"]
