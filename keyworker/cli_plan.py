"""`keyworker plan ...`: commands for a person's action plan.

`keyworker plan pdf REF` writes the person's own copy of their live plan as a PDF. Like
the rest of the command it imports little at the top: the PDF library, storage and the
caseload load only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyworker.clock import Clock


def add_plan_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `keyworker plan pdf` to the command's subcommands; `common` holds --home etc."""
    plan = commands.add_parser("plan", parents=[common], help="a person's action plan")
    plan_commands = plan.add_subparsers(title="commands", metavar="COMMAND", required=True)
    pdf = plan_commands.add_parser(
        "pdf",
        parents=[common],
        help="write the person's own copy of their plan as a PDF (not encrypted)",
    )
    pdf.add_argument("ref", metavar="REF", help="case reference, like KW-7F3Q2")
    pdf.add_argument(
        "--to",
        metavar="PATH",
        help="a folder or a file name (default: your Documents folder)",
    )
    pdf.add_argument(
        "--large-text", action="store_true", help="larger print, for a person who needs it"
    )
    pdf.add_argument("--replace", action="store_true", help="replace a file already there")
    pdf.set_defaults(run=run_plan_pdf)


def run_plan_pdf(args: argparse.Namespace, clock: Clock) -> int:
    """The person's live plan, as their own copy; refused in a line when there is none."""
    from keyworker.assessment_text import NOT_ENCRYPTED_WARNING
    from keyworker.cli import _export_path, _open
    from keyworker.errors import ExportFailed, InvalidInput
    from keyworker.plan_pdf import plan_file_name, plan_pdf
    from storage.exports import default_export_folder, write_export

    today = clock.today()
    with _open(args, clock) as caseload:
        client = caseload.client_by_ref(args.ref)
        plan = caseload.live_plan(client.id)
        if plan is None:
            raise InvalidInput(f"{client.case_ref} has no live action plan to print.")
        agencies = {agency.id: agency.name for agency in caseload.agencies(archived=True)}
        keyworker_name = client.keyworker or caseload.worker
        service = caseload.service
    document = plan_pdf(
        plan,
        person_name=client.display_name,
        keyworker_name=keyworker_name,
        service=service,
        agencies=agencies,
        today=today,
        large_text=args.large_text,
    )
    file_name = plan_file_name(client.case_ref, today)
    target = _export_path(args.to, default_export_folder(), file_name)
    try:
        written = write_export(target, document, replace=args.replace)
    except ExportFailed as exc:
        if not exc.file_exists:
            raise
        raise ExportFailed(
            f"There is already a file {target}. Nothing was written: add --replace to "
            "replace it, or choose another name with --to.",
            file_exists=True,
        ) from None
    size = " in large text" if args.large_text else ""
    print(f"Wrote the action plan for {client.case_ref}{size} to {written}")
    print(f"Warning: {NOT_ENCRYPTED_WARNING}", file=sys.stderr)
    return 0
