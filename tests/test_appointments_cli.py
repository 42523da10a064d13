"""`keyworker appointments list` and `keyworker appointments ics`, run as scripts run them."""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from keyworker.cli import main
from keyworker.clock import FixedClock
from keyworker.models import ClientRecord
from storage import Caseload
from tests.conftest import NOW, make_appointment, make_client

NAMES_WARNING = (
    "Warning: This file will contain people's names. Keep it only where your service "
    "allows personal data.\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), clock=FixedClock(NOW))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def booked(caseload: Caseload, env_passphrase):
    """Dan (seen last week, and next week at home), a group on Tuesday, and Ann far ahead."""
    dan = make_client(
        caseload, "Daniel Price", preferred_name="Dan", address="12 Quarry Lane, Hull"
    )
    ann = make_client(caseload, "Ann Okafor")
    past = caseload.book([make_appointment(dan, day=20, kind="one_to_one")])[0]
    caseload.record_outcome(past.id, dan.id, "acceptable_absence", reason="medical")
    caseload.book(
        [
            make_appointment(
                dan,
                day=24,
                hour=14,
                kind="home_visit",
                location="12 Quarry Lane",
                notes="Talk about the rent arrears",
            ),
            make_appointment(dan, ann, day=25, kind="group_session", title="Women's centre group"),
            # Three weeks on: in the list's four weeks.
            make_appointment(ann, day=14, month=12, kind="phone"),
            # Five weeks on: only in the calendar file's twelve weeks.
            make_appointment(ann, day=30, month=12, kind="video"),
            # Thirteen weeks on: in neither unless asked for.
            make_appointment(ann, day=22, month=2, kind="prison_visit").model_copy(
                update={
                    "start": datetime(2027, 2, 23, 10, tzinfo=UTC),
                    "end": datetime(2027, 2, 23, 11, tzinfo=UTC),
                }
            ),
        ]
    )
    caseload.close()
    return dan, ann


# list -----------------------------------------------------------------------------------


def test_list_shows_the_next_four_weeks_in_local_time(booked, capsys) -> None:
    dan, ann = booked
    code, out, err = run(capsys, "appointments", "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Tue 24/11/2026 14:00–15:00  Home visit  {dan.case_ref} Dan: booked",
        "Wed 25/11/2026 10:00–11:00  Women's centre group  "
        + "; ".join(
            sorted(
                [f"{dan.case_ref} Dan: booked", f"{ann.case_ref} Ann Okafor: booked"],
            )
        ),
        f"Mon 14/12/2026 10:00–11:00  Phone  {ann.case_ref} Ann Okafor: booked",
        "3 appointments from 22/11/2026 to 20/12/2026, times in Europe/London.",
    ]
    assert "Quarry" not in out and "arrears" not in out


def test_list_a_chosen_range_with_outcomes_and_reasons(booked, capsys) -> None:
    dan, _ = booked
    code, out, _ = run(capsys, "appointments", "list", "--from", "20/11", "--to", "20 Nov")
    assert code == 0
    assert out.splitlines() == [
        f"Fri 20/11/2026 10:00–11:00  One-to-one at the office  {dan.case_ref} Dan: "
        "Acceptable absence (medical)",
        "1 appointment from 20/11/2026 to 20/11/2026, times in Europe/London.",
    ]
    code, out, _ = run(capsys, "appointments", "list", "--from", "1/1/2027", "--to", "+9w")
    assert out == "No appointments from 01/01/2027 to 24/01/2027, times in Europe/London.\n"


def test_list_uses_the_time_zone_in_the_settings(booked, capsys, private_settings) -> None:
    private_settings.parent.mkdir(parents=True, exist_ok=True)
    private_settings.write_text(json.dumps({"version": 1, "time_zone": "America/New_York"}))
    code, out, _ = run(capsys, "appointments", "list", "--from", "24/11", "--to", "24/11")
    assert code == 0
    assert out.splitlines()[0].startswith("Tue 24/11/2026 09:00–10:00  Home visit")
    assert out.splitlines()[-1].endswith("times in America/New_York.")


def test_list_json_for_scripts(booked, capsys) -> None:
    dan, _ = booked
    code, out, _ = run(capsys, "appointments", "list", "--from=-1w", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["kind"] for r in rows] == ["one_to_one", "home_visit", "group_session"]
    past, visit, group = rows
    assert set(past) == {"id", "start", "end", "kind", "title", "location", "people"}
    assert (past["start"], past["end"]) == (
        "2026-11-20T10:00:00+00:00",
        "2026-11-20T11:00:00+00:00",
    )
    assert past["people"] == [
        {
            "case_ref": dan.case_ref,
            "name": "Dan",
            "outcome": "acceptable_absence",
            "reason": "medical",
        }
    ]
    assert visit["location"] == "12 Quarry Lane"
    assert group["title"] == "Women's centre group"
    assert sorted(p["name"] for p in group["people"]) == ["Ann Okafor", "Dan"]
    assert all(p["outcome"] is None and p["reason"] is None for p in group["people"])


def test_list_json_start_has_the_summer_offset(caseload: Caseload, env_passphrase, capsys) -> None:
    client = make_client(caseload, "Dan Price")
    caseload.book([make_appointment(client, day=1, month=7, hour=9)])
    caseload.close()
    code, out, _ = run(
        capsys, "appointments", "list", "--from", "1/7/2026", "--to", "1/7/2026", "--json"
    )
    assert code == 0
    assert json.loads(out)[0]["start"] == "2026-07-01T10:00:00+01:00"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "31/2/2026"], 'keyworker: --from: "31/2/2026" is not a real date.'),
        (["--to", "soon"], 'keyworker: --to: "soon" is not a date that can be read.'),
        (
            ["--from", "1/12/2026", "--to", "30/11/2026"],
            "keyworker: --to (30/11/2026) is before --from (01/12/2026). "
            "Give a last day on or after the first.",
        ),
        (
            ["--to", "1/11/2026"],
            "keyworker: --to (01/11/2026) is before today (22/11/2026). Add --from to look back.",
        ),
    ],
)
def test_list_refuses_bad_ranges_in_one_line(booked, capsys, argv, message) -> None:
    code, out, err = run(capsys, "appointments", "list", *argv)
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1


# ics ------------------------------------------------------------------------------------


def _events(path: Path) -> list:
    return Calendar.from_ical(path.read_bytes()).events


def test_ics_writes_twelve_weeks_without_names(booked, capsys, tmp_path) -> None:
    dan, ann = booked
    target = tmp_path / "work.ics"
    code, out, err = run(capsys, "appointments", "ics", "--out", str(target))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Wrote 4 appointments from 22/11/2026 to 14/02/2027 to {target}",
        "The file shows case references and kinds of appointment only: no names, "
        "addresses or notes.",
    ]
    events = _events(target)
    assert [str(e["SUMMARY"]) for e in events] == [
        f"{dan.case_ref} · Home visit",
        "Women's centre group · 2 people",
        f"{ann.case_ref} · Phone",
        f"{ann.case_ref} · Video",
    ]
    data = target.read_bytes()
    for private in (b"Dan", b"Daniel", b"Okafor", b"Quarry", b"arrears"):
        assert private not in data
    if os.name == "posix":
        assert target.stat().st_mode & 0o077 == 0


def test_ics_into_a_folder_names_the_file_for_the_dates(booked, capsys, tmp_path) -> None:
    code, out, _ = run(
        capsys,
        "appointments",
        "ics",
        "--out",
        str(tmp_path),
        "--from",
        "1/2/2027",
        "--to",
        "28/2/2027",
    )
    assert code == 0
    written = tmp_path / "keyworker-appointments-2027-02-01-to-2027-02-28.ics"
    assert [str(e["SUMMARY"]).split(" · ")[1] for e in _events(written)] == ["Prison visit"]
    assert "Wrote 1 appointment from 01/02/2027 to 28/02/2027" in out


def test_ics_with_names_warns_first_and_adds_them(booked, capsys, tmp_path, monkeypatch) -> None:
    dan, _ = booked
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    target = tmp_path / "named.ics"
    code, out, err = run(
        capsys, "appointments", "ics", "--out", str(target), "--to", "24/11", "--with-names"
    )
    assert code == 0
    assert err == NAMES_WARNING
    assert "no names" not in out
    assert [str(e["SUMMARY"]) for e in _events(target)] == [f"{dan.case_ref} Dan · Home visit"]
    assert b"Quarry" not in target.read_bytes()


def test_ics_with_names_at_a_terminal_asks_and_writes_nothing_on_no(
    booked, capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["n", "yes"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    target = tmp_path / "named.ics"
    code, out, err = run(capsys, "appointments", "ics", "--out", str(target), "--with-names")
    assert (code, out) == (1, "")
    assert err == NAMES_WARNING + "keyworker: Nothing was written.\n"
    assert not target.exists()
    code, out, err = run(capsys, "appointments", "ics", "--out", str(target), "--with-names")
    assert code == 0 and target.exists()
    assert b"Ann Okafor" in target.read_bytes()


def test_ics_refuses_bad_dates_and_a_backwards_range_writing_nothing(
    booked, capsys, tmp_path
) -> None:
    target = tmp_path / "out.ics"
    code, _, err = run(capsys, "appointments", "ics", "--out", str(target), "--from", "32/1")
    assert code == 1 and err.startswith('keyworker: --from: "32/1" is not a real date.')
    code, _, err = run(
        capsys, "appointments", "ics", "--out", str(target), "--from", "+2w", "--to", "+1w"
    )
    assert code == 1 and "is before --from" in err
    assert list(tmp_path.glob("*.ics")) == []


def test_ics_leaves_a_file_already_there_unless_told_to_replace(booked, capsys, tmp_path) -> None:
    target = tmp_path / "work.ics"
    target.write_text("my own calendar")
    code, out, err = run(capsys, "appointments", "ics", "--out", str(target))
    assert (code, out) == (1, "")
    assert err == (
        f"keyworker: There is already a file {target}. Nothing was written: add --replace "
        "to replace it, or choose another name with --out.\n"
    )
    assert target.read_text() == "my own calendar"
    code, _, _ = run(capsys, "appointments", "ics", "--out", str(target), "--replace")
    assert code == 0 and len(_events(target)) == 4


def test_ics_into_a_missing_folder_says_so(booked, capsys, tmp_path) -> None:
    target = tmp_path / "nowhere" / "work.ics"
    code, _, err = run(capsys, "appointments", "ics", "--out", str(target))
    assert code == 1
    assert err == f"keyworker: There is no folder {target.parent}. Nothing was written.\n"
    assert not target.parent.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_ics_into_a_read_only_folder_says_so(booked, capsys, tmp_path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, err = run(capsys, "appointments", "ics", "--out", str(folder / "work.ics"))
        assert code == 1
        assert err.startswith("keyworker: You do not have permission to write in")
        assert err.count("\n") == 1
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


# client show ----------------------------------------------------------------------------


def test_client_show_json_includes_their_appointments(booked, capsys) -> None:
    dan, ann = booked
    code, out, _ = run(capsys, "client", "show", dan.case_ref, "--json")
    assert code == 0
    record = ClientRecord.model_validate_json(out)
    assert [a.kind for a in record.appointments] == ["one_to_one", "home_visit", "group_session"]
    assert record.appointments[0].people[0].reason == "medical"
    # A group session in Dan's record shows Dan alone.
    assert [p.client_id for p in record.appointments[2].people] == [dan.id]
    assert str(ann.id) not in out


def test_ics_refused_by_the_system_says_why_in_one_line(
    booked, capsys, tmp_path, monkeypatch
) -> None:
    def refuse(path, data):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr("storage.exports.atomic_write", refuse)
    code, out, err = run(capsys, "appointments", "ics", "--out", str(tmp_path / "work.ics"))
    assert (code, out) == (1, "")
    assert err == (
        f"keyworker: You do not have permission to write in {tmp_path} (or it is read-only). "
        "Nothing was written.\n"
    )
    assert list(tmp_path.glob("*.ics")) == []
