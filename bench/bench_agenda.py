"""Benchmark the agenda: a week across the 10,000-client caseload with 200,000 appointments.

    .venv/bin/python bench/bench_agenda.py                      # build, measure, delete
    .venv/bin/python bench/bench_agenda.py --caseload /tmp/big  # build once, reuse after

The caseload is the one bench_caseload.py builds (10,000 clients, about 50 notes each);
appointments are added to it here, 200,000 over the year around today: one-to-ones,
home visits, accompanied appointments and weekly group sessions of six, with a mix of
outcomes for the past ones. The agenda screen then runs in a Textual app (headless, at
120x40) and is asked for one week after another; each is timed from the key press to
the week painted on screen, with the database query (done in the screen's worker)
reported apart from the painting. Target (issue 6): at most 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_caseload import PASSPHRASE, TODAY, build, percentile  # noqa: E402
from textual.app import App  # noqa: E402

from keyworker.appointments import Appointment, Attendance  # noqa: E402
from keyworker.bulk import fewer_gc_pauses  # noqa: E402
from keyworker.clock import FixedClock  # noqa: E402
from keyworker.settings import Settings  # noqa: E402
from keyworker.times import week_of, zone_named  # noqa: E402
from storage import Caseload, CaseloadPaths  # noqa: E402

APPOINTMENTS = 200_000
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
ZONE = "Europe/London"
BATCH = 5_000
GROUP_SIZE = 6
ONE_PERSON_KINDS = (
    ("one_to_one", 40),
    ("home_visit", 15),
    ("phone", 12),
    ("video", 5),
    ("prison_visit", 5),
    ("accompanied_gp", 4),
    ("accompanied_housing", 4),
    ("accompanied_probation", 4),
    ("accompanied_benefits", 3),
)
OUTCOMES = (
    ("attended", 62),
    ("attended_late", 8),
    ("did_not_attend", 14),
    ("cancelled_by_person", 6),
    ("cancelled_by_service", 3),
    (None, 7),
)
PLACES = ("Northgate office", "Hill Street surgery", "Civic Centre", "HMP Leeds", "")


def pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def made_up(clients: list, count: int, seed: int) -> Iterator[Appointment]:
    """`count` appointments on working days from 40 weeks before today to 12 after.

    One in fifty is a group session of six, so the people booked number a little more
    than the appointments.
    """
    rng = random.Random(seed)
    zone = zone_named(ZONE)
    first = TODAY - timedelta(weeks=40)
    days = [first + timedelta(days=n) for n in range(52 * 7)]
    days = [d for d in days if d.weekday() < 5]
    for _ in range(count):
        day = rng.choice(days)
        start = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.choice((0, 30)))
        start = start.replace(tzinfo=zone).astimezone(UTC)
        group = rng.random() < 0.02
        people = rng.sample(clients, GROUP_SIZE) if group else [rng.choice(clients)]
        past = start < NOW
        yield Appointment(
            start=start,
            end=start + timedelta(minutes=rng.choice((30, 60, 60, 90))),
            kind="group_session" if group else str(pick(rng, ONE_PERSON_KINDS)),
            title="Thinking skills group" if group else "",
            location=rng.choice(PLACES),
            people=[
                Attendance(
                    client_id=p,
                    outcome=pick(rng, OUTCOMES) if past else None,
                    recorded_at=start if past else None,
                )
                for p in people
            ],
        )


def add_appointments(paths: CaseloadPaths, count: int, seed: int) -> None:
    started = time.perf_counter()
    with Caseload.open(paths, PASSPHRASE) as caseload, fewer_gc_pauses():
        clients = [s.id for s in caseload.clients()]
        batch: list[Appointment] = []
        done = 0
        for appointment in made_up(clients, count, seed):
            batch.append(appointment)
            if len(batch) == BATCH:
                caseload.book(batch)
                done += len(batch)
                batch = []
                print(f"\r  booking: {done:,}/{count:,}", end="", file=sys.stderr)
        if batch:
            caseload.book(batch)
    print(file=sys.stderr)
    print(
        f"Booked {count:,} appointments for {len(clients):,} clients "
        f"in {time.perf_counter() - started:.1f} s"
    )


def people_booked(paths: CaseloadPaths) -> int:
    """How many people are booked on appointments, all told (0 before any are added)."""
    with Caseload.open(paths, PASSPHRASE) as caseload:
        figures = caseload.attendance(
            datetime(2000, 1, 1, tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
        )
        return figures.not_recorded + sum(figures.counts.values())


class AgendaHost(App[None]):
    """The agenda on its own, as the app shows it."""

    def __init__(self, caseload: Caseload) -> None:
        super().__init__()
        self.caseload = caseload
        self.settings = Settings()

    def on_mount(self) -> None:
        from screens.agenda import AgendaScreen

        self.push_screen(AgendaScreen(self.caseload, FixedClock(NOW), zone_named(ZONE)))


async def time_weeks(caseload: Caseload, weeks: int) -> list[tuple[float, float, int]]:
    """(seconds asked to painted, seconds of it querying, lines) for each week shown."""
    from screens.agenda import AgendaScreen

    app = AgendaHost(caseload)
    figures = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not (isinstance(screen, AgendaScreen) and screen.ready):
            await pilot.pause(0.01)
            screen = app.screen
        monday = week_of(TODAY)[0]
        for n in range(weeks):
            week = monday + timedelta(weeks=n - weeks // 2)
            painted = asyncio.Event()
            started = time.perf_counter()
            screen.show_week(week, painted=painted.set)
            await asyncio.wait_for(painted.wait(), 30)
            elapsed = time.perf_counter() - started
            figures.append((elapsed, screen.query_seconds, screen.line_count))
    return figures


def measure(paths: CaseloadPaths, weeks: int) -> None:
    with Caseload.open(paths, PASSPHRASE, clock=FixedClock(NOW)) as caseload:
        figures = asyncio.run(time_weeks(caseload, weeks))
    totals = [f[0] * 1000 for f in figures]
    queries = [f[1] * 1000 for f in figures]
    paints = [t - q for t, q in zip(totals, queries, strict=True)]
    lines = [f[2] for f in figures]
    print(
        f"Agenda weeks: {len(figures)} weeks of {min(lines):,} to {max(lines):,} lines "
        f"(median {statistics.median(lines):,.0f})"
    )
    for name, values in (("query", queries), ("paint", paints), ("asked to painted", totals)):
        print(
            f"  {name}: median {statistics.median(values):.0f} ms, "
            f"p95 {percentile(values, 95):.0f} ms, max {max(values):.0f} ms"
        )
    print("  (target: asked to painted at most 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--appointments", type=int, default=APPOINTMENTS)
    parser.add_argument("--caseload", type=Path, help="build here and keep it (reused if present)")
    parser.add_argument("--weeks", type=int, default=20, help="weeks to time, around today")
    args = parser.parse_args()

    folder = args.caseload or Path(tempfile.mkdtemp(prefix="keyworker-bench-")) / "caseload"
    paths = CaseloadPaths(folder)
    try:
        if not paths.exists():
            build(paths, args.clients, 50, 1)
        if people_booked(paths) == 0:
            add_appointments(paths, args.appointments, 1)
        measure(paths, args.weeks)
    finally:
        if not args.caseload:
            shutil.rmtree(folder.parent)


if __name__ == "__main__":
    main()
