"""Estimates of capex, jobs and output from the ledger (`projects.estimates`)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.chains.models import Chain, Node, ProjectPlacement
from zhaoshang.projects import estimates as est
from zhaoshang.projects.models import ProjectInvestor


def _row(pk, capex=None, jobs=None, output=None, **kw):
    kw.setdefault("node_id", 1)
    kw.setdefault("nature", "new")
    return est.Row(pk=pk, capex=capex, jobs=jobs, output=output, **kw)


# four projects on one node, jobs/capex 0.1 except the last (0.2); nothing coarser to fall
# back on (no chain, no industry)
NO_LABELS = {"node": {}, "chain": {}, "industry": {}}
TINY = [
    _row(1, capex=100.0, jobs=10.0),
    _row(2, capex=200.0, jobs=20.0),
    _row(3, capex=300.0, jobs=30.0),
    _row(4, capex=400.0, jobs=80.0),
]


def test_quartiles_without_one_value_are_those_of_the_rest():
    assert est.quartiles([1.0, 2.0, 3.0, 10.0], drop=10.0) == (3, 1.5, 2.0, 2.5)
    assert est.quartiles([1.0, 2.0, 3.0, 10.0], drop=1.0) == est.quartiles([2.0, 3.0, 10.0])
    assert est.quartiles([1.0, 2.0, 3.0, 4.0]) == (4, 1.75, 2.5, 3.25)


def test_quartiles_refuse_to_drop_a_value_not_in_the_sample():
    with pytest.raises(ValueError):
        est.quartiles([1.0, 2.0], drop=5.0)


def test_leave_one_out_on_a_hand_made_ledger():
    # jobs of each project from capex × the median jobs/capex ratio of the other three;
    # naive: the median of the other three's jobs
    assert est.leave_one_out(TINY, "jobs", minimum=3) == [
        (10.0, 10.0, 30.0),
        (20.0, 20.0, 30.0),
        (30.0, 30.0, 20.0),
        (80.0, 40.0, 20.0),
    ]
    # capex from jobs × the median capex/jobs ratio of the others (10, 10, 10, 5)
    assert est.leave_one_out(TINY, "capex", minimum=3) == [
        (100.0, 100.0, 300.0),
        (200.0, 200.0, 300.0),
        (300.0, 300.0, 200.0),
        (400.0, 800.0, 200.0),
    ]


def test_median_error_of_the_hand_made_ledger():
    pairs = est.leave_one_out(TINY, "jobs", minimum=3)
    assert est.median_ape((a, g) for a, g, _n in pairs) == 0.0
    # naive errors 200%, 50%, 33.3%, 75%: median 62.5%
    assert est.median_ape((a, n) for a, _g, n in pairs) == pytest.approx(62.5)


def test_nothing_is_estimated_from_fewer_than_the_minimum_sample():
    # left out, each project has 3 others: below a minimum of 4
    pairs = est.leave_one_out(TINY, "jobs", minimum=4)
    assert [g for _a, g, _n in pairs] == [None, None, None, None]
    e = est.Estimator(TINY, 5).estimate(_row(9, capex=50.0), "jobs")
    assert (e.ok, e.level, e.n, e.reason) == (False, "node_activity", 4, "too_few")
    text = est.basis_text(e, {"node": {1: "锂电池"}, "chain": {}, "industry": {}}, 5)
    assert "4" in text and "5" in text and "锂电池" in text


def test_a_coarser_group_is_used_when_the_fine_one_is_too_small():
    rows = [_row(i, capex=100.0 * i, chain_id=7, node_id=i) for i in range(1, 7)]
    e = est.Estimator(rows, 5).estimate(_row(99, chain_id=7, node_id=1), "capex")
    assert (e.level, e.key, e.n, e.anchor) == ("chain", (7,), 6, "")
    assert e.value == 350.0
    assert (e.q1, e.q3) == (225.0, 475.0)


def test_size_band_group_is_used_when_known_and_large_enough():
    rows = [_row(i, capex=10.0, size="large") for i in range(5)]
    rows += [_row(10 + i, capex=1000.0, size="small") for i in range(5)]
    e = est.Estimator(rows, 5).estimate(_row(99, size="large"), "capex")
    assert (e.level, e.value) == ("node_activity_size", 10.0)
    unknown = est.Estimator(rows, 5).estimate(_row(98), "capex")
    assert (unknown.level, unknown.value) == ("node_activity", 505.0)


def test_an_estimate_never_feeds_another():
    rows = [_row(i, capex=100.0) for i in range(5)] + [_row(9)]
    ledger = est.compute(rows, 5, NO_LABELS)
    assert ledger.by_pk[9]["capex"].is_estimate
    # jobs: nobody discloses any, and the estimated capex of 9 is no sample either
    assert not ledger.by_pk[9]["jobs"].is_estimate
    assert ledger.by_pk[9]["jobs"].estimate.n == 0


def test_estimated_values_are_flagged_and_excludable():
    rows = [_row(i, capex=100.0, jobs=10.0) for i in range(5)] + [_row(9, capex=300.0)]
    fig = est.compute(rows, 5, NO_LABELS).by_pk[9]["jobs"]
    assert fig.is_estimate and fig.disclosed is None
    assert fig.value(include_estimates=True) == pytest.approx(30.0)
    assert fig.value(include_estimates=False) is None
    disclosed = est.compute(rows, 5, NO_LABELS).by_pk[0]["jobs"]
    assert (disclosed.is_estimate, disclosed.value(False)) == (False, 10.0)


def test_rounded_estimates_are_whole():
    assert est.rounded("output", 1234.5) == Decimal(1235)
    assert est.rounded("jobs", math.nan) is None


# --- on the database -------------------------------------------------------------------


@pytest.fixture
def node(db):
    chain = Chain.objects.create(code="new-energy", name="新能源", group="emerging")
    return Node.objects.create(chain=chain, code="cells", name="锂电池电芯", position="midstream")


def _placed(node, **kw):
    p = ProjectFactory(chain=node.chain, **kw)
    ProjectPlacement.objects.create(project=p, node=node, confidence=Decimal("0.9"))
    return p


def test_ledger_rows_read_node_size_band_and_output_basis(node):
    firm = EnterpriseFactory(size_band="large")
    p = _placed(node, expected_revenue_wan=Decimal(5000), expected_jobs=40, nature="expansion")
    ProjectInvestor.objects.create(project=p, enterprise=firm, role="lead")
    (row,) = [r for r in est.ledger_rows() if r.pk == p.pk]
    assert (row.node_id, row.size, row.nature, row.section) == (node.pk, "large", "expansion", "C")
    assert (row.capex, row.jobs, row.output, row.output_basis) == (
        100000.0,
        40.0,
        5000.0,
        "revenue",
    )


def test_ledger_estimates_follow_every_write(node, settings, django_capture_on_commit_callbacks):
    settings.ZHAOSHANG_FIGURE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):  # the commits bump the version
        for _i in range(5):
            _placed(node, expected_jobs=100)
        target = _placed(node)
    first = est.ledger_estimates().get(target.pk)["jobs"].estimate
    assert (first.value, first.n, first.level) == (100.0, 5, "node_activity")
    with django_capture_on_commit_callbacks(execute=True):
        type(target).objects.filter(expected_jobs=100).update(expected_jobs=300)
    again = est.ledger_estimates().get(target.pk)["jobs"].estimate
    assert again.value == 300.0


def test_min_sample_setting_is_used(node, settings):
    settings.ZHAOSHANG_ESTIMATE_MIN_SAMPLE = 7
    for _i in range(6):
        _placed(node, expected_jobs=100)
    target = _placed(node)
    e = est.compute().by_pk[target.pk]["jobs"].estimate
    assert (e.ok, e.n) == (False, 6)


def test_command_prints_projects_with_their_flags_as_json(node, capsys):
    import json

    for _i in range(5):
        _placed(node, expected_jobs=50, total_investment_wan=Decimal(1000))
    target = _placed(node, total_investment_wan=Decimal(3000))
    call_command("estimates", "--by", "project", "--format", "json")
    items = {i["code"]: i for i in json.loads(capsys.readouterr().out)["items"]}
    item = items[target.code]
    assert (item["jobs"], item["jobs_estimated"], item["capex"]) == (150, True, 3000)
    assert item["jobs_basis"]["n"] == 5 and item["jobs_basis"]["anchor"] == "capex"
    call_command("estimates", "--by", "project", "--format", "json", "--no-estimates")
    items = {i["code"]: i for i in json.loads(capsys.readouterr().out)["items"]}
    assert (items[target.code]["jobs"], items[target.code]["jobs_estimated"]) == (None, False)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ledger_estimates_survive_a_report_but_not_a_project_or_a_rename(node, settings):
    """Kept by table: a town's monthly report saved does not make the next page estimate
    the whole ledger again (seconds at 100,000 projects); a project saved or a node renamed
    shows at once, in the estimates, their basis texts and the impact."""
    from tests.progress.factories import ReportFactory
    from zhaoshang.core import figcache
    from zhaoshang.projects import impact

    settings.ZHAOSHANG_FIGURE_CACHE = True
    figcache.clear()
    for _i in range(5):  # each committed
        _placed(node, expected_jobs=100, total_investment_wan=None)
    target = _placed(node, total_investment_wan=None)
    first = est.ledger_estimates()
    assert first.get(target.pk)["jobs"].estimate.value == 100.0
    assert "锂电池电芯" in str(first.labels["node"][node.pk])
    jobs = impact.ledger_impact(True).by_pk[target.pk]

    ReportFactory(project=target, month=6)
    assert est.ledger_estimates() is first  # not estimated again for a report
    assert impact.ledger_impact(True).by_pk[target.pk] is jobs

    Node.objects.filter(pk=node.pk).update(name="电芯")
    assert est.ledger_estimates().labels["node"][node.pk] == "电芯"

    type(target).objects.filter(expected_jobs=100).update(expected_jobs=200)
    again = est.ledger_estimates()
    assert again is not first and again.get(target.pk)["jobs"].estimate.value == 200.0
    assert impact.ledger_impact(True).by_pk[target.pk] != jobs
    figcache.clear()
