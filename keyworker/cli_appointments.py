"""`keyworker appointments ...`: the worker's appointments for scripts and calendars.

`keyworker appointments list` prints them (or JSON); `keyworker appointments ics` writes
them as an iCalendar file for Outlook or any calendar, showing case references and kinds
of appointment only unless the worker asks for names. Times are the worker's own time
zone (the `time_zone` setting). Like `keyworker.cli`, this imports storage only when a
command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from keyworker.errors import ExportFailed, InvalidInput

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from keyworker.appointments import AgendaEntry, AgendaPerson, Appointment
    from keyworker.clock import Clock

DATE_HELP = "like 22/11/2026, 22 Nov, today or +2w"
LIST_WEEKS = 4
ICS_WEEKS = 12
NAMES_WARNING = (
    "This file will contain people's names. Keep it only where your service allows personal data."
)
NO_NAMES = (
    "The file shows case references and kinds of appointment only: no names, addresses or notes."
)


def add_appointment_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `appointments list` and `appointments ics`; `common` holds --home etc."""
    appointments = commands.add_parser(
        "appointments", parents=[common], help="your appointments: list them, or a calendar file"
    )
    appointment_commands = appointments.add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    listing = appointment_commands.add_parser(
        "list",
        parents=[common],
        help=f"list appointments (default: today and the next {LIST_WEEKS} weeks)",
    )
    _range_options(listing, LIST_WEEKS)
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(run=run_appointments_list)

    ics = appointment_commands.add_parser(
        "ics",
        parents=[common],
        help=f"write an iCalendar file (default: today and the next {ICS_WEEKS} weeks)",
        description=(
            "Write your appointments as an iCalendar (.ics) file for Outlook or any "
            "calendar. It shows the case reference and the kind of appointment, never "
            "names, addresses or notes, unless you add --with-names."
        ),
    )
    ics.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="the file to write (or a folder, to name it for the dates)",
    )
    _range_options(ics, ICS_WEEKS)
    ics.add_argument(
        "--with-names", action="store_true", help="add people's names (you are warned first)"
    )
    ics.add_argument("--replace", action="store_true", help="replace a file already there")
    ics.set_defaults(run=run_appointments_ics)


def _range_options(parser: argparse.ArgumentParser, weeks: int) -> None:
    parser.add_argument(
        "--from", dest="start", metavar="DATE", help=f"the first day (default today), {DATE_HELP}"
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        help=f"the last day (default {weeks} weeks after the first), {DATE_HELP}",
    )


# Reading the range ----------------------------------------------------------------------


def time_zone() -> ZoneInfo:
    """The worker's time zone from their settings (saying so if those could not be read)."""
    from keyworker.times import zone_named
    from storage.config import load_settings

    settings, problem = load_settings()
    if problem:
        print(f"keyworker: {problem}", file=sys.stderr)
    return zone_named(settings.time_zone)


def read_days(start: str | None, end: str | None, today: date, weeks: int) -> tuple[date, date]:
    """The first and last days asked for; InvalidInput naming the option at fault."""
    from keyworker.dates import parse_date, uk_date

    def read(option: str, text: str) -> date:
        try:
            return parse_date(text, today)
        except InvalidInput as exc:
            raise InvalidInput(f"{option}: {exc}") from None

    first = read("--from", start) if start is not None else today
    last = read("--to", end) if end is not None else first + timedelta(weeks=weeks)
    if last < first and start is None:
        raise InvalidInput(
            f"--to ({uk_date(last)}) is before today ({uk_date(today)}). Add --from to look back."
        )
    if last < first:
        raise InvalidInput(
            f"--to ({uk_date(last)}) is before --from ({uk_date(first)}). "
            "Give a last day on or after the first."
        )
    return first, last


def _window(
    args: argparse.Namespace, clock: Clock, weeks: int
) -> tuple[ZoneInfo, date, date, datetime, datetime]:
    """The zone, the first and last local days, and the UTC moments they run between."""
    from keyworker.times import local_range_bounds

    zone = time_zone()
    today = clock.now().astimezone(zone).date()
    first, last = read_days(args.start, args.end, today, weeks)
    start, end = local_range_bounds(first, last, zone)
    return zone, first, last, start, end


# keyworker appointments list ---------------------------------------------------------


def run_appointments_list(args: argparse.Namespace, clock: Clock) -> int:
    from keyworker.cli import _open
    from keyworker.dates import uk_date

    zone, first, last, start, end = _window(args, clock, LIST_WEEKS)
    with _open(args, clock) as caseload:
        entries = caseload.agenda(start, end)
        whole = {a.id: a for a in caseload.appointments_between(start, end)}
    if args.json:
        print(json.dumps([_as_json(e, whole.get(e.id), zone) for e in entries], indent=2))
        return 0
    now = clock.now()
    for entry in entries:
        print(appointment_line(entry, whole.get(entry.id), zone, now))
    said = f"{uk_date(first)} to {uk_date(last)}, times in {zone.key}"
    if not entries:
        print(f"No appointments from {said}.")
    else:
        count = len(entries)
        print(f"{count} appointment{'' if count == 1 else 's'} from {said}.")
    return 0


def appointment_line(
    entry: AgendaEntry, appointment: Appointment | None, zone: ZoneInfo, now: datetime
) -> str:
    """Tue 24/11/2026 10:00–11:00  Home visit  KW-7F3Q2 Dan Price: Attended"""
    from keyworker.times import when_text

    people = "; ".join(
        f"{p.case_ref} {p.name}: {_outcome_text(p, appointment, entry, now)}" for p in entry.people
    )
    return f"{when_text(entry.start, entry.end, zone)}  {entry.label()}  {people}"


def _outcome_text(
    person: AgendaPerson, appointment: Appointment | None, entry: AgendaEntry, now: datetime
) -> str:
    from keyworker.vocabulary import ABSENCE_REASONS, APPOINTMENT_OUTCOMES

    if person.outcome is None:
        return "outcome to record" if entry.end <= now else "booked"
    said = APPOINTMENT_OUTCOMES.label(person.outcome)
    reason = _reason(person, appointment)
    return f"{said} ({ABSENCE_REASONS.label(reason).lower()})" if reason else said


def _reason(person: AgendaPerson, appointment: Appointment | None) -> str | None:
    """Why an absence was acceptable (held in the whole appointment, not the agenda's row)."""
    if appointment is None or person.outcome != "acceptable_absence":
        return None
    return appointment.person(person.client_id).reason


def _as_json(entry: AgendaEntry, appointment: Appointment | None, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "start": entry.start.astimezone(zone).isoformat(),
        "end": entry.end.astimezone(zone).isoformat(),
        "kind": entry.kind,
        "title": entry.title,
        "location": entry.location,
        "people": [
            {
                "case_ref": p.case_ref,
                "name": p.name,
                "outcome": p.outcome,
                "reason": _reason(p, appointment),
            }
            for p in entry.people
        ],
    }


# keyworker appointments ics ----------------------------------------------------------


def run_appointments_ics(args: argparse.Namespace, clock: Clock) -> int:
    """The calendar file; with names only after a warning (and a yes, at a terminal)."""
    from keyworker.calendar import calendar_file
    from keyworker.cli import _export_path, _open
    from keyworker.dates import uk_date
    from storage.exports import default_export_folder, write_export

    zone, first, last, start, end = _window(args, clock, ICS_WEEKS)
    file_name = f"keyworker-appointments-{first.isoformat()}-to-{last.isoformat()}.ics"
    target = _export_path(args.out, default_export_folder(), file_name)
    if target.exists() and not target.is_dir() and not args.replace:
        raise _already_there(target)
    with _open(args, clock) as caseload:
        entries = caseload.agenda(start, end)
    document = calendar_file(entries, zone, with_names=args.with_names, made_at=clock.now())
    if args.with_names:
        print(f"Warning: {NAMES_WARNING}", file=sys.stderr)
        _confirm()
    try:
        written = write_export(target, document, replace=args.replace)
    except ExportFailed as exc:
        if not exc.file_exists:
            raise
        raise _already_there(target) from None
    count = len(entries)
    print(
        f"Wrote {count} appointment{'' if count == 1 else 's'} from {uk_date(first)} to "
        f"{uk_date(last)} to {written}"
    )
    if not args.with_names:
        print(NO_NAMES)
    return 0


def _already_there(target) -> ExportFailed:
    return ExportFailed(
        f"There is already a file {target}. Nothing was written: add --replace to "
        "replace it, or choose another name with --out.",
        file_exists=True,
    )


def _confirm() -> None:
    """At a terminal, ask before writing names; scripts have chosen --with-names already."""
    if not sys.stdin.isatty():
        return
    try:
        answer = input("Write the file with names? Type y for yes: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise InvalidInput("Nothing was written.")
