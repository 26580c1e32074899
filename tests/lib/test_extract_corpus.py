"""The extractor scored on the labelled corpus in tests/data/intel (see extract_corpus.py)."""

import pytest

from tests.lib.extract_corpus import documents, score_corpus


@pytest.fixture(scope="module")
def scores():
    return score_corpus()


def test_corpus_has_seed_and_25_more_texts():
    names = [d.name for d in documents()]
    assert names[0] == "000_seed"
    assert len(names) >= 26


def test_amounts_with_roles_precision_and_recall_at_least_90_percent(scores):
    amounts = scores[0]
    print(amounts.table())
    assert (amounts.precision() >= 0.9, amounts.recall() >= 0.9) == (True, True), amounts.misses


@pytest.mark.parametrize(
    "role",
    [
        "total_investment",
        "batch_total_investment",
        "annual_revenue",
        "annual_output_value",
        "annual_tax",
        "annual_plan_investment",
        "other",
    ],
)
def test_amounts_each_role_precision_and_recall_at_least_80_percent(scores, role):
    amounts = scores[0]
    assert (amounts.precision(role) >= 0.8, amounts.recall(role) >= 0.8) == (True, True), [
        m for m in amounts.misses if role in m
    ]


def test_projects_found_at_least_80_percent(scores):
    projects = scores[1]
    assert (projects.precision() >= 0.8, projects.recall() >= 0.8) == (True, True), projects.misses


def test_project_fields_right_at_least_80_percent(scores):
    fields = scores[2]
    assert fields.recall() >= 0.8, fields.misses


def test_batches_found_at_least_80_percent(scores):
    batches = scores[3]
    assert (batches.precision() >= 0.8, batches.recall() >= 0.8) == (True, True), batches.misses
