"""The estimator (`projects.estimates`) agrees to the last bit with the straightforward one
it replaced (`tests/projects/estimates_reference.py`): every estimate, with and without the
project left out, on random ledgers with ties, zero anchors, unknown group keys and groups
under the minimum sample; and the ledger it reads from the database is the same, row by
row."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from tests.factories import EnterpriseFactory, ProjectFactory
from tests.projects import estimates_reference as ref
from zhaoshang.chains.models import Chain, Node, ProjectPlacement
from zhaoshang.projects import estimates as est
from zhaoshang.projects.models import ProjectInvestor, StageDate

# few distinct values: ties in every sample, and a left-out value equal to others
VALUES = [10.0, 20.0, 20.0, 35.5, 100.0, 0.1, 3.0]


def _amount(rng: random.Random) -> float | None:
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.3:
        return 0.0  # no ratio with it as the anchor
    if roll < 0.7:
        return rng.choice(VALUES)
    return round(rng.uniform(1, 5000), rng.choice([0, 2, 6]))


def random_rows(seed: int, n: int = 300) -> list[est.Row]:
    rng = random.Random(seed)
    rows = []
    for pk in range(1, n + 1):
        rows.append(
            est.Row(
                pk=pk,
                chain_id=rng.choice([None, 7, 8]),
                node_id=rng.choice([None, 1, 2, 3, 4]),
                nature=rng.choice(["", "new", "expansion", "upgrade"]),
                size=rng.choice(["", "", "large", "small"]),
                industry=rng.choice(["", "3", "3841", "3842", "2611", "C"]),
                section=rng.choice(["", "C", "D"]),
                is_synthetic=rng.random() < 0.4,
                capex=_amount(rng),
                jobs=_amount(rng),
                output=_amount(rng),
            )
        )
    return rows


CASES = [(seed, minimum) for seed in (1, 2, 3) for minimum in (1, 3, 5, 12)]


@pytest.mark.parametrize(("seed", "minimum"), CASES)
def test_every_estimate_is_the_reference_one(seed, minimum):
    rows = random_rows(seed)
    new, old = est.Estimator(rows, minimum), ref.Estimator(rows, minimum)
    outsiders = random_rows(seed + 100, 40)  # rows of no ledger: profiles never seen too
    refused = anchored = 0
    for row in rows + outsiders:
        for f in est.FIELDS:
            mine, theirs = new.estimate(row, f), old.estimate(row, f)
            assert mine == theirs, (row, f)
            refused += not mine.ok
            anchored += bool(mine.anchor)
    for row in rows:  # each left out of its own samples
        for f in est.FIELDS:
            assert new.estimate(row, f, leave_out=True) == old.estimate(row, f, leave_out=True)
            assert new.naive(row, f, leave_out=True) == old.naive(row, f, leave_out=True)
    if minimum > 1:
        assert refused and anchored  # both kinds were compared


@pytest.mark.parametrize(("seed", "minimum"), CASES)
def test_leave_one_out_and_every_figure_are_the_reference_ones(seed, minimum):
    rows = random_rows(seed)
    for f in est.FIELDS:
        assert est.leave_one_out(rows, f, minimum=minimum) == ref.leave_one_out(
            rows, f, minimum=minimum
        )
    mine = est.compute(rows, minimum, {})
    theirs = ref.compute(rows, minimum, {})
    assert mine.by_pk.keys() == theirs.by_pk.keys()
    for pk, figs in theirs.by_pk.items():
        assert mine.by_pk[pk].figures == figs.figures
    assert mine.counts() == theirs.counts()


@pytest.fixture
def ledger(db):
    """Projects on two nodes with investors (size bands, some empty), stage dates and
    amounts that a float keeps exactly and some it does not."""
    chain = Chain.objects.create(code="new-energy", name="新能源", group="emerging")
    nodes = [
        Node.objects.create(chain=chain, code=f"n{i}", name=f"节点{i}", position="midstream")
        for i in range(2)
    ]
    amounts = [
        Decimal("100"), Decimal("12345678.123456"), Decimal("1234567890.123456"),
        Decimal("98765432109876.5"), Decimal("0.000001"), None,
    ]  # fmt: skip
    projects = []
    for i in range(24):
        p = ProjectFactory(
            chain=chain if i % 5 else None,
            total_investment_wan=amounts[i % len(amounts)],
            expected_output_wan=amounts[(i + 1) % len(amounts)] if i % 3 else None,
            expected_revenue_wan=amounts[(i + 2) % len(amounts)],
            expected_tax_wan=amounts[(i + 3) % len(amounts)],
            expected_jobs=None if i % 4 == 0 else 10 * i,
            is_synthetic=i % 2 == 0,
        )
        projects.append(p)
        if i % 6:
            ProjectPlacement.objects.create(project=p, node=nodes[i % 2], confidence="0.9")
        if i % 4 == 1:
            ProjectPlacement.objects.create(project=p, node=nodes[(i + 1) % 2], confidence="0.95")
        for j, band in enumerate(["", "large", "small"][: i % 4]):
            firm = EnterpriseFactory(size_band=band)
            ProjectInvestor.objects.create(project=p, enterprise=firm, role="lead")
            if j == 0:
                ProjectInvestor.objects.create(
                    project=p, enterprise=EnterpriseFactory(size_band="medium"), role="partner"
                )
        if i % 3:
            StageDate.objects.update_or_create(
                project=p, stage="in_production", defaults={"planned_on": f"202{i % 7}-03-01"}
            )
        if i % 4:
            StageDate.objects.update_or_create(
                project=p,
                stage="full_production",
                defaults={
                    "planned_on": f"203{i % 5}-06-30" if i % 8 else None,
                    "actual_on": f"202{i % 4}-01-31" if i % 7 == 1 else None,
                },
            )
    return projects


def test_the_ledger_read_is_the_reference_one(ledger):
    rows, old = est.ledger_rows(), ref.ledger_rows()
    assert rows == old
    assert any(r.node_id for r in rows) and any(r.size for r in rows)
    assert any(r.production_year for r in rows)
    # the large amount as the ORM hands it back (SQLite keeps 15 significant digits,
    # PostgreSQL every one), through the re-read for amounts of 10^9 万元 and more
    stored = type(ledger[0]).objects.filter(total_investment_wan__gte=10**9)
    big = {float(v) for v in stored.values_list("total_investment_wan", flat=True)}
    assert big and {r.capex for r in rows} >= big | {100.0}
    some = type(ledger[0]).objects.filter(pk__in=[p.pk for p in ledger[::3]])
    assert est.ledger_rows(some) == ref.ledger_rows(some)
