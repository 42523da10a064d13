"""Runs the real `keyworker` command for bench_app.py and reports figures to BENCH_REPORT.

    --cold-start  exit as soon as the dashboard has painted the whole caseload
    --search      then type queries into the search box, timing each keystroke until its
                  results are painted

Key derivation is timed by wrapping it, so the benchmark can leave it out.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyworker import cli  # noqa: E402
from storage.keyfile import KdfParams  # noqa: E402

QUERIES = ("housing", "price", "benefits", "KW-", "court", "rent arrears")
kdf_seconds = 0.0
_derive = KdfParams.derive


def _timed_derive(self: KdfParams, passphrase: str, salt: bytes) -> bytes:
    global kdf_seconds
    started = time.perf_counter()
    try:
        return _derive(self, passphrase, salt)
    finally:
        kdf_seconds += time.perf_counter() - started


KdfParams.derive = _timed_derive  # type: ignore[method-assign]


def report(text: str) -> None:
    Path(os.environ["BENCH_REPORT"]).write_text(text)


def main() -> None:
    from screens.app import KeyworkerApp

    mode = sys.argv[1]
    mounted = KeyworkerApp.on_mount

    def on_mount(app: KeyworkerApp) -> None:
        mounted(app)
        watcher = None

        def check() -> None:
            screen = app.screen
            # By name: importing the dashboard here would time its import before unlocking.
            if type(screen).__name__ == "DashboardScreen" and screen.ready:
                watcher.stop()
                rows = screen.row_count
                if mode == "--cold-start":
                    app.call_after_refresh(
                        lambda: (report(f"kdf={kdf_seconds} rows={rows}"), app.exit())
                    )
                else:
                    app.run_worker(type_queries(app, screen))

        watcher = app.set_interval(0.002, check)

    KeyworkerApp.on_mount = on_mount  # type: ignore[method-assign]
    cli.main([])


async def type_queries(app, screen) -> None:
    """Type each query a key at a time, waiting for each keystroke's results to paint."""
    import asyncio

    latencies = []
    for query in QUERIES:
        screen.action_clear_search()
        await asyncio.sleep(0.05)
        for end in range(1, len(query) + 1):
            painted = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            screen.search_for(query[:end], lambda p=painted: p.set_result(time.perf_counter()))
            latencies.append(await painted - started)
            await asyncio.sleep(0.03)  # a brisk typist: about 30 keys a second
    report("latencies=" + ",".join(f"{x:.6f}" for x in latencies))
    app.exit()


if __name__ == "__main__":
    main()
