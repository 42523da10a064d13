"""Benchmark the terminal app: cold start to the painted dashboard, and search as you type.

    .venv/bin/python bench/bench_app.py                      # 10,000-client caseload
    .venv/bin/python bench/bench_app.py --caseload /tmp/big  # build once, reuse after

Cold start runs each app in a fresh process on a pseudo-terminal of 120x40, the same
way for both, and times it from launch until its first full screen is painted and it
exits: the keyworker app unlocking with the passphrase from the environment and
painting the dashboard of the whole caseload, against a minimal Textual app that
paints one label. The deliberate key derivation of the unlock is timed inside the
process, reported on its own line and left out of the comparison. The app loads while
the key is derived, slowing the derivation a little, so the comparison is also given
with the derivation counted at its time on its own: the stricter of the two. Targets (issue 3):
at most 1.3 times the minimal app; search results painted within 50 ms of a keystroke.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_caseload import PASSPHRASE, build, percentile  # noqa: E402

from storage import CaseloadPaths  # noqa: E402
from storage.keyfile import KeyFile  # noqa: E402

RUNNER = ROOT / "bench" / "app_runner.py"

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("Hello")

    def on_mount(self):
        self.call_after_refresh(self.exit)

Minimal().run()
"""


def run_timed(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from launch to exit of one process in a terminal, and what it reported.

    The process reports its figures by writing them to the file named in
    BENCH_REPORT, since everything it prints goes to the terminal.
    """
    report = Path(tempfile.mkstemp(prefix="keyworker-bench-")[1])
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**env, "BENCH_REPORT": str(report), "TERM": "xterm-256color"}
    started = time.perf_counter()
    process = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    shown = bytearray()
    while True:  # the terminal: read everything the app paints until it exits
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    returncode = process.wait()
    elapsed = time.perf_counter() - started
    os.close(master)
    figures = report.read_text()
    report.unlink()
    if returncode != 0:
        tail = shown[-2000:].decode(errors="replace")
        raise SystemExit(f"{args[1]} failed ({returncode}):\n{tail}")
    return elapsed, figures


def kdf_alone(paths: CaseloadPaths, runs: int) -> float:
    """Seconds the caseload's key derivation takes with nothing else running."""
    key_file = KeyFile.load(paths.key_file)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        key_file.kdf.derive(PASSPHRASE, key_file.salt)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def cold_starts(paths: CaseloadPaths, runs: int) -> None:
    env = app_env(paths)
    minimal, app, kdf, clients = [], [], [], []
    for _ in range(runs):  # interleaved, so drift in the machine's speed hits both alike
        minimal.append(run_timed([sys.executable, "-c", MINIMAL_APP], env)[0])
        elapsed, out = run_timed([sys.executable, str(RUNNER), "--cold-start"], env)
        figures = dict(line.split("=", 1) for line in out.split() if "=" in line)
        app.append(elapsed)
        kdf.append(float(figures["kdf"]))
        clients.append(int(figures["rows"]))
    base, whole, derive = (statistics.median(x) for x in (minimal, app, kdf))
    alone = kdf_alone(paths, runs)
    print(f"Minimal Textual app, one label painted: {base * 1000:.0f} ms (median of {runs})")
    print(
        f"Key derivation during unlock (deliberate, left out below): {derive * 1000:.0f} ms "
        f"in the app, {alone * 1000:.0f} ms on its own"
    )
    print(
        f"Cold start to the painted dashboard ({clients[0]:,} clients): {whole * 1000:.0f} ms "
        f"in all, {(whole - derive) * 1000:.0f} ms besides key derivation "
        f"= {(whole - derive) / base:.2f} x the minimal app (target <= 1.3 x)"
    )
    # The app loads while the key is derived, and the two share the processor, so the
    # derivation takes longer in the app. Counting it at its time on its own instead:
    print(
        f"  counting key derivation at its time on its own: {(whole - alone) * 1000:.0f} ms "
        f"= {(whole - alone) / base:.2f} x the minimal app"
    )


def app_env(paths: CaseloadPaths) -> dict[str, str]:
    return {
        **os.environ,
        "KEYWORKER_HOME": str(paths.home),
        "KEYWORKER_PASSPHRASE": PASSPHRASE,
        "KEYWORKER_CONFIG_FILE": str(paths.home.parent / "bench-settings.json"),
        "PYTHONPATH": str(ROOT),
    }


def search_latency(paths: CaseloadPaths) -> None:
    _, out = run_timed([sys.executable, str(RUNNER), "--search"], app_env(paths))
    timings = [float(x) * 1000 for x in out.split("latencies=", 1)[1].split(",")]
    print(
        f"Search as you type: {len(timings)} keystrokes, results painted after median "
        f"{statistics.median(timings):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
        f"max {max(timings):.0f} ms (target <= 50 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--caseload", type=Path, help="build here and keep it (reused if present)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = args.caseload or Path(tempfile.mkdtemp(prefix="keyworker-bench-")) / "caseload"
    paths = CaseloadPaths(folder)
    try:
        if not paths.exists():
            build(paths, args.clients, 50, 1)
        cold_starts(paths, args.runs)
        search_latency(paths)
    finally:
        if not args.caseload:
            shutil.rmtree(folder.parent)


if __name__ == "__main__":
    main()
