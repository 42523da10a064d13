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
from storage import opening  # noqa: E402
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
    mode = sys.argv[1]
    start_opening = opening.open_in_background

    def open_in_background(*args, **kwargs):
        # The command starts unlocking before it imports the app; watch the app after.
        future = start_opening(*args, **kwargs)
        watch_app(mode)
        return future

    opening.open_in_background = open_in_background
    cli.main([])


def watch_app(mode: str) -> None:
    from screens.app import KeyworkerApp

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


async def type_queries(app, screen) -> None:
    """Type each query a key at a time, waiting for each keystroke's results to paint.

    As a keyworker would: escape to clear the last search, / to go to the box, then type.
    """
    import asyncio

    latencies = []
    for query in QUERIES:
        screen.action_clear_search()
        await asyncio.sleep(0.05)
        screen.action_search()  # pressing / puts the cursor in the search box
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
