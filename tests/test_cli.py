"""The `keyworker` command, run the way scripts run it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from keyworker.appointments import Appointment, Attendance
from keyworker.cli import main
from keyworker.clock import FixedClock
from keyworker.models import ClientRecord, FamilyMember
from storage import Caseload, CaseloadPaths
from tests.conftest import PASSPHRASE, make_appointment, make_client, make_flag, make_note


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def one_client(caseload: Caseload, env_passphrase):
    client = make_client(
        caseload,
        "Daniel Price",
        preferred_name="Dan",
        status="active",
        release_date=date(2026, 12, 1),
    )
    caseload.add_family_member(
        FamilyMember(
            client_id=client.id,
            name="Mia Price",
            relationship="child",
            age=6,
            safeguarding_notes="Child protection plan ended in May",
        )
    )
    caseload.add_flag(make_flag(client, "domestic_abuse", level="medium"))
    caseload.add_flag(make_flag(client, "lone_working"))
    caseload.add_note(
        make_note(
            client,
            "Went with Dan to the jobcentre",
            day=20,
            pathways=["finance_benefits_debt_id"],
            duration_minutes=90,
        )
    )
    make_client(caseload, "Ann Okafor")
    caseload.close()
    return client


def test_init_creates_a_caseload_and_refuses_a_second(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", PASSPHRASE)
    home = tmp_path / "mine"
    code, out, _ = run(capsys, "init", "--home", str(home), "--name", "Sam", "--service", "WC")
    assert code == 0 and "Caseload created" in out
    with Caseload.open(CaseloadPaths(home), PASSPHRASE) as opened:
        assert (opened.worker, opened.service) == ("Sam", "WC")
    key_before = (home / "caseload.key").read_bytes()
    code, _, err = run(capsys, "--home", str(home), "init", "--name", "X", "--service", "Y")
    assert code == 1 and "already a caseload" in err
    assert (home / "caseload.key").read_bytes() == key_before


def test_clients_lists_the_caseload(one_client, capsys) -> None:
    code, out, _ = run(capsys, "clients")
    assert code == 0
    assert one_client.case_ref in out and "Dan" in out and "Ann Okafor" in out
    assert "domestic abuse, lone working" in out
    assert "2 clients" in out


def test_clients_json_filters_by_status(one_client, capsys) -> None:
    code, out, _ = run(capsys, "clients", "--status", "active", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["case_ref"] for r in rows] == [one_client.case_ref]
    assert rows[0]["active_flags"] == ["domestic_abuse", "lone_working"]
    assert rows[0]["next_key_date"] == "2026-12-01"


def test_client_show_puts_lone_working_first(one_client, capsys) -> None:
    code, out, _ = run(capsys, "client", "show", one_client.case_ref.lower())
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("!! RISK TO STAFF / LONE WORKING (High risk)")
    assert lines[1].startswith("!! DOMESTIC ABUSE (Medium risk)")
    assert "Release date: Tue 1 Dec 2026" in out
    assert "Mia Price, Child, aged 6" in out
    assert "Safeguarding: Child protection plan ended in May" in out
    assert "Face to face, 90 min  [Finance, benefits, debt and ID]" in out


def test_client_show_json_holds_the_whole_record(one_client, capsys) -> None:
    code, out, _ = run(capsys, "client", "show", one_client.case_ref, "--json")
    assert code == 0
    record = ClientRecord.model_validate_json(out)
    assert record.client == one_client.model_copy(update={"keyworker": "Sam Keyworker"})
    assert [m.name for m in record.family] == ["Mia Price"]
    assert {f.kind for f in record.flags} == {"domestic_abuse", "lone_working"}
    assert [n.text for n in record.notes] == ["Went with Dan to the jobcentre"]
    assert [s.status for s in record.status_history] == ["active"]


def test_unknown_reference_exits_1(one_client, capsys) -> None:
    code, out, err = run(capsys, "client", "show", "KW-22222")
    assert (code, out) == (1, "")
    assert err == "keyworker: There is no client KW-22222 on this caseload.\n"


def test_bad_usage_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["clients", "--status", "asleep"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_passphrase_file(one_client, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("KEYWORKER_PASSPHRASE")
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    code, out, _ = run(capsys, "--passphrase-file", str(secret), "clients")
    assert code == 0 and "2 clients" in out
    code, _, err = run(capsys, "clients", "--passphrase-file", str(tmp_path / "none.txt"))
    assert code == 1 and "Cannot read the passphrase file" in err


def test_no_passphrase_and_no_terminal_says_how(one_client, capsys, monkeypatch) -> None:
    monkeypatch.delenv("KEYWORKER_PASSPHRASE")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "clients")
    assert code == 1 and "--passphrase-file" in err


def test_passwd_changes_the_passphrase(one_client, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KEYWORKER_NEW_PASSPHRASE", "brand new passphrase")
    code, out, _ = run(capsys, "passwd")
    assert code == 0 and "Passphrase changed" in out
    code, _, err = run(capsys, "clients")
    assert code == 1 and "not right" in err
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", "brand new passphrase")
    assert run(capsys, "clients")[0] == 0


def test_passwd_with_the_wrong_old_passphrase_changes_nothing(one_client, capsys, monkeypatch):
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", "wrong")
    monkeypatch.setenv("KEYWORKER_NEW_PASSPHRASE", "brand new passphrase")
    code, _, err = run(capsys, "passwd")
    assert code == 1 and "not right" in err
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", PASSPHRASE)
    assert run(capsys, "clients")[0] == 0


def test_check_reports_a_sound_caseload(one_client, capsys) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert out.startswith("All is well: 2 clients, 1 case notes")


def test_notes_are_listed_newest_first_in_show(caseload, env_passphrase, capsys) -> None:
    client = make_client(caseload)
    for day, text in [(3, "older visit"), (9, "newer visit")]:
        caseload.add_note(make_note(client, text, day=day))
    caseload.close()
    _, out, _ = run(capsys, "client", "show", client.case_ref)
    assert out.index("newer visit") < out.index("older visit")


def test_demo_fills_a_caseload_and_refuses_the_same_seed_twice(
    caseload: Caseload, env_passphrase, capsys
) -> None:
    caseload.close()
    code, out, _ = run(capsys, "demo", "--clients", "12", "--seed", "3", "--notes", "4")
    assert code == 0 and "Added 12 fictional clients" in out
    code, _, err = run(capsys, "demo", "--clients", "12", "--seed", "3")
    assert code == 1 and "seed 3 is already in this caseload" in err
    assert run(capsys, "demo", "--clients", "5", "--seed", "4", "--notes", "2")[0] == 0
    code, out, _ = run(capsys, "clients", "--json")
    assert len(json.loads(out)) == 17
    assert run(capsys, "check")[0] == 0


def test_client_show_lists_appointments_with_outcomes(
    one_client, paths: CaseloadPaths, clock: FixedClock, capsys
) -> None:
    with Caseload.open(paths, PASSPHRASE, clock=clock) as caseload:
        _book_two(caseload, one_client)
    code, out, _ = run(capsys, "client", "show", one_client.case_ref)
    assert code == 0
    section = out.split("\nAppointments\n")[1].split("\n\n")[0].splitlines()
    assert section == [
        "  Tue 20 Oct 2026 11:00-12:00  Home visit, with Shelter: acceptable absence (medical)",
        "  Tue 8 Jan 2030 10:00-11:00  Accompanied: GP, at Hope Street surgery: to come",
    ]


def _book_two(caseload: Caseload, one_client) -> None:
    came = caseload.book(
        [make_appointment(one_client, day=20, month=10, kind="home_visit", met_with="Shelter")]
    )[0]
    caseload.record_outcome(came.id, one_client.id, "acceptable_absence", reason="medical")
    start = datetime(2030, 1, 8, 10, tzinfo=UTC)
    caseload.book(
        [
            Appointment(
                start=start,
                end=start + timedelta(hours=1),
                kind="accompanied_gp",
                location="Hope Street surgery",
                people=[Attendance(client_id=one_client.id)],
            )
        ]
    )
