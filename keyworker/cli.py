"""The `keyworker` command: the app, first-run setup, the demo and scripting commands.

This is the one module of the domain package that wires storage and screens together.
It imports little at the top, so that `keyworker` can start unlocking a caseload (a
deliberately slow step) before pydantic, storage and Textual have loaded; each command
imports what it needs.

Exit status: 0 done, 1 a problem the user can put right (one plain line on stderr),
2 the command was typed wrongly.
"""

from __future__ import annotations

import argparse
import getpass
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from keyworker import __version__
from keyworker.cli_agencies import add_agency_commands
from keyworker.cli_appointments import add_appointment_commands
from keyworker.cli_plan import add_plan_commands
from keyworker.cli_report import add_report_commands
from keyworker.clock import Clock, SystemClock
from keyworker.errors import InvalidInput, KeyworkerError
from keyworker.vocabulary import CLIENT_STATUSES

if TYPE_CHECKING:
    from pathlib import Path

    from keyworker.models import ClientRecord, ClientSummary

PASSPHRASE_ENV = "KEYWORKER_PASSPHRASE"
NEW_PASSPHRASE_ENV = "KEYWORKER_NEW_PASSPHRASE"
DEMO_BATCH = 1000


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    if os.name == "posix":
        os.umask(0o077)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args, clock or SystemClock())
    except KeyworkerError as exc:
        print(f"keyworker: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nkeyworker: stopped; nothing was half-saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into something that stopped reading (head, less): not an error.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


def build_parser() -> argparse.ArgumentParser:
    # Global options work before or after the command; SUPPRESS keeps a later default
    # from overwriting an earlier value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the caseload folder (default: KEYWORKER_HOME, else your user data folder)",
    )
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=f"read the passphrase from FILE (or set {PASSPHRASE_ENV}); otherwise you are asked",
    )
    parser = argparse.ArgumentParser(
        prog="keyworker",
        description="Keyworker Assistant: your caseload, encrypted on this laptop.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"keyworker {__version__}")
    parser.set_defaults(run=run_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    init = commands.add_parser("init", parents=[common], help="set up a new caseload")
    init.add_argument("--name", required=True, help="your name, as it appears in the record")
    init.add_argument("--service", required=True, help="the service you work for")
    init.set_defaults(run=run_init)

    demo = commands.add_parser(
        "demo", parents=[common], help="create or fill a caseload with fictional people"
    )
    demo.add_argument("--clients", type=_positive, default=40, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--notes",
        type=_positive,
        default=50,
        metavar="N",
        help="average case notes per client (default 50)",
    )
    demo.set_defaults(run=run_demo)

    clients = commands.add_parser("clients", parents=[common], help="list the caseload")
    clients.add_argument("--status", choices=CLIENT_STATUSES.codes)
    clients.add_argument("--json", action="store_true", help="print JSON for scripts")
    clients.set_defaults(run=run_clients)

    client = commands.add_parser("client", parents=[common], help="one client's record")
    client_commands = client.add_subparsers(title="commands", metavar="COMMAND", required=True)
    show = client_commands.add_parser("show", parents=[common], help="show a whole record")
    show.add_argument("ref", metavar="REF", help="case reference, like KW-7F3Q2")
    show.add_argument("--json", action="store_true", help="print the whole record as JSON")
    show.set_defaults(run=run_client_show)

    assessment = commands.add_parser(
        "assessment",
        parents=[common],
        help="assessment templates (list them, check a file); export an assessment",
    )
    assessment_commands = assessment.add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    templates = assessment_commands.add_parser(
        "templates", parents=[common], help="list the assessment templates on offer"
    )
    templates.set_defaults(run=run_templates)
    validate = assessment_commands.add_parser(
        "validate", parents=[common], help="check a template file and name every problem"
    )
    validate.add_argument("file", metavar="FILE", help="a template file (.toml or .json)")
    validate.set_defaults(run=run_validate)
    export = assessment_commands.add_parser(
        "export",
        parents=[common],
        help="write a person's latest completed assessment as a document (not encrypted)",
    )
    export.add_argument("ref", metavar="REF", help="case reference, like KW-7F3Q2")
    export.add_argument(
        "--to",
        metavar="PATH",
        help="a folder or a file name (default: your Documents folder)",
    )
    export.add_argument("--replace", action="store_true", help="replace a file already there")
    export.set_defaults(run=run_assessment_export)

    add_agency_commands(commands, common)
    add_report_commands(commands, common)
    add_plan_commands(commands, common)
    add_appointment_commands(commands, common)

    check = commands.add_parser(
        "check", parents=[common], help="check the database and its audit trail"
    )
    check.set_defaults(run=run_check)

    passwd = commands.add_parser("passwd", parents=[common], help="change the passphrase")
    passwd.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help=f"read the new passphrase from FILE (or set {NEW_PASSPHRASE_ENV})",
    )
    passwd.set_defaults(run=run_passwd)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


# Passphrases ------------------------------------------------------------------------


def _read_secret_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.readline().rstrip("\r\n")
    except OSError as exc:
        raise InvalidInput(f"Cannot read the passphrase file {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"The passphrase file {path} is not a text file.") from None
    if not text:
        raise InvalidInput(f"The passphrase file {path} is empty.")
    return text


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"No passphrase given. Use --passphrase-file or set {PASSPHRASE_ENV}, "
            "or run this in a terminal to be asked."
        )
    return getpass.getpass(f"{label}: ")


def _prompt_new(label: str) -> str:
    first = _prompt(label)
    if not first:
        raise InvalidInput("The passphrase cannot be empty. Nothing was changed.")
    if len(first) < 10:
        print(
            "Tip: a passphrase of four or more ordinary words is strong and easy to type.",
            file=sys.stderr,
        )
    if _prompt("Type it again") != first:
        raise InvalidInput("The two passphrases were different. Nothing was changed.")
    return first


def passphrase(args: argparse.Namespace, *, new: bool = False) -> str:
    """From --passphrase-file, then KEYWORKER_PASSPHRASE, then asked (twice if new)."""
    path = getattr(args, "passphrase_file", None)
    if path:
        return _read_secret_file(path)
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return _prompt_new("Choose a passphrase") if new else _prompt("Passphrase")


def new_passphrase(args: argparse.Namespace) -> str:
    if args.new_passphrase_file:
        return _read_secret_file(args.new_passphrase_file)
    if os.environ.get(NEW_PASSPHRASE_ENV):
        return os.environ[NEW_PASSPHRASE_ENV]
    return _prompt_new("New passphrase")


# Commands ---------------------------------------------------------------------------


def _paths(args: argparse.Namespace):
    from storage import CaseloadPaths, resolve_home

    return CaseloadPaths(resolve_home(getattr(args, "home", None)))


def _open(args: argparse.Namespace, clock: Clock):
    from storage import Caseload
    from storage.opening import require_existing

    paths = _paths(args)
    require_existing(paths)
    return Caseload.open(paths, passphrase(args), clock=clock)


def run_app(args: argparse.Namespace, clock: Clock) -> int:
    """The app: the setup screen when there is no caseload yet, else the unlock screen.

    The app loads the saved settings itself, so it can show a problem with them.
    """
    from storage.opening import open_in_background, require_existing

    paths = _paths(args)
    opening = None
    if paths.exists():
        require_existing(paths)
        if getattr(args, "passphrase_file", None) or os.environ.get(PASSPHRASE_ENV):
            # Unlocking takes a deliberate half second or so; the app loads meanwhile.
            opening = open_in_background(paths, passphrase(args), clock)
    from screens.app import make_app

    make_app(paths, clock, opening=opening).run()
    return 0


def run_init(args: argparse.Namespace, clock: Clock) -> int:
    from storage import Caseload
    from storage.caseload import require_new

    paths = _paths(args)
    require_new(paths)
    with Caseload.create(paths, passphrase(args, new=True), args.name, args.service, clock=clock):
        pass
    print(f"Caseload created in {paths.home} for {args.name} ({args.service}).")
    print("Keep your passphrase safe: without it nobody, including us, can open the caseload.")
    return 0


def run_demo(args: argparse.Namespace, clock: Clock) -> int:
    from keyworker import demo
    from storage import Caseload

    paths = _paths(args)
    if paths.exists():
        caseload = Caseload.open(paths, passphrase(args), clock=clock)
    else:
        caseload = Caseload.create(
            paths,
            passphrase(args, new=True),
            "Demo Worker",
            "Demo Resettlement Service",
            clock=clock,
        )

    def report_progress(done: int) -> None:
        if args.clients > DEMO_BATCH:
            print(f"  {done} of {args.clients} clients…", file=sys.stderr)

    with caseload:
        records = demo.generate(
            clients=args.clients,
            seed=args.seed,
            today=clock.today(),
            worker=caseload.worker,
            notes_per_client=args.notes,
            taken_refs=caseload.case_refs(),
            assessments=True,
        )
        first = next(records)
        if caseload.has_client(first.client.id):
            raise InvalidInput(
                f"The demo with seed {args.seed} is already in this caseload. "
                "Choose another --seed to add more people."
            )
        notes = fill_with_demo(caseload, itertools.chain([first], records), report_progress)
    print(
        f"Added {args.clients} fictional clients and {notes} case notes to the caseload "
        f"in {paths.home}."
    )
    return 0


def fill_with_demo(
    caseload, records: Iterable[ClientRecord], progress: Callable[[int], None] | None = None
) -> int:
    """Save demo records a batch (one transaction) at a time; returns the notes saved.

    The built-in template is kept first, as the demo's assessments are made with it, and
    the demo's partner agencies put in the directory, as its referrals go to them.
    """
    from keyworker.bulk import fewer_gc_pauses
    from keyworker.demo_plans import DEMO_AGENCIES
    from keyworker.templates import builtin_template

    caseload.keep_template(builtin_template())
    caseload.import_agencies(DEMO_AGENCIES)
    records = iter(records)
    done = notes = 0
    with fewer_gc_pauses():
        while batch := list(itertools.islice(records, DEMO_BATCH)):
            notes += caseload.add_records(batch)
            done += len(batch)
            if progress:
                progress(done)
    return notes


def run_clients(args: argparse.Namespace, clock: Clock) -> int:
    with _open(args, clock) as caseload:
        summaries = caseload.clients(status=args.status)
    if args.json:
        print(json.dumps([s.model_dump(mode="json") for s in summaries], indent=2))
    else:
        _print_clients(summaries, clock)
    return 0


def _print_clients(summaries: list[ClientSummary], clock: Clock) -> None:
    from rich.console import Console
    from rich.table import Table

    from keyworker.dates import uk_date

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Case ref", "Name", "Status", "Last contact", "Next key date", "Flags"):
        table.add_column(column)
    today = clock.today()
    for s in summaries:
        last = ""
        if s.last_contact:
            days = (today - s.last_contact.date()).days
            last = f"{uk_date(s.last_contact.date())} ({days} days)"
        flags = ", ".join(k.replace("_", " ") for k in s.active_flags)
        table.add_row(
            s.case_ref,
            s.display_name,
            CLIENT_STATUSES.label(s.status),
            last,
            uk_date(s.next_key_date),
            flags,
        )
    # Off a terminal (a pipe or a file), rows are never wrapped into two lines.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    console.print(table)
    console.print(f"{len(summaries)} client{'s' if len(summaries) != 1 else ''}")


def run_client_show(args: argparse.Namespace, clock: Clock) -> int:
    with _open(args, clock) as caseload:
        record = caseload.record(caseload.client_by_ref(args.ref).id)
        agencies = {a.id: a.name for a in caseload.agencies(archived=True)}
    if args.json:
        print(record.model_dump_json(indent=2))
    else:
        from keyworker.cli_appointments import time_zone
        from keyworker.record_text import format_record

        print(format_record(record, agencies, time_zone(), clock.now()))
    return 0


def run_templates(args: argparse.Namespace, clock: Clock) -> int:
    """Templates hold questions, not personal data: no passphrase is needed."""
    from storage.templates import load_library, templates_folder

    paths = _paths(args)
    library = load_library(paths)
    for template in library.sorted():
        asked = sum(len(s.questions) for s in template.sections)
        print(
            f"{template.id}  version {template.version}  {template.title}  "
            f"({_counted(len(template.sections), 'section')}, {_counted(asked, 'question')})"
        )
    print(f"Add your own as .toml or .json files in {templates_folder(paths)}")
    for problem in library.problems:
        print(f"keyworker: skipped {problem}", file=sys.stderr)
    return 0


def run_validate(args: argparse.Namespace, clock: Clock) -> int:
    from pathlib import Path

    from keyworker.templates import TemplateProblem
    from storage.templates import read_template_file

    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(f"There is no file {path}.")
    try:
        template = read_template_file(path)
    except TemplateProblem as problem:
        for line in problem.problems:
            print(f"{path}: {line}")
        count = _counted(len(problem.problems), "problem")
        raise InvalidInput(f"{path} is not a usable template: {count}.") from None
    asked = sum(len(s.questions) for s in template.sections)
    print(
        f"{path}: a usable template: {template.title} ({template.id}, version "
        f"{template.version}), {_counted(len(template.sections), 'section')}, "
        f"{_counted(asked, 'question')}."
    )
    return 0


def run_assessment_export(args: argparse.Namespace, clock: Clock) -> int:
    """The latest completed assessment as Markdown; a review lists what changed since."""
    from keyworker.assessment_text import (
        NOT_ENCRYPTED_WARNING,
        assessment_document,
        export_file_name,
    )
    from keyworker.assessments import current
    from keyworker.dates import uk_date
    from keyworker.errors import ExportFailed
    from storage.exports import default_export_folder, write_export

    with _open(args, clock) as caseload:
        client = caseload.client_by_ref(args.ref)
        done = current(caseload.assessments(client.id))
        if not done:
            raise InvalidInput(f"{client.case_ref} has no completed assessment to export.")
        latest = done[-1]
        template = caseload.template(latest.template_id, latest.template_version)
        earlier = [a for a in done[:-1] if a.template_id == latest.template_id]
        previous = earlier[-1] if latest.kind == "review" and earlier else None
        corrected = caseload.assessment(latest.corrects) if latest.corrects else None
    text = assessment_document(latest, template, client, previous, corrected)
    target = _export_path(args.to, default_export_folder(), export_file_name(client, latest))
    try:
        written = write_export(target, text, replace=args.replace)
    except ExportFailed as exc:
        if not exc.file_exists:
            raise
        raise ExportFailed(
            f"There is already a file {target}. Nothing was written: add --replace to "
            "replace it, or choose another name with --to.",
            file_exists=True,
        ) from None
    print(
        f"Wrote the assessment of {uk_date(latest.assessed_on)} for {client.case_ref} to {written}"
    )
    print(f"Warning: {NOT_ENCRYPTED_WARNING}", file=sys.stderr)
    return 0


def _export_path(to: str | None, default_folder: Path, file_name: str) -> Path:
    """`--to` names a folder (one that exists, or ends in a slash) or a file."""
    from pathlib import Path

    if not to:
        return default_folder / file_name
    chosen = Path(to).expanduser()
    if chosen.is_dir() or to.endswith(("/", os.sep)):
        return chosen / file_name
    return chosen


def _counted(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"


def run_check(args: argparse.Namespace, clock: Clock) -> int:
    with _open(args, clock) as caseload:
        problems = caseload.check()
        counts = caseload.counts()
    if not problems:
        print(
            f"All is well: {counts['clients']} clients, {counts['case_notes']} case notes and "
            f"{counts['audit']} audit entries checked."
        )
        return 0
    for problem in problems:
        print(f"Problem: {problem}")
    raise KeyworkerError(
        f"The check found {len(problems)} problem{'s' if len(problems) != 1 else ''} "
        "(listed above). Keep a copy of the caseload folder and ask for support."
    )


def run_passwd(args: argparse.Namespace, clock: Clock) -> int:
    from storage import Caseload
    from storage.opening import require_existing

    paths = _paths(args)
    require_existing(paths)
    old = passphrase(args)
    Caseload.change_passphrase(paths, old, new_passphrase(args))
    print("Passphrase changed. Use the new one from now on.")
    return 0
