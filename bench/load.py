"""Load test: a month-end rush against a real server (issue #13).

Starts `zhaoshang serve` (waitress, as the product serves it) in a subprocess on a free
port with a fresh data folder (SQLite, or a private PostgreSQL database created and
dropped here), loads the demo with 10,000 synthetic projects, then for `--duration`
seconds runs, all at once:

- 50 town editors saving last month's figures: each opens the monthly entry page, then
  for each project of its own (a disjoint slice of its town's projects) reads the months
  through the progress API and saves the month with the report's `version`;
- 20 clerks on the ledger: filtered and searched pages of /projects/, a project page;
- 10 leaders on the cockpit: /, a filtered panel (the htmx partial), /progress/ and its
  warnings.

Every user signs in once through /login/ before the clock starts and keeps its session,
as people do: a sign-in costs a deliberately slow password hash, and only failed ones
count towards the login throttling, so 80 from 127.0.0.1 trip nothing. Users
arrive within the first 2 × `--think` seconds and wait `--think` seconds (mean,
exponential; 5 s: a person reads the page or types a figure) between requests;
`--think 0` is a stress test.

Printed: requests/s, p50 and p99 per page, errors by status, and the lost-save check:
every save the server accepted (2xx) must be in the database at the end, with the last
accepted value of its project and month.

The client is asyncio with aiohttp: 80 users are 80 coroutines in one process, light
enough to leave the two cores to the server, and the check of accepted saves needs our
own bookkeeping anyway (Locust would add gevent and its own report for no gain here).

    python bench/load.py                         # SQLite, 2 minutes
    python bench/load.py --quick                 # 20 s
    python bench/load.py --db postgres --threads 16
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-pw-2026"
PG_BASE = "postgresql://postgres@127.0.0.1:5432"


# --------------------------------------------------------------------------- setup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zhaoshang(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "zhaoshang", *args], env=env, check=True, **kwargs)


def create_pg_database(name: str) -> str:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qtAc"]
    subprocess.run(
        [*psql, f'DROP DATABASE IF EXISTS "{name}"'], check=True, stderr=subprocess.DEVNULL
    )
    subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
    return f"{PG_BASE}/{name}"


def drop_pg_database(name: str) -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qtAc"]
    subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False)


def django_setup(env) -> None:
    """Django in this process too, on the server's database: to make the users before and
    to check the saves after (never while the load runs)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()


@dataclass
class Plan:
    month: tuple[int, int]
    editors: list[tuple[str, str, list[str]]]  # username, unit, own project codes
    clerks: list[str]
    leaders: list[str]
    units: list[str]
    codes: list[str]  # some project codes for the clerks' project pages
    queries: list[str]  # words for the clerks' searches


def make_users(n_editors: int, n_clerks: int, n_leaders: int, per_editor: int) -> Plan:
    """Bench users with one password (hashed once); each editor gets its own projects."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connections
    from django.db.models import Count

    from zhaoshang.core.models import UserProfile
    from zhaoshang.projects.models import Project

    User = get_user_model()
    hashed = make_password(PASSWORD)
    units = [
        row["unit_id"]
        for row in Project.objects.filter(code__contains="SYN", unit_id__isnull=False)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    ]
    by_unit = {
        u: list(
            Project.objects.filter(unit_id=u, code__contains="SYN")
            .order_by("code")
            .values_list("code", flat=True)
        )
        for u in units
    }
    editors, taken = [], Counter()
    for i in range(n_editors):
        unit = units[i % len(units)]
        start = taken[unit] * per_editor
        taken[unit] += 1
        editors.append((f"load_editor{i:02d}", unit, by_unit[unit][start : start + per_editor]))
    roles = [(name, "town_editor", unit) for name, unit, _c in editors]
    roles += [(f"load_clerk{i:02d}", "bureau_editor", None) for i in range(n_clerks)]
    roles += [(f"load_leader{i:02d}", "leader", None) for i in range(n_leaders)]
    for name, role, unit in roles:
        user, _ = User.objects.update_or_create(username=name, defaults={"password": hashed})
        UserProfile.objects.update_or_create(user=user, defaults={"role": role, "unit_id": unit})
    today = datetime.date.today()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    names = list(Project.objects.filter(code__contains="SYN").values_list("name", flat=True)[:200])
    queries = sorted({n[4:6] for n in names if len(n) > 6})[:20] or ["项目"]
    codes = [c for _n, _u, own in editors for c in own[:2]]
    connections.close_all()
    return Plan(
        month=(last.year, last.month),
        editors=editors,
        clerks=[n for n, r, _u in roles if r == "bureau_editor"],
        leaders=[n for n, r, _u in roles if r == "leader"],
        units=units,
        codes=codes,
        queries=queries,
    )


# --------------------------------------------------------------------------- the load


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steady: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    warm_until: float = float("inf")  # requests started after this are "steady"
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    accepted: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    saves: Counter = field(default_factory=Counter)
    first_error: dict[str, str] = field(default_factory=dict)

    def record(self, page, started, status, body=""):
        self.times[page].append(time.perf_counter() - started)
        if started >= self.warm_until:
            self.steady[page].append(time.perf_counter() - started)
        if not 200 <= status < 400:
            self.errors[page][status] += 1
            self.first_error.setdefault(f"{page} {status}", body[:300])


class User:
    def __init__(self, base: str, name: str, stats: Stats, think: float, rng: random.Random):
        import aiohttp

        self.base, self.name, self.stats, self.think, self.rng = base, name, stats, think, rng
        self.until = float("inf")  # the end of the rush: no request starts after it
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            timeout=aiohttp.ClientTimeout(total=60),
            headers={"Accept-Language": "zh-hans"},
        )

    async def login(self) -> None:
        async with self.session.get(f"{self.base}/login/") as r:
            await r.read()
        token = self.csrf()
        data = {"username": self.name, "password": PASSWORD, "csrfmiddlewaretoken": token}
        async with self.session.post(
            f"{self.base}/login/", data=data, allow_redirects=False, headers={"Referer": self.base}
        ) as r:
            await r.read()
            if r.status != 302:
                raise RuntimeError(f"{self.name} could not sign in: {r.status}")

    def csrf(self) -> str:
        for cookie in self.session.cookie_jar:
            if cookie.key == "csrftoken":
                return cookie.value
        return ""

    def over(self) -> bool:
        return time.perf_counter() >= self.until

    async def pause(self) -> None:
        if self.think:
            left = max(0.0, self.until - time.perf_counter())
            await asyncio.sleep(min(left, self.rng.expovariate(1 / self.think)))

    async def get(self, page: str, path: str, **kwargs):
        import aiohttp

        if self.over():
            return 0, b""
        started = time.perf_counter()
        try:
            async with self.session.get(f"{self.base}{path}", **kwargs) as r:
                body = await r.read()
                self.stats.record(page, started, r.status, body.decode(errors="replace"))
                return r.status, body
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.stats.record(page, started, 599, type(exc).__name__)
            return 599, b""

    async def put_json(self, page: str, path: str, payload: dict):
        import aiohttp

        if self.over():
            return 0, b""
        started = time.perf_counter()
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.base}
        try:
            async with self.session.put(f"{self.base}{path}", json=payload, headers=headers) as r:
                body = await r.read()
                self.stats.record(page, started, r.status, body.decode(errors="replace"))
                return r.status, body
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.stats.record(page, started, 599, type(exc).__name__)
            return 599, b""


async def editor(user: User, own: list[str], month: tuple[int, int], index: int):
    import json

    year, m = month
    label = f"{year}-{m:02d}"
    seq = 0
    await user.get("editor: entry page", f"/progress/entry/?month={label}")
    while not user.over():
        for code in own:
            if user.over():
                return
            status, body = await user.get(
                "editor: months (API GET)", f"/api/v1/progress/projects/{code}/months?year={year}"
            )
            if status != 200:  # 0: the rush is over
                await user.pause()
                continue
            report = next((x["report"] for x in json.loads(body) if x["month"] == label), None)
            seq += 1
            value = Decimal(f"{100 + seq}.{index:02d}")  # unique per editor and save
            payload = {"completed_wan": str(value), "funds_in_place_wan": "50"}
            if report is not None:
                payload["version"] = report["version"]
            if user.over():
                return
            user.stats.saves["sent"] += 1
            status, _ = await user.put_json(
                "editor: save month (API PUT)",
                f"/api/v1/progress/projects/{code}/months/{label}",
                payload,
            )
            if 200 <= status < 300:
                user.stats.accepted[(code, label)] = value
                user.stats.saves["accepted"] += 1
            await user.pause()
        await user.get("editor: entry page", f"/progress/entry/?month={label}")


async def clerk(user: User, plan: Plan):
    stages = ["signed", "started", "in_production", ""]
    while not user.over():
        r = user.rng
        params = {"unit": r.choice(plan.units), "stage": r.choice(stages), "page": r.randint(1, 5)}
        await user.get("clerk: ledger filtered", "/projects/", params=params)
        await user.pause()
        await user.get("clerk: ledger search", "/projects/", params={"q": r.choice(plan.queries)})
        await user.pause()
        await user.get("clerk: project page", f"/projects/{r.choice(plan.codes)}/")
        await user.pause()


async def leader(user: User, plan: Plan):
    while not user.over():
        r = user.rng
        await user.get("leader: cockpit", "/")
        await user.pause()
        await user.get(
            "leader: cockpit panel (htmx)",
            "/",
            params={"unit": r.choice(plan.units)},
            headers={"HX-Request": "true"},
        )
        await user.pause()
        await user.get("leader: progress overview", "/progress/")
        await user.pause()
        await user.get("leader: warnings", "/progress/warnings/")
        await user.pause()


async def run_load(bases: list[str], plan: Plan, duration: float, think: float, seed: int):
    stats = Stats()
    rng = random.Random(seed)
    names = [e[0] for e in plan.editors] + plan.clerks + plan.leaders
    users = {
        name: User(bases[i % len(bases)], name, stats, think, random.Random(rng.random()))
        for i, name in enumerate(names)
    }
    started = time.perf_counter()
    sem = asyncio.Semaphore(4)  # sign-ins hash a password each: not part of the rush

    async def login(u):
        async with sem:
            await u.login()

    await asyncio.gather(*(login(u) for u in users.values()))
    print(f"  {len(users)} users signed in in {time.perf_counter() - started:.1f} s", flush=True)
    until = time.perf_counter() + duration
    # Arrivals and cold caches (each server thread's first connection, SQLite's page
    # cache) come first: "steady" leaves out the first 2 × think + 10 seconds.
    stats.warm_until = time.perf_counter() + 2 * think + 10
    for u in users.values():
        u.until = until

    async def arrive(user, work):
        # People do not all click at the same instant: each arrives within the first
        # 2 × think seconds (think 0: all at once, a stress test).
        await asyncio.sleep(user.rng.uniform(0, 2 * think))
        await work

    tasks = [
        editor(users[name], own, plan.month, i) for i, (name, _unit, own) in enumerate(plan.editors)
    ]
    tasks += [clerk(users[n], plan) for n in plan.clerks]
    tasks += [leader(users[n], plan) for n in plan.leaders]
    t0 = time.perf_counter()
    await asyncio.gather(*tasks)
    stats.elapsed = time.perf_counter() - t0  # type: ignore[attr-defined]
    await asyncio.gather(*(u.session.close() for u in users.values()))
    return stats


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def baseline(base: str, plan: Plan) -> None:
    """Each page alone (median of 3) before the rush, as a clerk (the leaders' pages need
    no more rights): what a request costs when nothing else runs on the server."""
    import urllib.parse

    user = User(base, plan.clerks[0], Stats(), 0, random.Random(0))
    await user.login()
    year, month = plan.month
    code = urllib.parse.quote(plan.codes[0])
    pages = [
        ("leader: cockpit", "/"),
        ("leader: cockpit panel (htmx)", f"/?unit={plan.units[0]}"),
        ("leader: progress overview", "/progress/"),
        ("leader: warnings", "/progress/warnings/"),
        ("clerk: ledger filtered", f"/projects/?unit={plan.units[0]}&stage=started&page=3"),
        ("clerk: ledger search", f"/projects/?q={plan.queries[0]}"),
        ("clerk: project page", f"/projects/{code}/"),
        ("editor: entry page", f"/progress/entry/?month={year}-{month:02d}&unit={plan.units[0]}"),
        ("editor: months (API GET)", f"/api/v1/progress/projects/{code}/months?year={year}"),
    ]
    print("each page alone (median of 3), before the rush:")
    for label, path in pages:
        for _ in range(3):
            await user.get(label, path)
        times = sorted(user.stats.times[label])
        print(f"  {label:34} {times[1] * 1000:6.0f} ms  {dict(user.stats.errors[label]) or ''}")
    await user.session.close()


# --------------------------------------------------------------------------- results


def lost_saves(stats: Stats) -> tuple[int, list[str]]:
    """Accepted saves whose last value is not what the database holds."""
    from zhaoshang.progress.models import MonthlyProgress

    lost, examples = 0, []
    by_code = defaultdict(dict)
    for (code, label), value in stats.accepted.items():
        by_code[code][label] = value
    rows = {
        (r.project.code, f"{r.year}-{r.month:02d}"): r.completed_wan
        for r in MonthlyProgress.objects.filter(project__code__in=list(by_code)).select_related(
            "project"
        )
    }
    for key, value in stats.accepted.items():
        stored = rows.get(key)
        if stored is None or Decimal(stored) != value:
            lost += 1
            if len(examples) < 5:
                examples.append(f"{key}: accepted {value}, stored {stored}")
    return lost, examples


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(stats: Stats, lost: int, examples: list[str], args, setup: dict) -> bool:
    elapsed = stats.elapsed  # type: ignore[attr-defined]
    errors = sum(sum(c.values()) for c in stats.errors.values())
    print(
        f"\n== {args.db}, {args.processes} × `zhaoshang serve --threads {args.threads}`, "
        f"{elapsed:.0f} s, "
        f"{args.editors} editors + {args.clerks} clerks + {args.leaders} leaders, "
        f"think {args.think} s, {setup['projects']:,} projects"
    )
    print(
        f"{'page':34} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
        f" {'steady p50':>10} {'p99':>6}  errors"
    )

    def row(name, t, steady, errs):
        print(
            f"{name:34} {len(t):8} {len(t) / elapsed:6.1f} {pct(t, 0.5) * 1000:7.0f} "
            f"{pct(t, 0.99) * 1000:7.0f} {max(t) * 1000:7.0f} {pct(steady, 0.5) * 1000:10.0f} "
            f"{pct(steady, 0.99) * 1000:6.0f}  {errs}"
        )

    for page in sorted(stats.times):
        errs = ", ".join(f"{s}×{n}" for s, n in sorted(stats.errors[page].items())) or "0"
        row(page, stats.times[page], stats.steady[page], errs)
    row(
        "all",
        [x for t in stats.times.values() for x in t],
        [x for t in stats.steady.values() for x in t],
        errors,
    )
    print(
        f"saves: {stats.saves['sent']} sent, {stats.saves['accepted']} accepted, "
        f"{len(stats.accepted)} project-months; lost saves: {lost}"
    )
    for line in examples:
        print("  lost:", line)
    for key, body in list(stats.first_error.items())[:8]:
        print(f"  first {key}: {' '.join(body.split())[:200]}")
    print(
        f"server CPU: {setup['cpu']:.0f} s in {elapsed:.0f} s = {setup['cpu'] / elapsed:.2f} "
        f"cores; machine load average {setup['load'][0]:.1f} before, {setup['load'][1]:.1f} after "
        f"({os.cpu_count()} cores)"
    )
    worst = max(pct(t, 0.99) for t in stats.times.values())
    worst_steady = max((pct(t, 0.99) for t in stats.steady.values() if t), default=0)
    ok = errors == 0 and lost == 0 and worst < 2.0
    print(
        f"goal (0 errors, 0 lost saves, p99 < 2 s on every page): {'met' if ok else 'NOT met'}"
        f"; worst page p99 {worst:.1f} s, {worst_steady:.1f} s steady "
        "(requests started after the first 2 × think + 10 s of arrivals)"
    )
    return ok


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (120)")
    parser.add_argument("--quick", action="store_true", help="20 s of load")
    parser.add_argument("--projects", type=int, default=10_000, help="synthetic projects")
    parser.add_argument("--threads", type=int, default=8, help="`zhaoshang serve --threads`")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes, each `zhaoshang serve` on its own port; users are spread "
        "over them as a reverse proxy would (1)",
    )
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--per-editor", type=int, default=20, help="projects per editor")
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean pause (s) between a user's requests (5)"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--data-dir", help="reuse this data folder (kept); default: fresh")
    parser.add_argument("--keep", action="store_true", help="keep the fresh data folder")
    args = parser.parse_args()
    if args.quick:
        args.duration = 20

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="zs-load-"))
    env = {**os.environ, "ZHAOSHANG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    pg_name = f"zs_load_{os.getpid()}"
    if args.db == "postgres":
        env["DATABASE_URL"] = create_pg_database(pg_name)
    servers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        zhaoshang(env, "demo", "--synthetic", str(args.projects), "--no-serve",
                  stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"demo with {args.projects:,} synthetic projects: "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        django_setup({k: v for k, v in env.items() if k in ("ZHAOSHANG_DATA_DIR", "DATABASE_URL")})
        plan = make_users(args.editors, args.clerks, args.leaders, args.per_editor)
        from zhaoshang.projects.models import Project

        setup = {"projects": Project.objects.count()}
        from django.db import connections

        connections.close_all()
        logs, servers, bases = [], [], []
        for i in range(args.processes):
            port = free_port()
            log = open(data_dir / f"load-server-{i}.log", "w+")
            logs.append(log)
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "zhaoshang",
                        "serve",
                        "--no-migrate",
                        "--port",
                        str(port),
                        "--threads",
                        str(args.threads),
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    text=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers, strict=True):
            wait_until_up(base, server)
        asyncio.run(baseline(bases[0], plan))
        cpu_before = [cpu_seconds(s.pid) for s in servers]
        load_before = os.getloadavg()[0]
        stats = asyncio.run(run_load(bases, plan, args.duration, args.think, args.seed))
        cpu = sum(cpu_seconds(s.pid) for s in servers) - sum(cpu_before)
        setup["cpu"], setup["load"] = cpu, (load_before, os.getloadavg()[0])
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        servers = []
        err = ""
        for log in logs:
            log.seek(0)
            err += log.read()
        tracebacks = err.count("Traceback")
        lost, examples = lost_saves(stats)
        connections.close_all()
        ok = report(stats, lost, examples, args, setup)
        if tracebacks:
            print(f"server log: {tracebacks} tracebacks; last lines:")
            print("\n".join(err.strip().splitlines()[-12:]))
        return 0 if ok else 1
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        if args.db == "postgres":
            drop_pg_database(pg_name)
        if not args.data_dir and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not answer /healthz")


if __name__ == "__main__":
    sys.exit(main())
