"""bench/province.py's bulk load at a small size (PostgreSQL only: it loads with COPY):
the rows it promises go in, the keys and indexes it drops come back, and a county's staff
see only their county."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import UserFactory
from zhaoshang.core.access import units_visible_to
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, PlanBaseline
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import Project, ProjectInvestor, StageDate
from zhaoshang.regions import home

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]
ROOT = Path(__file__).resolve().parents[2]
PROJECTS, FIRMS = 1500, 200


def _bench():
    spec = importlib.util.spec_from_file_location("province", ROOT / "bench" / "province.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _keys_and_indexes(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
            "OR confrelid = ANY(%s::regclass[]) "
            "UNION ALL SELECT indrelid::regclass::text, indexrelid::regclass::text, "
            "pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(%s::regclass[])",
            [tables, tables, tables],
        )
        return sorted(cursor.fetchall())


@pytest.fixture
def province(settings):
    settings.ZHAOSHANG_HOME_REGION = "江苏省"
    home.clear()
    yield
    home.clear()


def test_province_load_writes_every_row_and_puts_keys_back(province):
    bench = _bench()
    before = _keys_and_indexes(bench.TABLES)
    steps = bench.load(projects=PROJECTS, enterprises=FIRMS, vacuum=False)
    rows = {s.name: s.rows for s in steps}

    assert _keys_and_indexes(bench.TABLES) == before
    assert Project.objects.filter(is_synthetic=True).count() == PROJECTS
    assert Enterprise.objects.filter(is_synthetic=True).count() == FIRMS
    assert AnnualPlan.objects.filter(year=2023).count() == PROJECTS
    assert PlanBaseline.objects.count() == PROJECTS
    assert ProjectInvestor.objects.count() == PROJECTS
    reports = MonthlyProgress.objects.count()
    assert rows["progress_monthlyprogress"] == reports
    assert 11 * PROJECTS < reports < 12 * PROJECTS  # 3 months in 100 never reported
    assert rows["projects_stagedate"] == StageDate.objects.count()
    # spread over all of Jiangsu's counties, every code unique, every unit in Jiangsu
    units = set(Project.objects.values_list("unit_id", flat=True))
    assert all(u.startswith("32") for u in units)
    assert len({u[:6] for u in units}) > 90
    # the sequences continue after the loaded ids
    project = Project.objects.create(code="320582-2099-0001", name="新项目", unit_id="320582103")
    assert project.pk == PROJECTS + 1


def test_a_county_user_sees_only_their_county_after_a_province_load(province):
    _bench().load(projects=PROJECTS, enterprises=FIRMS, vacuum=False)
    staff = UserFactory(username="zjg", role="bureau_editor", unit_code="320582")

    seen = list(projects_visible_to(staff).values_list("unit_id", flat=True))

    assert seen and all(u.startswith("320582") for u in seen)
    assert len(seen) == Project.objects.filter(unit_id__in=units_visible_to(staff)).count()
    assert len(seen) == Project.objects.filter(unit__code__startswith="320582").count()
    assert len(seen) < PROJECTS // 50
