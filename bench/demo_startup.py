"""Time from `zhaoshang demo` start to `/healthz` answering 200.

Fresh: an empty data folder (migrations, reference data, demo facts, users).
Reused: the same folder again (the goal in the foundation issue: under 10 s).
Prints the median of --runs runs of each.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_healthz(data_dir: str, timeout: float = 120) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = data_dir
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "zhaoshang", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("healthz never answered")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fresh, reused = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            fresh.append(time_to_healthz(tmp))
            reused.append(time_to_healthz(tmp))
    print(
        f"demo start -> /healthz 200, fresh data folder : median {statistics.median(fresh):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in fresh)})"
    )
    print(
        f"demo start -> /healthz 200, reused data folder: median {statistics.median(reused):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in reused)})  goal < 10 s"
    )


if __name__ == "__main__":
    main()
