import pytest

from tests.chains.conftest import SMALL_CHAIN
from tests.factories import EnterpriseFactory, UserFactory


@pytest.fixture
def small_chain(db):
    from zhaoshang.chains.services import import_chain

    return import_chain(user=None, text=SMALL_CHAIN, check_rights=False)


@pytest.fixture
def node(small_chain):
    return small_chain.nodes.get(code="mid")


@pytest.fixture
def teams(db, bureau_editor, town_editor):
    from zhaoshang.leads.models import Team

    task = Team.objects.create(name="新能源招商专班", kind="task_force")
    task.members.add(bureau_editor)
    town = Team.objects.create(name="锦丰镇招商办", kind="town", unit_id="320582103")
    town.members.add(town_editor)
    division = Team.objects.create(name="商务局外资科", kind="division")
    return {"task": task, "town": town, "division": division}


@pytest.fixture
def other_editor(db):
    return UserFactory(username="swj2", role="bureau_editor")


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="瀚储新材料有限公司")


@pytest.fixture
def make_lead(bureau_editor, teams, firm, node):
    """A lead of the task force, owned by the bureau editor, ready for 接洽."""
    from zhaoshang.leads import services

    def make(**kw):
        user = kw.pop("user", bureau_editor)
        fields = {"title": "储能正极材料基地", "enterprise": firm, "team": teams["task"],
                  "estimated_investment": "约5亿元", "node": node}  # fmt: skip
        fields.update(kw)
        return services.create_lead(user=user, **fields)

    return make


@pytest.fixture
def ready_to_sign(make_lead, bureau_editor):
    """A lead at 在谈 with everything 签约 asks for."""
    from zhaoshang.leads import services

    lead = make_lead(unit="锦丰镇", next_action="谈协议", next_follow_up="2099-01-01")
    services.add_interaction(
        user=bureau_editor, lead=lead, data={"kind": "visit", "date": "2024-05-01", "notes": "拜访"}
    )
    lead.refresh_from_db()
    services.advance_lead(user=bureau_editor, lead=lead, to_stage="contact", on="2024-05-02")
    lead.refresh_from_db()
    services.advance_lead(user=bureau_editor, lead=lead, to_stage="negotiating", on="2024-05-03")
    lead.refresh_from_db()
    return lead


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the product's default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
