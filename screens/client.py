"""One client's record: the risk flags first, then tabs for the rest of it.

The record loads in a thread. Every change goes through a form that returns a model;
the screen saves it through the caseload in a thread, reads the record again and shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from keyworker.clock import Clock
from keyworker.dates import long_date
from keyworker.errors import KeyworkerError
from keyworker.models import CaseNote, Client, ClientRecord, FamilyMember, RiskFlag, StatusChange
from screens.appointment_actions import AppointmentActions
from screens.appointment_pane import AppointmentPane
from screens.assessment_list import AssessmentsPane, AssessmentTable
from screens.assessment_start import AssessmentStarter
from screens.client_form import ClientForm
from screens.client_text import CLOSED_STATUSES, kind_words, title_line
from screens.client_widgets import (
    FamilyPane,
    FamilyTable,
    FlagBanner,
    FlagTable,
    NotesPane,
    NotesTable,
    OverviewPane,
    RecordTable,
    RisksPane,
)
from screens.confirm import ConfirmScreen
from screens.family_form import FamilyForm
from screens.flag_form import FlagForm
from screens.footer import KeyFooter
from screens.note_form import NoteForm
from screens.plan_actions import PlanActions
from screens.plan_pane import PlanPane, PlanTable
from screens.referral_actions import ReferralActions
from screens.referral_list import ReferralsPane
from screens.row_table import RowTable
from screens.status_form import CloseCaseForm, ReopenCaseForm
from storage import Caseload

T = TypeVar("T")

DEFAULT_CONTACT_TYPE = "face_to_face"
LOAD_FAILED = "This record could not be opened."

# Each tab, and what has the cursor when it is opened with its number key.
TAB_FOCUS = {
    "overview": "#overview-pane",
    "family": "#family-table",
    "risks": "#flag-table",
    "notes": "#notes-table",
    "assessments": "#assessment-table",
    "plan": "#plan-table",
    "referrals": "#referral-table",
    "appointments": "#upcoming-table",
}


def _tab_binding(number: int, tab: str, title: str) -> Binding:
    return Binding(str(number), f"show_tab('{tab}')", title, show=False, id=f"client_tab_{tab}")


class ClientScreen(
    AppointmentActions, PlanActions, ReferralActions, AssessmentStarter, Screen[None]
):
    """A client's record, opened from the caseload; Escape goes back to it."""

    DEFAULT_CSS = """
    ClientScreen {
        #record-header {
            height: auto;
        }
        #title {
            padding: 0 1;
        }
        #tabs {
            height: 1fr;
        }
        #tabs > ContentSwitcher {
            height: 1fr;
        }
        TabPane {
            height: 1fr;
            padding: 0;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "quick_note",
            "Quick note",
            id="quick_note",
            tooltip="Write a case note for this client, from anywhere in the record.",
        ),
        Binding("c", "close_case", "Close case", id="close_case", tooltip="Close the case."),
        Binding("c", "reopen_case", "Reopen case", id="reopen_case", tooltip="Reopen the case."),
        Binding("e", "edit_client", "Edit details", id="edit_client"),
        Binding(
            "d",
            "distance",
            "Distance travelled",
            show=False,
            id="distance",
            tooltip="Ratings, need levels and motivation across the assessments.",
        ),
        Binding("escape", "back", "Back", id="client_back", tooltip="Back to the caseload."),
        Binding(
            "s",
            "assess",
            "Assess",
            id="assess",
            tooltip="Start an assessment or review, or carry on with the draft.",
        ),
        Binding("f", "add_family_member", "Add family member", show=False, id="add_family_member"),
        Binding("r", "add_flag", "Add risk flag", show=False, id="add_flag"),
        _tab_binding(1, "overview", "Show the overview"),
        _tab_binding(2, "family", "Show family and dependants"),
        _tab_binding(3, "risks", "Show risks and safeguarding"),
        _tab_binding(4, "notes", "Show the notes"),
        _tab_binding(5, "assessments", "Show the assessments"),
        _tab_binding(6, "plan", "Show the action plan"),
        _tab_binding(7, "referrals", "Show referrals and signposting"),
        _tab_binding(8, "appointments", "Show the appointments"),
    ]

    @dataclass
    class _Loaded(Message):
        record: ClientRecord
        linked: Client | None
        done: str = ""
        then: Callable[[], None] | None = None

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock, client_id: UUID) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.client_id = client_id
        self.record: ClientRecord | None = None
        self._linked: Client | None = None
        self._select: dict[type[RecordTable[Any]], str] = {}

    # Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="record-header"):
            yield Static("Opening the record…", id="title", markup=False)
            yield FlagBanner(id="flags")
        with TabbedContent(id="tabs"):
            with TabPane("Overview", id="overview"):
                yield OverviewPane(id="overview-pane")
            with TabPane("Family", id="family"):
                yield FamilyPane(id="family-pane")
            with TabPane("Risks", id="risks"):
                yield RisksPane(id="risks-pane")
            with TabPane("Notes", id="notes"):
                yield NotesPane(id="notes-pane")
            with TabPane("Assessments", id="assessments"):
                yield AssessmentsPane(id="assessments-pane")
            with TabPane("Plan", id="plan"):
                yield PlanPane(id="plan-pane")
            with TabPane("Referrals", id="referrals"):
                yield ReferralsPane(id="referrals-pane")
            with TabPane("Appointments", id="appointments"):
                yield AppointmentPane(id="appointment-pane")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._load()

    # Loading and saving ---------------------------------------------------------------

    def _read(self) -> tuple[ClientRecord, Client | None]:
        """The record, and the client it is linked to if they are still on the caseload."""
        record = self.caseload.record(self.client_id)
        self.read_agencies()
        linked_id = record.client.linked_client_id
        linked = None
        if linked_id is not None and self.caseload.has_client(linked_id):
            linked = self.caseload.client(linked_id)
        return record, linked

    @work(thread=True, exclusive=True, group="client-record")
    def _load(self) -> None:
        try:
            record, linked = self._read()
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Loaded(record, linked))

    @work(thread=True, group="client-save")
    def _save(
        self, done: str, change: Callable[[], object], then: Callable[[], None] | None = None
    ) -> None:
        """Make one change through the caseload, then read the record again."""
        try:
            change()
            record, linked = self._read()
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Loaded(record, linked, done, then))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self._select.clear()
        if self.record is None:
            self.query_one("#title", Static).update(f"{LOAD_FAILED} {message.problem}")
        self.notify(message.problem, title="Not done", severity="error")

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self.record = message.record
        self._linked = message.linked
        self._show_record()
        self.refresh_bindings()
        if message.then is not None:
            message.then()
        if message.done:
            self.notify(message.done)

    # Showing --------------------------------------------------------------------------

    def _show_record(self) -> None:
        record = self.record
        assert record is not None
        today = self.clock.today()
        select = self._select
        self.query_one("#title", Static).update(title_line(record.client))
        self.query_one(FlagBanner).show(record.flags, today)
        self.query_one(OverviewPane).show(record, self._linked, today)
        self.query_one(FamilyPane).show(record.family, today, select.pop(FamilyTable, None))
        self.query_one(RisksPane).show(record.flags, today, select.pop(FlagTable, None))
        self.query_one(NotesPane).show(record.notes, select.pop(NotesTable, None))
        self.query_one(AssessmentsPane).show(record.assessments, select.pop(AssessmentTable, None))
        self.query_one(PlanPane).show(
            record.plans, self._agency_names(), today, select.pop(PlanTable, None)
        )
        self.show_referrals(today)
        self.query_one(AppointmentPane).show(
            record, self.clock.now(), self.appointment_zone, self.take_selected_appointment()
        )

    # The appointments tab's host (see AppointmentActions) ----------------------------

    def chosen_appointment(self) -> tuple[UUID, UUID | None] | None:
        return self.query_one(AppointmentPane).chosen

    def booking_for(self) -> list[UUID]:
        return [self.client_id]

    def appointments_changed(self) -> None:
        self._load()

    def _current_member(self) -> FamilyMember | None:
        member: FamilyMember | None = self.query_one(FamilyPane).current
        return member

    def _current_flag(self) -> RiskFlag | None:
        flag: RiskFlag | None = self.query_one(RisksPane).current
        return flag

    @on(RowTable.RowSelected)
    def _selected(self, event: RowTable.RowSelected) -> None:
        """Enter (or a click on the cursor row) edits a family member or a flag."""
        if isinstance(event.table, FamilyTable):
            self._edit_family_member()
        elif isinstance(event.table, FlagTable):
            self._edit_flag()
        elif isinstance(event.table, AssessmentTable):
            self.open_assessment()
        elif isinstance(event.table, PlanTable):
            self.edit_plan_row()

    # Actions: each runs only when check_action allows it ------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        record = self.record
        if action in ("close_case", "reopen_case"):
            if record is None:
                return None if action == "close_case" else False
            closed = record.client.status in CLOSED_STATUSES
            return closed if action == "reopen_case" else not closed
        if action in ("quick_note", "edit_client", "add_family_member", "add_flag", "assess"):
            return None if record is None else True
        if action == "remove_family_member":
            return None if self._current_member() is None else True
        if action == "end_flag":
            flag = self._current_flag()
            return None if flag is None or not flag.is_active else True
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_distance(self) -> None:
        from screens.distance import DistanceScreen

        self.app.push_screen(DistanceScreen(self.caseload, self.clock, self.client_id))

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "appointments":
            self.query_one(AppointmentPane).focus_table()  # the past, if nothing is to come
        else:
            self.query_one(TAB_FOCUS[tab]).focus()

    def _ask(self, form: Screen[T | None], then: Callable[[T], None]) -> None:
        """Open a form; `then` gets what it returns, unless it was cancelled."""

        def answered(result: T | None) -> None:
            if result is not None and result is not False:
                then(result)

        self.app.push_screen(form, answered)

    def _client(self) -> Client:
        assert self.record is not None
        return self.record.client

    def action_quick_note(self) -> None:
        form = NoteForm(
            self.client_id, self.clock.now(), self.caseload.worker, self._last_contact_type()
        )
        self._ask(form, self._note_written)

    def _note_written(self, note: CaseNote) -> None:
        self._select[NotesTable] = str(note.id)
        remember = partial(self._remember_contact_type, note.contact_type)
        self._save("Note saved.", partial(self.caseload.add_note, note), remember)

    def action_edit_client(self) -> None:
        client = self._client()
        form = ClientForm(self.clock.today(), client.case_ref, client)
        change = self.caseload.update_client
        self._ask(form, lambda edited: self._save("Details saved.", partial(change, edited)))

    def action_add_family_member(self) -> None:
        self._ask(FamilyForm(self.client_id, self.clock.today()), self._family_member_added)

    def _family_member_added(self, member: FamilyMember) -> None:
        self._select[FamilyTable] = str(member.id)
        self._save("Family member added.", partial(self.caseload.add_family_member, member))

    def _edit_family_member(self) -> None:
        member = self._current_member()
        if member is None:
            return
        form = FamilyForm(self.client_id, self.clock.today(), member)
        change = self.caseload.update_family_member
        self._ask(form, lambda edited: self._save("Family member saved.", partial(change, edited)))

    def action_remove_family_member(self) -> None:
        member = self._current_member()
        if member is None:
            return
        question = ConfirmScreen(
            f"Remove {member.name} from this client's family and dependants?",
            yes="Remove",
            no="Keep",
        )
        remove = partial(self.caseload.remove_family_member, member.id)
        self._ask(question, lambda _yes: self._save("Family member removed.", remove))

    def action_add_flag(self) -> None:
        self._ask(FlagForm(self.client_id, self.clock.today()), self._flag_added)

    def _flag_added(self, flag: RiskFlag) -> None:
        self._select[FlagTable] = str(flag.id)
        self._save("Flag added.", partial(self.caseload.add_flag, flag))

    def _edit_flag(self) -> None:
        flag = self._current_flag()
        if flag is None:
            return
        form = FlagForm(self.client_id, self.clock.today(), flag)
        change = self.caseload.update_flag
        self._ask(form, lambda edited: self._save("Flag saved.", partial(change, edited)))

    def action_end_flag(self) -> None:
        flag = self._current_flag()
        if flag is None or not flag.is_active:
            return
        today = self.clock.today()
        try:
            ended = RiskFlag.model_validate({**dict(flag), "ended_on": today})
        except ValueError:
            self.notify("This flag was raised after today, so it cannot end today.")
            return
        question = ConfirmScreen(
            f"End the {kind_words(flag.kind).lower()} flag today, {long_date(today)}? "
            "It stays on the record as ended.",
            yes="End flag",
            no="Keep it",
        )
        end = partial(self.caseload.update_flag, ended)
        self._ask(question, lambda _yes: self._save("Flag ended.", end))

    def action_close_case(self) -> None:
        form = CloseCaseForm(self._client(), self.clock.now(), self.caseload.worker)
        self._ask(form, partial(self._change_status, "Case closed."))

    def action_reopen_case(self) -> None:
        form = ReopenCaseForm(self._client(), self.clock.now(), self.caseload.worker)
        self._ask(form, partial(self._change_status, "Case reopened."))

    def _change_status(self, done: str, change: StatusChange) -> None:
        save = partial(
            self.caseload.change_status, self.client_id, change.status, change.reason, change.note
        )
        self._save(done, save)

    # The note form's remembered contact type ------------------------------------------

    def _last_contact_type(self) -> str:
        settings = getattr(self.app, "settings", None)
        return getattr(settings, "last_contact_type", DEFAULT_CONTACT_TYPE)

    def _remember_contact_type(self, contact_type: str) -> None:
        """Keep the contact type for the next note, where the app keeps settings."""
        settings = getattr(self.app, "settings", None)
        save = getattr(self.app, "save_settings", None)
        if settings is None or save is None or settings.last_contact_type == contact_type:
            return
        save(settings.model_copy(update={"last_contact_type": contact_type}))
