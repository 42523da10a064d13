"""The Referrals tab of a client's record: referrals to partner agencies, then signposting.

Referrals still under way come first, each with where it stands and when to follow it
up; an overdue follow-up says so in words. Signposting (information given, no referral
made) is listed and counted apart, as funders count it apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from keyworker.dates import long_date, uk_date
from keyworker.plans import Agency, Plan, Referral, Signpost
from keyworker.vocabulary import PATHWAYS, REFERRAL_METHODS, REFERRAL_STATUSES, STEP_STATUSES
from screens.client_text import MARKER, one_line, relative_days
from screens.client_widgets import RecordTable
from screens.row_table import Column, RowTable

NO_REFERRALS = "No referrals yet. Press m to make one."
NO_SIGNPOSTS = "No signposting recorded. Press g to record information given."
NO_AGENCIES = (
    "There are no partner agencies in the directory yet, so there is no one to refer to. "
    "Go back to the caseload (Escape) and add one in the agency directory first."
)
UNKNOWN_AGENCY = "Agency no longer in the directory"
UPDATE_HINT = "Enter: move it on, record the outcome or change the follow-up."
OUTCOME_HINT = "Enter: record or change its outcome."
SIGNPOST_HINT = "Enter: edit it. x: delete it (asks first)."


def agency_name(agencies: Mapping[UUID, Agency], agency_id: UUID | None) -> str:
    if agency_id is None:
        return ""
    agency = agencies.get(agency_id)
    return agency.name if agency else UNKNOWN_AGENCY


def method_words(method: str) -> str:
    """ "by email", "by phone", "in person": how a referral was made, after "made"."""
    if method == "in_person":
        return "in person"
    return f"by {REFERRAL_METHODS.label(method).lower()}"


def in_order(referrals: Sequence[Referral]) -> list[Referral]:
    """Open referrals first, then those that have ended; the latest made first in each."""
    return sorted(referrals, key=lambda r: (r.is_open, r.made_on), reverse=True)


def status_words(referral: Referral) -> str:
    """ "Accepted 05/11/2026": the status and the day it took it."""
    return f"{REFERRAL_STATUSES.label(referral.status)} {uk_date(referral.status_on)}"


def follow_up_words(referral: Referral, today: date) -> str:
    """When to follow up, overdue said in words; blank once the referral has ended."""
    due = referral.follow_up_on
    if not referral.is_open or due is None:
        return ""
    if due < today:
        return f"{MARKER} Overdue {uk_date(due)}"
    if due == today:
        return "Due today"
    return uk_date(due)


def is_overdue(referral: Referral, today: date) -> bool:
    due = referral.follow_up_on
    return referral.is_open and due is not None and due < today


def counts_words(referrals: Sequence[Referral], signposts: Sequence[Signpost], today: date) -> str:
    """Referrals: 3 (2 open, 1 follow-up overdue)  ·  Signposting: 2"""
    made = len(referrals)
    open_now = sum(r.is_open for r in referrals)
    overdue = sum(is_overdue(r, today) for r in referrals)
    detail = [f"{open_now} open"] if made else []
    if overdue:
        detail.append(f"{overdue} follow-up{'s' if overdue > 1 else ''} overdue")
    said = f"Referrals: {made}" + (f" ({', '.join(detail)})" if detail else "")
    return f"{said}  ·  Signposting: {len(signposts)}"


def referral_detail(
    referral: Referral, agencies: Mapping[UUID, Agency], plan: Plan | None, today: date
) -> Text:
    """The whole referral: where it went, each change of status, outcome and follow-up."""
    text = Text()
    text.append(f"Referral to {agency_name(agencies, referral.agency_id)}", style="bold")
    text.append(f" ({PATHWAYS.label(referral.pathway)})")
    text.append(f", made {long_date(referral.made_on)} {method_words(referral.method)}.")
    if referral.step_id is not None:
        text.append("\nFor the plan step: ")
        located = plan.step(referral.step_id) if plan else None
        if located is None:
            text.append("a step no longer in the live plan")
        else:
            step = located[1]
            text.append(f"{one_line(step.what, 80)} ({STEP_STATUSES.label(step.status)})")
    for update in referral.history:
        text.append(f"\n– {REFERRAL_STATUSES.label(update.status)} {long_date(update.on)}")
        if update.note:
            text.append(f": {one_line(update.note)}")
    if referral.is_open:
        due = referral.follow_up_on
        if due is None:
            text.append("\nNo follow-up date set.")
        elif due < today:
            text.append(
                f"\n{MARKER} FOLLOW-UP OVERDUE since {long_date(due)}, "
                f"{relative_days(due, today)}.",
                style="bold",
            )
        else:
            text.append(f"\nFollow up {long_date(due)}, {relative_days(due, today)}.")
    else:
        text.append("\nThis referral has ended; its status does not change again.")
    text.append("\nOutcome: ", style="bold")
    text.append(referral.outcome or "none recorded yet")
    if referral.notes:
        text.append("\nNotes: ", style="bold")
        text.append(referral.notes)
    hint = UPDATE_HINT if referral.is_open else OUTCOME_HINT
    text.append(f"\n{hint}", style="italic")
    return text


def signpost_detail(signpost: Signpost, agencies: Mapping[UUID, Agency]) -> Text:
    text = Text()
    text.append(f"Signposting on {long_date(signpost.given_on)}", style="bold")
    text.append(f" ({PATHWAYS.label(signpost.pathway)})")
    if signpost.agency_id is not None:
        text.append(f", to {agency_name(agencies, signpost.agency_id)}")
    text.append(". No referral was made.\nInformation given: ")
    text.append(signpost.information)
    text.append(f"\n{SIGNPOST_HINT}", style="italic")
    return text


class _ListTable(RecordTable[Any]):
    """A table whose Enter is offered only while there is a row to open."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return bool(self.rows)
        return True


def _refer(show: bool = True) -> Binding:
    return Binding(
        "m",
        "screen.make_referral",
        "Refer",
        show=show,
        id="make_referral",
        tooltip="Make a referral to an agency in the directory.",
    )


def _signpost(show: bool = True) -> Binding:
    return Binding(
        "g",
        "screen.add_signpost",
        "Signpost",
        show=show,
        id="add_signpost",
        tooltip="Record information given without a referral.",
    )


# From these widths the referrals table has room for the pathway, then for how it was made.
WITH_PATHWAY = 100
WITH_METHOD = 120


class ReferralTable(_ListTable):
    """The referrals, with as many columns as fit: agency, status and follow-up always."""

    AGENCY = Column("agency", "Agency", 26, min_width=12, squeeze=1)
    PATHWAY = Column("pathway", "Pathway", 20, min_width=10, squeeze=1)
    MADE = Column("made", "Made on", 10)
    METHOD = Column("how", "How", 11)
    STATUS = Column("status", "Status", 20)
    FOLLOW_UP = Column("follow_up", "Follow up", 20, flex=True)
    NARROW = (AGENCY, MADE, STATUS, FOLLOW_UP)
    MIDDLE = (AGENCY, PATHWAY, MADE, STATUS, FOLLOW_UP)
    WIDE = (AGENCY, PATHWAY, MADE, METHOD, STATUS, FOLLOW_UP)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Update", show=False, id="update_referral_here"),
        Binding(
            "u",
            "screen.update_referral",
            "Update referral",
            show=False,
            id="update_referral",
            tooltip="Move the referral on, record its outcome or change its follow-up.",
        ),
        _refer(),
        _signpost(),
    ]

    def __init__(self, cells_of: Callable[[Referral], dict[str, Text]]) -> None:
        cells = lambda r: [cells_of(r)[c.key] for c in self.columns]  # noqa: E731
        super().__init__(self.NARROW, cells, NO_REFERRALS, id="referral-table")

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        wanted = (
            self.WIDE if width >= WITH_METHOD else self.MIDDLE if width >= WITH_PATHWAY else None
        ) or self.NARROW
        if list(wanted) != self.columns:
            self.set_columns(wanted)


class SignpostTable(_ListTable):
    COLUMNS = (
        Column("given", "Date", 10),
        Column("pathway", "Pathway", 20, min_width=8, squeeze=1),
        Column("agency", "Agency", 16, min_width=6, squeeze=1),
        Column("information", "Information given", 24, min_width=16, squeeze=2, flex=True),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Edit", show=False, id="edit_signpost"),
        _refer(show=False),
        _signpost(),
        Binding(
            "x",
            "screen.remove_signpost",
            "Delete",
            id="remove_signpost",
            tooltip="Delete signposting recorded in error (asks first).",
        ),
    ]

    def __init__(self, cells_of: Callable[[Signpost], Sequence[Text]]) -> None:
        super().__init__(self.COLUMNS, cells_of, NO_SIGNPOSTS, id="signpost-table")


class ReferralsPane(Vertical):
    """Counts, the referrals, the signposting, and the whole of the one with the cursor."""

    DEFAULT_CSS = """
    ReferralsPane {
        & > #referral-counts {
            padding: 0 1;
            text-style: bold;
        }
        & > #referral-table {
            max-height: 40%;
        }
        & > #signpost-heading {
            padding: 0 1;
            margin-top: 1;
            text-style: bold;
        }
        & > #signpost-table {
            max-height: 30%;
        }
        & > .detail {
            height: 1fr;
            min-height: 4;
            border-top: solid $foreground 30%;
            padding: 0 1;
        }
    }
    """

    @dataclass
    class ReferralChosen(Message):
        """Enter, or a click, on a referral: to update it."""

        referral: Referral

    @dataclass
    class SignpostChosen(Message):
        """Enter, or a click, on signposting: to edit it."""

        signpost: Signpost

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.today = date.min
        self.agencies: Mapping[UUID, Agency] = {}
        self.plan: Plan | None = None
        self._showing: RecordTable[Any] | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="referral-counts", markup=False)
        yield ReferralTable(self._referral_cells)
        yield Label("Signposting: information given without a referral", id="signpost-heading")
        yield SignpostTable(self._signpost_cells)
        with VerticalScroll(classes="detail"):
            yield Static(id="referral-detail")

    def _referral_cells(self, r: Referral) -> dict[str, Text]:
        overdue = is_overdue(r, self.today)
        return {
            "agency": Text(agency_name(self.agencies, r.agency_id)),
            "pathway": Text(PATHWAYS.label(r.pathway)),
            "made": Text(uk_date(r.made_on)),
            "how": Text(REFERRAL_METHODS.label(r.method)),
            "status": Text(status_words(r)),
            "follow_up": Text(follow_up_words(r, self.today), style="bold" if overdue else ""),
        }

    def _signpost_cells(self, s: Signpost) -> tuple[Text, ...]:
        return (
            Text(uk_date(s.given_on)),
            Text(PATHWAYS.label(s.pathway)),
            Text(agency_name(self.agencies, s.agency_id) or "—"),
            Text(one_line(s.information)),
        )

    @property
    def referral_table(self) -> ReferralTable:
        return self.query_one(ReferralTable)

    @property
    def signpost_table(self) -> SignpostTable:
        return self.query_one(SignpostTable)

    @property
    def current_referral(self) -> Referral | None:
        referral: Referral | None = self.referral_table.current
        return referral

    @property
    def current_signpost(self) -> Signpost | None:
        signpost: Signpost | None = self.signpost_table.current
        return signpost

    def show(
        self,
        referrals: Sequence[Referral],
        signposts: Sequence[Signpost],
        agencies: Mapping[UUID, Agency],
        plan: Plan | None,
        today: date,
        select: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Show the person's referrals and signposting; `select` puts a cursor on one."""
        self.today, self.agencies, self.plan = today, agencies, plan
        self.query_one("#referral-counts", Label).update(counts_words(referrals, signposts, today))
        table = self.referral_table
        has_agencies = any(not a.archived for a in agencies.values())
        table.empty_text = NO_REFERRALS if has_agencies else f"No referrals yet. {NO_AGENCIES}"
        table.fill(in_order(referrals), select[0] or table.cursor_key)
        newest_first = sorted(signposts, key=lambda s: s.given_on, reverse=True)
        self.signpost_table.fill(newest_first, select[1] or self.signpost_table.cursor_key)
        self.show_detail()
        self.screen.refresh_bindings()

    def show_detail(self) -> None:
        self.query_one("#referral-detail", Static).update(self.detail())

    def detail(self) -> Text | str:
        """The signposting with the cursor while its table has focus, else the referral."""
        if self._showing is self.signpost_table:
            signpost = self.current_signpost
            return signpost_detail(signpost, self.agencies) if signpost else NO_SIGNPOSTS
        referral = self.current_referral
        if referral is None:
            return self.referral_table.empty_text
        return referral_detail(referral, self.agencies, self.plan, self.today)

    @on(RecordTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self.show_detail()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, RecordTable):
            self._showing = event.widget
            self.show_detail()

    @on(RowTable.RowSelected)
    def _row_chosen(self, event: RowTable.RowSelected) -> None:
        event.stop()
        if isinstance(event.table, ReferralTable) and self.current_referral is not None:
            self.post_message(self.ReferralChosen(self.current_referral))
        elif isinstance(event.table, SignpostTable) and self.current_signpost is not None:
            self.post_message(self.SignpostChosen(self.current_signpost))
