"""Benchmark the caseload store on a large demo caseload and print the figures.

    .venv/bin/python bench/bench_caseload.py             # 10,000 clients x ~50 notes
    .venv/bin/python bench/bench_caseload.py --clients 1000 --keep /tmp/bench-caseload
    .venv/bin/python bench/bench_caseload.py --appointments 0   # notes only, as in issue 2

Figures: generation rate (demo generator through storage, audit and search index
included), unlock-and-open time (the deliberate key derivation reported on its own line),
full-text search latency over 100 varied queries, full record load time, database size.
The demo's appointments (about 20 a client: 200,000 for 10,000 clients) are made and
saved with the notes, so bench_agenda.py can measure the agenda on the same caseload.
Targets (issue 2): search p95 <= 30 ms, record load <= 50 ms, >= 20,000 notes/s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyworker import demo
from keyworker.cli import fill_with_demo
from keyworker.models import ClientRecord
from storage import Caseload, CaseloadPaths
from storage.keyfile import KeyFile

PASSPHRASE = "benchmark passphrase"
TODAY = date(2026, 11, 22)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def build(paths: CaseloadPaths, clients: int, notes: int, seed: int, appointments: int = 20) -> int:
    """Fill a new caseload with the demo; returns the number of appointments in it."""
    caseload = Caseload.create(paths, PASSPHRASE, "Bench Worker", "Bench Service")
    booked: set[object] = set()
    records = counted(
        demo.generate(
            clients,
            seed,
            TODAY,
            "Bench Worker",
            notes_per_client=notes,
            appointments_per_client=appointments,
        ),
        booked,
    )

    def progress(done: int) -> None:
        print(f"\r  generating: {done}/{clients} clients", end="", file=sys.stderr)

    started = time.perf_counter()
    with caseload:
        written = fill_with_demo(caseload, records, progress)
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    both = (written + len(booked)) / elapsed
    print(
        f"Generation: {clients:,} clients, {written:,} notes and {len(booked):,} appointments "
        f"in {elapsed:.1f} s = {written / elapsed:,.0f} notes/s, {both:,.0f} notes and "
        "appointments/s (target >= 20,000 notes/s; --appointments 0 for notes alone)"
    )
    return len(booked)


def counted(records: Iterable[ClientRecord], booked: set[object]) -> Iterator[ClientRecord]:
    """The records, noting each appointment's id (a group session's copies count once)."""
    for record in records:
        booked.update(a.id for a in record.appointments)
        yield record


def queries(caseload: Caseload, rng: random.Random) -> list[str]:
    """100 queries of the kinds a keyworker types: names, refs, identifiers, note words."""
    summaries = caseload.clients()
    sample = rng.sample(summaries, 20)
    refs = [s.case_ref for s in sample[:10]] + [s.case_ref[3:6] for s in sample[10:15]]
    names = [s.legal_name.split()[-1] for s in sample[:10]]
    names += [s.display_name.split()[0][:3] for s in sample[10:20]]
    identifiers = []
    for s in sample:
        ids = caseload.client(s.id).identifiers
        identifiers += [x for x in (ids.prison_number, ids.crn, ids.pnc) if x]
    words = [
        "housing",
        "benefits",
        "GP",
        "probation",
        "appointment",
        "bank account",
        "ID",
        "recovery",
        "court",
        "rent arrears",
        "universal credit",
        "missed",
        "job centre",
        "tenancy",
        "methadone",
        "children",
        "debt",
        "food bank",
        "ho",
        "ben",
        "zzzqx",
        "counselling",
        "mental health",
        "licence",
        "curfew",
    ]
    mixed = refs + names + identifiers[:20] + words
    while len(mixed) < 100:
        mixed.append(rng.choice(words) + " " + rng.choice(names))
    return mixed[:100]


def measure(paths: CaseloadPaths) -> None:
    key_file = KeyFile.load(paths.key_file)
    derivations = []
    for _ in range(3):
        started = time.perf_counter()
        key_file.kdf.derive(PASSPHRASE, key_file.salt)
        derivations.append(time.perf_counter() - started)
    kdf_seconds = statistics.median(derivations)

    started = time.perf_counter()
    caseload = Caseload.open(paths, PASSPHRASE)
    open_seconds = time.perf_counter() - started
    print(
        f"Key derivation (Argon2id, deliberate): {kdf_seconds * 1000:.0f} ms "
        f"(median of 3; {key_file.kdf.memory_kib // 1024} MiB, "
        f"{key_file.kdf.iterations} passes)"
    )
    print(
        f"Unlock and open: {open_seconds * 1000:.0f} ms in all, "
        f"{(open_seconds - kdf_seconds) * 1000:.0f} ms besides key derivation"
    )

    rng = random.Random(7)
    with caseload:
        texts = queries(caseload, rng)
        caseload.search("warm up")
        timings, found = [], 0
        for text in texts:
            started = time.perf_counter()
            found += bool(caseload.search(text))
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"Search: {len(texts)} queries ({found} found something), median "
            f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
            f"max {max(timings):.1f} ms (target p95 <= 30 ms)"
        )

        ids = [s.id for s in rng.sample(caseload.clients(), 100)]
        loads, notes = [], 0
        for client_id in ids:
            started = time.perf_counter()
            notes += len(caseload.record(client_id).notes)
            loads.append((time.perf_counter() - started) * 1000)
        print(
            f"Record load: 100 whole records ({notes / 100:.0f} notes each on average), "
            f"median {statistics.median(loads):.1f} ms, p95 {percentile(loads, 95):.1f} ms "
            "(target <= 50 ms)"
        )
        counts = caseload.counts()
    size = sum(p.stat().st_size for p in paths.home.iterdir())
    print(
        f"Database size: {size / 1024 / 1024:.0f} MiB for {counts['clients']:,} clients, "
        f"{counts['case_notes']:,} notes, {counts['audit']:,} audit entries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=50, help="average notes per client")
    parser.add_argument(
        "--appointments", type=int, default=20, help="average appointments per client"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build here and keep it (reused if present)")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="keyworker-bench-")) / "caseload"
    paths = CaseloadPaths(folder)
    try:
        if not paths.exists():
            build(paths, args.clients, args.notes, args.seed, args.appointments)
        measure(paths)
    finally:
        if not args.keep:
            shutil.rmtree(folder.parent)


if __name__ == "__main__":
    main()
