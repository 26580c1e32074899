"""Province scale on PostgreSQL: a bulk load of Jiangsu, and a county's pages on it.

    python bench/province.py                          # 1,000,000 projects (~10 min load)
    python bench/province.py --projects 20000 --enterprises 4000
    python bench/province.py --reuse                  # measure the pages of a loaded database
    python bench/province.py --reuse --views county   # only the county's pages (the province's take minutes)

1. Creates the scratch database `--db` (default prov_bench; dropped first), migrates it
   and loads the demo's facts and users with the home region 江苏省
   (`zhaoshang demo --region 江苏省 --no-serve`).
2. Bulk loads `--projects` generated projects (marked synthetic) spread evenly over
   Jiangsu's counties and their township units, with their stage dates and lead
   investor, `--enterprises` synthetic enterprises, and for every project a 2023 plan,
   its first baseline and twelve monthly reports (about 3 in 100 months never
   reported: 11.6 per project). The rows come from the demo's own generators
   (`demo.synthetic.Generator.project`, `_enterprise`, `progress.demo.synthetic_plan`
   and `synthetic_reports`), so they obey the same rules as `zhaoshang demo`'s; they go
   in with PostgreSQL `COPY` (`core.bulk.BulkInserter.copy`). The loaded tables' foreign
   keys, unique constraints and secondary indexes are dropped first and made again
   afterwards (one sort per index instead of 10^7 index insertions; one join per
   foreign key instead of one look-up per row); then `VACUUM (ANALYZE)`. Prints the
   wall and CPU time (this process's, and the database server's backend) per table and
   per step; the target is under 10 minutes in all. The naive reference: the same
   monthly rows through `BulkInserter.insert` (the demo's `executemany`), measured on a
   sample in the same run.
3. Times the cockpit, the ledger and the four rates for a county's staff (`--county`,
   default 张家港市; target: median under 500 ms each) and for the province's leader,
   with Django's test Client in this process as `bench/pages.py` does: the first
   request (cold: no figure computed yet, the database's caches as the load left them;
   its SQL query count), the median and CPU of `--repeat` warm requests (figures kept by
   `core.figcache`), and the median right after a 锦丰镇 clerk saves a monthly report
   through the real service (`bench/pages.py`'s save: the figures that read the tables
   it wrote are computed again). The ratio: the province page against the county's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
HOME = "江苏省"
YEAR = 2023
CHUNK = 20_000  # projects per round of COPYs: bounded memory at any size
# the loaded tables, in the order rows go in (a table's rows reference the ones before)
TABLES = [
    "enterprises_enterprise",
    "projects_project",
    "projects_stagedate",
    "projects_projectinvestor",
    "progress_annualplan",
    "progress_planbaseline",
    "progress_monthlyprogress",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=12, help="monthly reports per project")
    parser.add_argument("--db", default="prov_bench", help="scratch database (prov_ prefix)")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--data-dir", default="/tmp/prov_bench", help="demo users' passwords")
    parser.add_argument("--county", default="张家港市", help="the county staff's county")
    parser.add_argument("--repeat", type=int, default=7, help="warm requests per page")
    parser.add_argument("--reuse", action="store_true", help="measure a loaded database")
    parser.add_argument(
        "--views", default="county,province", help="whose pages: county, province or both"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="loading processes (the rounds shared among them)"
    )
    args = parser.parse_args()
    if not args.db.startswith("prov_"):
        parser.error("--db must start with prov_ (it is dropped and made again)")
    url = f"postgresql://postgres@{args.host}/{args.db}"
    if not args.reuse:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["ZHAOSHANG_HOME_REGION"] = HOME
    os.environ["ZHAOSHANG_DATA_DIR"] = args.data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; database {url}")
    if not args.reuse:
        t0 = time.perf_counter()
        call_command("demo", region=HOME, no_serve=True, stdout=open(os.devnull, "w"))
        print(f"migrated, demo facts and users: {time.perf_counter() - t0:.0f} s")
        steps = load(
            projects=args.projects,
            enterprises=args.enterprises,
            months=args.months,
            workers=args.workers,
        )
        print_load(steps)
        naive_ratio(steps)
    county = county_user(args.data_dir, args.county)
    print_counts(county)
    measure_pages(county, args.repeat, args.views.split(","))


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")


# --------------------------------------------------------------------------- the load


class Step:
    """Wall time, this process's CPU and the database backend's CPU of one step."""

    def __init__(self, name: str):
        self.name, self.rows, self.wall, self.cpu, self.server = name, 0, 0.0, 0.0, 0.0

    @contextmanager
    def timing(self):
        w, c, s = time.perf_counter(), time.process_time(), backend_cpu()
        try:
            yield self
        finally:
            self.wall += time.perf_counter() - w
            self.cpu += time.process_time() - c
            self.server += backend_cpu() - s


def backend_cpu() -> float:
    """CPU seconds the database server's process for this connection has used (read from
    /proc: the server runs on this machine); 0 when it cannot be read."""
    from django.db import connection

    if connection.connection is None:  # closed for the loading processes: not counted here
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    *, projects: int, enterprises: int, months: int = 12, vacuum: bool = True, workers: int = 1
) -> list[Step]:
    """Bulk load the province (see the module's docstring); the steps with their times.

    Runs in the current connection; inside a transaction (a test) it leaves out the
    `VACUUM`, which PostgreSQL runs only outside one, and loads in this process only.
    `workers` > 1: the projects' rounds of COPYs are shared among that many processes,
    each with its own connection (a project's rows depend only on its number)."""
    from django.db import connection

    _session_for_load()
    dropped = Step("drop keys and indexes")
    with dropped.timing():
        deferred = drop_keys_and_indexes(TABLES)
    copying = Step("COPY, all tables")
    with copying.timing():
        steps = _copy_everything(projects, enterprises, months, workers)
    rebuilt = Step("indexes")
    keys = Step("unique and foreign keys")
    restore_keys_and_indexes(deferred, rebuilt, keys)
    out = [dropped, *steps.values(), copying, rebuilt, keys]
    if vacuum and connection.get_autocommit() and not connection.in_atomic_block:
        done = Step("VACUUM (ANALYZE)")
        with done.timing(), connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        out.append(done)
    else:
        done = Step("ANALYZE")
        with done.timing(), connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        out.append(done)
    return out


def _session_for_load() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # this session only: the load's commits need not wait for the disk (a crash loses
        # the load, which is run again), and index builds sort in memory
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")


def _copy_everything(projects: int, enterprises: int, months: int, workers: int):
    from django.db import connection, connections

    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.progress.models import AnnualPlan
    from zhaoshang.projects.models import Project

    steps = {name: Step(name) for name in TABLES}
    first = {model: next_id(model) for model in (Enterprise, Project, AnnualPlan)}
    _copy_enterprises(steps, enterprises, first)
    starts = list(range(0, projects, CHUNK))
    if workers <= 1 or connection.in_atomic_block:
        _copy_projects(steps, starts, projects, enterprises, months, first)
    else:
        import multiprocessing

        connections.close_all()  # each process opens its own connection
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            shares = [starts[w::workers] for w in range(workers)]
            args = [(share, projects, enterprises, months, first) for share in shares]
            for done in pool.starmap(_worker, args):
                for name, figures in done.items():
                    step = steps[name]
                    step.rows += figures[0]
                    step.wall += figures[1]
                    step.cpu += figures[2]
                    step.server += figures[3]
        _session_for_load()
    with connection.cursor() as cursor:
        for model in (Enterprise, Project, AnnualPlan):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    return steps


def _worker(starts, projects, enterprises, months, first) -> dict[str, tuple]:
    """One loading process's share of the rounds: its figures per table."""
    from django.db import connection

    _session_for_load()
    steps = {name: Step(name) for name in TABLES}
    _copy_projects(steps, starts, projects, enterprises, months, first)
    connection.close()
    return {n: (s.rows, s.wall, s.cpu, s.server) for n, s in steps.items() if s.rows}


def _copy_enterprises(steps: dict[str, Step], enterprises: int, first: dict) -> None:
    from django.db import transaction

    from zhaoshang.core.bulk import BulkInserter
    from zhaoshang.demo.synthetic import _enterprise
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.progress import demo as progress_demo

    now = progress_demo._aware(progress_demo.latest_day(), 18)
    firms = BulkInserter(Enterprise, ["id", *ENTERPRISE_COLUMNS])
    with transaction.atomic():
        step = steps["enterprises_enterprise"]
        with step.timing():
            step.rows += firms.copy(
                _enterprise_values(_enterprise(j), first[Enterprise] + j, now)
                for j in range(enterprises)
            )


def _copy_projects(
    steps: dict[str, Step], starts, projects: int, enterprises: int, months: int, first: dict
) -> None:
    """Projects [start, start + CHUNK) for each start, with their stage dates, investor,
    plan, baseline and monthly reports; one transaction per round."""
    from django.db import transaction

    from zhaoshang.core.bulk import BulkInserter
    from zhaoshang.demo.region import counties_of
    from zhaoshang.demo.synthetic import Generator
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.progress import demo as progress_demo
    from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, PlanBaseline
    from zhaoshang.projects.models import Project, ProjectInvestor, StageDate
    from zhaoshang.regions.home import home_region

    gen = Generator(pool_size=max(1, enterprises))
    months = progress_demo.report_months(YEAR, months)
    approved = progress_demo._aware(progress_demo.datetime.date(YEAR, 1, 20))
    # project i of the load is number k of county counties[i % len(counties)]: every
    # county gets its share, and any prefix of the load is spread over all of them
    counties = counties_of(home_region())
    rows = BulkInserter(Project, ["id", *Generator.COLUMNS])
    dates = BulkInserter(StageDate, ["project_id", "stage", "actual_on", "planned_on"])
    investors = BulkInserter(ProjectInvestor, ["project_id", "enterprise_id", "role"])
    plan_rows = BulkInserter(AnnualPlan, ["id", *PLAN_COLUMNS])
    baselines = BulkInserter(PlanBaseline, BASELINE_COLUMNS)
    reports = BulkInserter(MonthlyProgress, REPORT_COLUMNS)
    for start in starts:
        with transaction.atomic():
            built = []
            step = steps["projects_project"]
            with step.timing():
                for i in range(start, min(start + CHUNK, projects)):
                    county = counties[i % len(counties)]
                    number = i // len(counties) + 1
                    values, stage_dates, investor = gen.project(number, county)
                    values["id"] = first[Project] + i
                    built.append((number, values, stage_dates, investor))
                step.rows += rows.copy(values for _n, values, _d, _i in built)
            step = steps["projects_stagedate"]
            with step.timing():
                step.rows += dates.copy(
                    {"project_id": v["id"], "stage": s, "actual_on": a, "planned_on": p}
                    for _n, v, d, _i in built
                    for s, a, p in d
                )
            step = steps["projects_projectinvestor"]
            with step.timing():
                step.rows += investors.copy(
                    {
                        "project_id": v["id"],
                        "enterprise_id": first[Enterprise] + inv,
                        "role": "lead",
                    }
                    for _n, v, _d, inv in built
                )
            step = steps["progress_annualplan"]
            with step.timing():
                plans = [
                    progress_demo.synthetic_plan(
                        n, v["id"], v["total_investment_wan"], v["stage"], YEAR, approved, gen.now
                    )
                    for n, v, _d, _i in built
                ]
                for plan in plans:
                    plan["id"] = first[AnnualPlan] + plan["project_id"] - first[Project]
                step.rows += plan_rows.copy(plans)
            step = steps["progress_planbaseline"]
            with step.timing():
                step.rows += baselines.copy(
                    {
                        "plan_id": p["id"], "number": 1,
                        "planned_investment_wan": p["planned_investment_wan"],
                        "planned_start": p["planned_start"],
                        "planned_completion": p["planned_completion"],
                        "reason": progress_demo.MARK, "approved_at": approved,
                    }
                    for p in plans
                )  # fmt: skip
            step = steps["progress_monthlyprogress"]
            with step.timing():
                step.rows += reports.copy(
                    row
                    for p in plans
                    for row in progress_demo.synthetic_reports(
                        p["project_id"], p["planned_investment_wan"], YEAR, months, gen.now
                    )
                )
        done = min(start + CHUNK, projects)
        if projects >= 10 * CHUNK and done % (10 * CHUNK) == 0:
            print(f"  {done:,} projects loaded", flush=True)


ENTERPRISE_COLUMNS = [
    "name", "country", "is_high_tech", "is_specialised", "is_synthetic", "created_at",
    "updated_at",
]  # fmt: skip
PLAN_COLUMNS = [
    "project_id", "year", "planned_investment_wan", "planned_start", "planned_completion",
    "status", "approved_at", "baseline_count", "is_synthetic", "created_at", "updated_at",
]  # fmt: skip
BASELINE_COLUMNS = [
    "plan_id", "number", "planned_investment_wan", "planned_start", "planned_completion",
    "reason", "approved_at",
]  # fmt: skip
REPORT_COLUMNS = [
    "project_id", "year", "month", "completed_wan", "funds_in_place_wan", "counted_wan",
    "physical_progress", "reported_at", "is_synthetic", "updated_at",
]  # fmt: skip


def _enterprise_values(firm, pk: int, now) -> dict:
    values = {name: getattr(firm, name) for name in ENTERPRISE_COLUMNS}
    values.update(id=pk, created_at=now, updated_at=now)
    return values


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def drop_keys_and_indexes(tables: list[str]) -> tuple[list, list]:
    """Drop the unique and foreign keys of `tables`, the keys of other tables that point
    at them, and their secondary indexes (primary keys stay); returns what
    `restore_keys_and_indexes` makes again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
            "FROM pg_constraint WHERE contype IN ('u', 'f') "
            "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) "
            "ORDER BY contype DESC",  # unique keys first when made again
            [tables, tables],
        )
        keys = cursor.fetchall()
        for table, name, _definition, _kind in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return keys, indexes


def restore_keys_and_indexes(deferred, rebuilt: Step, keys: Step) -> None:
    from django.db import connection

    dropped_keys, indexes = deferred
    with rebuilt.timing(), connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
            rebuilt.rows += 1
    with keys.timing(), connection.cursor() as cursor:
        for table, name, definition, _kind in dropped_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            keys.rows += 1


def print_load(steps: list[Step]) -> None:
    """Per table: rows, the time spent writing them (summed over the loading processes),
    this side's CPU and the database backends' CPU; then the phases' wall clock."""
    tables = [s for s in steps if s.name in TABLES]
    phases = [s for s in steps if s.name not in TABLES]
    print(
        f"bulk load (COPY):\n  {'step':<28} {'rows':>11} {'wall s':>8} {'cpu s':>7} "
        f"{'server cpu s':>12} {'rows/s':>9}"
    )
    for s in steps:
        if s.name == "COPY, all tables":  # the wall clock of the tables above
            s.cpu, s.server = sum(t.cpu for t in tables), sum(t.server for t in tables)
            s.rows = sum(t.rows for t in tables)
        rate = f"{s.rows / s.wall:9,.0f}" if s.rows > 100 and s.wall else ""
        print(f"  {s.name:<28} {s.rows:11,} {s.wall:8.1f} {s.cpu:7.1f} {s.server:12.1f} {rate}")
    wall = sum(s.wall for s in phases)
    print(
        f"  {'total':<28} {sum(t.rows for t in tables):11,} {wall:8.1f} "
        f"{sum(s.cpu for s in phases):7.1f} {sum(s.server for s in phases):12.1f}"
        f"   target < 600 s: {'met' if wall < 600 else 'MISSED'}"
    )


def naive_ratio(steps: list[Step], sample: int = 4000) -> None:
    """The monthly reports of `sample` projects written by the demo's `executemany`
    inserter (`BulkInserter.insert`) and by COPY, into the loaded table (its keys and
    indexes in place), each rolled back: rows per second and the ratio."""
    from django.db import transaction

    from zhaoshang.core.bulk import BulkInserter
    from zhaoshang.progress import demo as progress_demo
    from zhaoshang.progress.models import AnnualPlan, MonthlyProgress

    now = progress_demo._aware(progress_demo.latest_day(), 18)
    months = progress_demo.report_months(YEAR)
    plans = AnnualPlan.objects.filter(year=YEAR).values_list("project_id", "planned_investment_wan")
    rows = [
        {**row, "year": YEAR + 1}  # a year nobody reported yet: no key clashes
        for pid, planned in plans.order_by("pk")[:sample]
        for row in progress_demo.synthetic_reports(pid, planned, YEAR, months, now)
    ]
    inserter = BulkInserter(MonthlyProgress, REPORT_COLUMNS)
    rates = {}
    for way in ("insert", "copy"):
        with transaction.atomic():
            t0 = time.perf_counter()
            getattr(inserter, way)(rows)
            rates[way] = len(rows) / (time.perf_counter() - t0)
            transaction.set_rollback(True)
    print(
        f"monthly reports, {len(rows):,} rows into the loaded table: COPY {rates['copy']:,.0f} "
        f"rows/s vs executemany INSERT (the demo's) {rates['insert']:,.0f} rows/s: "
        f"{rates['copy'] / rates['insert']:.1f}x"
    )


# --------------------------------------------------------------------------- the pages


def county_user(data_dir: str, county: str):
    """A staff user of `county` (a bureau editor, as the demo's 常熟市 user), made once."""
    from django.contrib.auth import get_user_model

    from zhaoshang.core.models import Role
    from zhaoshang.demo.load import ensure_users
    from zhaoshang.regions.home import find_region

    region = find_region(county)
    if region is None or region.level != 3:
        sys.exit(f"--county {county!r} is no county of {HOME}")
    username = f"county{region.code}"
    label = f"{region.name} county staff"
    ensure_users(Path(data_dir), extra=[(username, Role.BUREAU_EDITOR, region.code, label)])
    return get_user_model().objects.get(username=username)


def print_counts(user) -> None:
    from zhaoshang.core.access import units_visible_to
    from zhaoshang.enterprises.models import Enterprise
    from zhaoshang.progress.models import MonthlyProgress
    from zhaoshang.projects.models import Project

    units = units_visible_to(user)
    mine = Project.objects.filter(unit_id__in=units).count()
    print(
        f"{Project.objects.count():,} projects, {MonthlyProgress.objects.count():,} monthly "
        f"reports, {Enterprise.objects.count():,} enterprises; {user.profile.unit.name}: "
        f"{mine:,} projects"
    )


PAGES = [("cockpit", "/"), ("ledger", "/projects/"), ("rates", "/progress/rates/")]
BUDGET = 0.5


def measure_pages(county, repeat: int, views=("county", "province")) -> None:
    sys.path.insert(0, str(ROOT))
    from django.contrib.auth import get_user_model
    from pages import _clerk_save  # bench/pages.py: a 锦丰镇 clerk's real monthly save

    leader = get_user_model().objects.get(username="leader")
    save = _clerk_save()
    print(
        f"pages: the first request (nothing computed yet), {repeat} warm requests (figures "
        f"kept), {max(3, repeat // 2)} right after a 锦丰镇 clerk saves a monthly report; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  {'page':<30} {'first ms':>9} {'median ms':>9} {'cpu ms':>7} {'queries':>7} "
        f"{'after save ms':>13} {'cpu':>6}  ratio"
    )
    results = {}
    try:
        for who, user in (("county", county), ("province", leader)):
            if who not in views:
                continue
            for page, url in PAGES:
                row = results[who, page] = measure(user, url, repeat, save)
                label = f"{page}, {user.profile.unit.name if who == 'county' else HOME}"
                ratio = ""
                if who == "province" and ("county", page) in results:
                    base = results["county", page]
                    ratio = f"province/county {row['median'] / base['median']:.1f}x"
                    if save:
                        ratio += f", after save {row['save'] / base['save']:.1f}x"
                print(
                    f"  {label:<30} {row['first'] * 1000:9.0f} {row['median'] * 1000:9.1f} "
                    f"{row['cpu'] * 1000:7.1f} {row['queries']:7d} "
                    f"{row.get('save', 0) * 1000:13.1f} {row.get('save_cpu', 0) * 1000:6.0f}  "
                    f"{ratio}"
                )
    finally:
        save.put_back()
    for who in ("county", "province"):
        slow = [
            f"{page} {what} {r[key] * 1000:.0f} ms"
            for (w, page), r in results.items()
            for what, key in (("median", "median"), ("after save", "save"), ("first", "first"))
            if w == who and r.get(key, 0) > BUDGET
        ]
        print(f"{who} pages over 500 ms: " + (", ".join(slow) or "none"))


def measure(user, url: str, repeat: int, save) -> dict:
    from django.db import connection
    from django.test import Client
    from pages import _cold  # bench/pages.py: the time right after a write

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    queries = []  # the test Client's request_started signal empties connection.queries

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        t0 = time.perf_counter()
        response = client.get(url)
        first = time.perf_counter() - t0
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert response.status_code == 200, (url, response.status_code)
    row = {
        "first": first,
        "median": statistics.median(times),
        "cpu": statistics.median(cpu),
        "queries": len(queries),  # of the first request: the warm ones reuse figures
    }
    if save:
        row["save"] = _cold(lambda: client.get(url), repeat, write=save)
        row["save_cpu"] = _cold.cpu
    return row


if __name__ == "__main__":
    main()
