"""Property-based fuzzing of every API operation, generated from /api/v1/openapi.json.

Issue #13 ("API fuzzing in CI"): Schemathesis reads the schema from the WSGI application
in-process (no server) and, for every operation, sends generated requests (valid and
invalid) as the city administrator and as a town editor, against the demo data. Each
response must:

- not be a server error (5xx);
- conform to the schema: a documented status code, the documented content type, a body
  that matches the response schema;
- for a town editor, if it is a 2xx to a write: touch no row outside the editor's own
  unit(s) (rows are compared before and after, row by row, with each row's unit);
- for a refused write (4xx): change nothing at all;
- for an accepted write: store nothing `projects.rules` refuses on the projects it touched
  (every rule re-run on the stored row; a refusal that was not there before fails).

This is #13's "API fuzzing in CI"; through every operation at once it covers the kinds of
items 2 (a project code the code rule refuses, stored through the API) and 6 (500s
instead of a clear 4xx: huge page numbers, lone surrogates, values out of range; control
characters and out-of-range dates stored unchecked).

Every example runs inside a savepoint that is rolled back, so examples and operations do
not depend on each other, and the demo is loaded once per module inside a transaction
that is rolled back at the end (pytest-django allows such outer transactions).

Budget: ``FUZZ_EXAMPLES`` (12) examples per operation and role (derandomized, so CI sees the
same inputs on every run), 63 operations x 2 roles; set ``ZHAOSHANG_FUZZ_EXAMPLES`` to
try more locally. The budget is printed when the module starts and documented in the
operator guide §13.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import BAOSHUI, JINFENG, LEYU, YEJIN

FUZZ_EXAMPLES = int(os.environ.get("ZHAOSHANG_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Valid and invalid inputs (the default), from the schema's examples and generated; not the
# "coverage" phase, which sends every boundary case of every parameter with no budget
# (thousands of requests for the 63 operations: more than CI's time).
SCHEMATHESIS_CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
READ_METHODS = {"GET", "HEAD", "OPTIONS"}

# Row -> its unit and project, for every table a write can touch. Tables not listed have no
# unit: they are the city's (the registry, chains, indicators, settings), outside any town.
UNIT_AND_PROJECT = {
    "projects.Project": ("unit_id", "id"),
    "projects.ProjectInvestor": ("project__unit_id", "project_id"),
    "projects.StageDate": ("project__unit_id", "project_id"),
    "projects.ProjectSource": ("project__unit_id", "project_id"),
    "projects.ProjectListEntry": ("project__unit_id", "project_id"),
    "projects.BatchEvent": ("unit_id", None),
    "chains.ProjectPlacement": ("project__unit_id", "project_id"),
    "progress.AnnualPlan": ("project__unit_id", "project_id"),
    "progress.PlanBaseline": ("plan__project__unit_id", "plan__project_id"),
    "progress.MonthlyProgress": ("project__unit_id", "project_id"),
    "progress.Problem": ("project__unit_id", "project_id"),
    "clusters.Cluster": ("unit_id", None),
    "intel.Candidate": ("unit_id", "project_id"),
    "core.UserProfile": ("unit_id", None),
    "enterprises.Lead": ("unit_id", "project_id"),
    "enterprises.Visit": ("lead__unit_id", None),
    "leads.StageChange": ("lead__unit_id", None),
}
# Written by every call or kept for history, not ledger data: not compared. The reference
# tables (regions, industries) have no write path in the API and are large.
NOT_COMPARED = {"core.ApiToken", "core.ChangeLog"}
NOT_COMPARED_APPS = {"regions", "industries"}
# City-wide rows a town editor may add: a new project's new investor joins the registry;
# editors add news articles (with their source), leads (intel/access.py) and the firms met
# at an event (leads/contacts.py). Changing an
# existing city-wide row, or any row of another unit, is still a write outside the unit.
SHARED_INSERTS_ALLOWED = {
    "enterprises.Enterprise",
    "enterprises.EnterpriseAlias",
    "enterprises.Lead",
    "leads.EventContact",  # a firm met at a (city-wide) event, recorded by any editor
    "chains.Placement",  # placing a firm on a chain is registry work of any editor (chains.access)
    "core.Source",
    "intel.Article",
}

Row = tuple[str, object]  # (model label, primary key)


@dataclass
class RowState:
    unit: str | None
    project: int | None
    values: tuple


def _models():
    for model in apps.get_models():
        label = model._meta.label
        if not model.__module__.startswith("zhaoshang.") or label in NOT_COMPARED:
            continue
        if model._meta.app_label in NOT_COMPARED_APPS:
            continue
        yield label, model


def snapshot() -> dict[Row, RowState]:
    """Every ledger row with its unit and project, to compare before and after a call."""
    rows: dict[Row, RowState] = {}
    for label, model in _models():
        unit_path, project_path = UNIT_AND_PROJECT.get(label, (None, None))
        columns = [f.attname for f in model._meta.concrete_fields]
        extra = [p for p in (unit_path, project_path) if p]
        for values in model.objects.values_list(*columns, *extra).order_by():
            own = values[: len(columns)]
            tail = list(values[len(columns) :])
            unit = tail.pop(0) if unit_path else None
            project = tail.pop(0) if project_path else None
            rows[(label, own[0])] = RowState(unit, project, own)
    return rows


def changed_rows(before, after) -> list[tuple[Row, RowState | None, RowState | None]]:
    out = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is None or new is None or old.values != new.values:
            out.append((key, old, new))
    return sorted(out, key=lambda change: (change[0][0], str(change[0][1])))


def rule_refusals(project_id: int) -> set[tuple[str, str]]:
    """What `projects.rules` refuses in the stored project: (field, message).

    A stored value must pass its rule and be kept as the rule keeps it (a name the rule
    would normalise was stored without the rule). Dates go through the date rule (years
    1950-2100) and `check_dates` (order, actual dates within the stage, none in the future).
    """
    from django.utils import translation

    from zhaoshang.core.names import Lookup
    from zhaoshang.lib.dates import PartialDate
    from zhaoshang.projects import rules
    from zhaoshang.projects.models import Project

    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return set()
    out: set[tuple[str, str]] = set()
    names = Lookup()

    def kept(field_name, stored, rule, *args):
        try:
            result = rule(*args)
        except rules.RuleError as exc:
            out.add((field_name, f"{stored!r}: {exc}"))
            return
        if result != stored:
            out.add((field_name, f"stored {stored!r}, the rule keeps {result!r}"))

    with translation.override("en"):
        kept("code", project.code, rules.code, project.code)
        for name in rules.TEXT_FIELDS:
            value = getattr(project, name)
            kept(name, value, rules.text, name, value)
        for name in rules.CHOICE_ENUMS:
            value = getattr(project, name)
            kept(name, value, rules.choice, name, value)
        kept("national_code", project.national_code, rules.national_code, project.national_code)
        kept("unit", project.unit_id, rules.unit, project.unit_id, names)
        if project.industry_id:
            kept("industry", project.industry_id, rules.industry, project.industry_id, names)
        if project.expected_jobs is not None:
            kept("expected_jobs", project.expected_jobs, rules.jobs, project.expected_jobs)
        for name in rules.AMOUNT_FIELDS:
            wan = getattr(project, f"{name}_wan")
            if wan is None:
                continue
            try:
                rules.amount(name, Decimal(wan))
            except rules.RuleError as exc:
                out.add((name, f"{wan!r}: {exc}"))
            text = getattr(project, f"{name}_text")
            if len(text) > rules.AMOUNT_TEXT_MAX:
                out.add((name, f"amount text of {len(text)} characters"))
        missing = rules.status_reason_missing(project.status, project.status_reason)
        if missing:
            out.add(("status_reason", missing))
        stored = {}
        for sd in project.stage_dates.all():
            pair = []
            for prefix in ("planned", "actual"):
                day = getattr(sd, f"{prefix}_on")
                if day is None:
                    pair.append(None)
                    continue
                try:
                    rules.date(day.isoformat())
                except rules.RuleError as exc:
                    out.add((f"{prefix}_{sd.stage}", str(exc)))
                pair.append(PartialDate(day, getattr(sd, f"{prefix}_precision")))
            stored[sd.stage] = tuple(pair)
        today = PartialDate(datetime.date.today(), "day")
        for key, value, message in rules.check_dates(project.stage, stored, {}, today):
            out.add((key, f"{value}: {message}"))
    return out


@dataclass
class World:
    """The demo, its users' tokens, and real values for path parameters."""

    tokens: dict[str, str]
    units: dict[str, set[str]]
    pools: dict[str, list] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", "Accept-Language": "en"}


WORLD: World | None = None  # set by the module fixture; read by the path-parameter hook


def _build_world(data_dir) -> World:
    from django.contrib.auth import get_user_model

    from zhaoshang.chains.models import Chain, Node, Placement
    from zhaoshang.clusters.models import Cluster, IndicatorDefinition
    from zhaoshang.core.access import unit_codes_of
    from zhaoshang.core.management.commands.demo import app_demo_hooks
    from zhaoshang.core.models import ApiToken
    from zhaoshang.demo.load import ensure_users, load_facts
    from zhaoshang.enterprises.models import Enterprise, Lead
    from zhaoshang.intel.models import Article, Candidate
    from zhaoshang.progress.models import AnnualPlan, Problem
    from zhaoshang.projects.models import BatchEvent, Project, ProjectList

    ensure_users(data_dir)
    load_facts()
    for hook in app_demo_hooks("load_demo"):
        hook()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES.values())}
    tokens = {role: ApiToken.issue(users[name], name="fuzz")[1] for role, name in ROLES.items()}
    units = {role: unit_codes_of(users[name]) for role, name in ROLES.items()}

    def first(qs, n=4):
        return list(qs.order_by("pk").values_list("pk", flat=True)[:n])

    own = Project.objects.filter(unit_id__in=units["town_editor"]).order_by("code")
    other = Project.objects.exclude(unit_id__in=units["town_editor"]).order_by("code")
    today = datetime.date.today()
    pools = {
        "project": list(own.values_list("code", flat=True)[:4])
        + list(other.values_list("code", flat=True)[:4]),
        "year": [*sorted(set(AnnualPlan.objects.values_list("year", flat=True)))[-3:], today.year],
        "month": ["2023-06", "2024-12", f"{today.year}-{today.month:02d}", "2099-01"],
        "unit": [JINFENG, YEJIN, BAOSHUI, LEYU],
        "problem_id": first(Problem.objects.all()),
        "list_id": first(ProjectList.objects.all()),
        "event_id": first(BatchEvent.objects.all()),
        "cluster_id": first(Cluster.objects.all()),
        "enterprise_id": first(Enterprise.objects.all()),
        "article": first(Article.objects.all()),
        "candidate": first(Candidate.objects.all(), 6),
        "placement_id": first(Placement.objects.all()),
        "lead_id": first(Lead.objects.all(), 8),
        "indicator": list(IndicatorDefinition.objects.values_list("code", flat=True)[:4]),
        "chain": list(Chain.objects.order_by("order").values_list("code", flat=True)[:4]),
        "chain_node": [
            (n.chain.code, n.code)
            for n in Node.objects.select_related("chain").order_by("chain__order", "pk")[:6]
        ],
    }
    return World(tokens=tokens, units=units, pools=pools)


ROLES = {"admin": "admin", "town_editor": "jinfeng"}


def _pool_for(path: str, name: str) -> str | None:
    """Which pool of real values a path parameter draws from (None: keep the generated)."""
    if name == "code":
        if path.startswith(("/api/v1/projects", "/api/v1/progress/")):
            return "project"
        if path.startswith("/api/v1/indicators"):
            return "indicator"
        if path.startswith("/api/v1/chains") and "node_code" not in path:
            return "chain"
        return None
    if name == "pk":
        return "article" if "/articles/" in path else "candidate"
    return name if name in ("year", "month", "unit") or name.endswith("_id") else None


@pytest.fixture(scope="module")
def fuzz_world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo with two API tokens, loaded once for this module and rolled back after it."""
    global WORLD
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"API fuzzing budget: {FUZZ_EXAMPLES} examples per operation and role "
            "(ZHAOSHANG_FUZZ_EXAMPLES), derandomized, no shrinking"
        )
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            WORLD = _build_world(tmp_path_factory.mktemp("fuzz-data"))
            yield WORLD
        finally:
            WORLD = None
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def api_schema(fuzz_world, db):
    """The schema as the application serves it, called in-process through WSGI.

    Django closes "obsolete" connections at the end of each request, which inside the
    test's transaction would end it: the test client switches that off too.
    """
    from zhaoshang.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json",
            application,
            config=SCHEMATHESIS_CONFIG,
            headers=fuzz_world.headers("admin"),
        )

        @schema.hook
        def flatmap_path_parameters(ctx, path_parameters):
            path = ctx.operation.path
            if not path_parameters or WORLD is None:
                return st.just(path_parameters)
            if "node_code" in path_parameters:
                pairs = [(path_parameters["code"], path_parameters["node_code"])]
                pairs += WORLD.pools["chain_node"]
                return st.sampled_from(pairs).map(
                    lambda pair: {**path_parameters, "code": pair[0], "node_code": pair[1]}
                )
            choices = {}
            for name, generated in path_parameters.items():
                pool = _pool_for(path, name)
                values = WORLD.pools.get(pool, []) if pool else []
                choices[name] = st.sampled_from([generated, *values])
            return st.fixed_dictionaries(choices)

        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _describe(case, response) -> str:
    body = case.body if not isinstance(case.body, bytes) else case.body[:200]
    return (
        f"{case.method} {case.formatted_path} query={case.query!r} body={body!r} -> "
        f"{response.status_code} {response.text[:300]!r}"
    )


def write_problems(role, response, changes, units, refusals) -> list[str]:
    """What is wrong with the rows a call changed: a refused request that changed rows, a
    town editor's write outside the unit, a stored value the ledger rules refuse.

    `refusals`: project id -> (the rules' refusals before the call, after the call)."""
    if not changes:
        return []
    if not 200 <= response.status_code < 300:
        return [
            f"refused with {response.status_code} but changed {len(changes)} row(s): "
            + ", ".join(str(key) for key, _old, _new in changes[:5])
        ]
    problems = []
    if role == "town_editor":
        for key, old, new in changes:
            touched = {s.unit for s in (old, new) if s is not None}
            if touched <= units or (old is None and key[0] in SHARED_INSERTS_ALLOWED):
                continue
            problems.append(f"town editor changed {key} outside units {sorted(units)}")
    for pid, (before, after) in sorted(refusals.items()):
        for field_name, message in sorted(after - before):
            problems.append(f"project {pid} stores what the rules refuse: {field_name}: {message}")
    return problems


def run_case(world: World, role: str, case) -> None:
    """One generated request as `role`, inside a savepoint rolled back afterwards."""
    writes = case.method.upper() not in READ_METHODS
    sid = transaction.savepoint()
    changes, after_refusals = [], {}
    try:
        before = snapshot() if writes else {}
        response = case.call(headers=world.headers(role))
        # After a 5xx a PostgreSQL transaction may be aborted: nothing can be read.
        if writes and response.status_code < 500:
            changes = changed_rows(before, snapshot())
            touched = {s.project for _key, *states in changes for s in states if s and s.project}
            after_refusals = {pid: rule_refusals(pid) for pid in touched}
    finally:
        transaction.savepoint_rollback(sid)
    # Back as before the call: the rules' refusals then, for the same projects.
    refusals = {pid: (rule_refusals(pid), after) for pid, after in after_refusals.items()}
    problems = write_problems(role, response, changes, world.units[role], refusals)
    assert not problems, f"{_describe(case, response)}\n  " + "\n  ".join(problems)
    case.validate_response(response, checks=CHECKS, headers=world.headers(role))


FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,  # the same inputs on every run: CI failures reproduce
    deadline=None,  # a shared CI machine is slow at times; the budget is the examples
    database=None,  # nothing kept between runs (derandomized anyway)
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it has no time bound
    suppress_health_check=list(HealthCheck),  # function-scoped fixtures, slow data
    print_blob=False,
)

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_city_admin(case, fuzz_world):
    run_case(fuzz_world, "admin", case)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_town_editor(case, fuzz_world):
    run_case(fuzz_world, "town_editor", case)
