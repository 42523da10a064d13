"""First run: the worker's name, the service and a passphrase make a new caseload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Static

from keyworker.clock import Clock
from keyworker.errors import CaseloadExists, KeyworkerError
from keyworker.passphrase import assess_passphrase
from screens.footer import KeyFooter
from screens.unlock import folder_for_display
from storage import Caseload, CaseloadPaths, KdfParams

CREATING = "Creating the caseload…"
NO_NAME = "Type your name as it should appear in the record."
NO_SERVICE = "Type the name of the service you work for."
DIFFERENT = "The two passphrases are different. Type the same one twice."
SAME = "The two passphrases match."
CHECK = "Look over the messages beside the fields, then create the caseload again."
KEEP_IT_SAFE = "Keep your passphrase safe: without it nobody, including us, can open the caseload."

# (field id, label, masked)
FIELDS = (
    ("worker", "Your name", False),
    ("service", "Service", False),
    ("passphrase", "Passphrase", True),
    ("again", "Type it again", True),
)


class SetupScreen(Screen[None]):
    """Makes a new caseload in a thread (the key takes a moment to derive).

    Posts `Created` with the open caseload, which the receiver then owns.
    """

    DEFAULT_CSS = """
    SetupScreen {
        align: center middle;

        #setup-box {
            width: 84;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 0 1;
        }
        #heading {
            text-style: bold;
            width: 100%;
            content-align: center middle;
            margin-bottom: 1;
        }
        #intro {
            color: $text-muted;
            margin-bottom: 1;
        }
        #fields {
            grid-size: 2;
            grid-columns: 16 1fr;
            grid-rows: auto;
            height: auto;
        }
        #fields > Input {
            max-width: 50;
        }
        .message {
            width: 1fr;
            height: auto;
            min-height: 1;
            color: $text-muted;
        }
        .message.-problem, #status.-problem {
            color: $text-error;
            text-style: bold;
        }
        #status {
            width: 100%;
            height: auto;
            margin-top: 1;
        }
        #create {
            margin-top: 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="quit", tooltip="Leave without a caseload."),
        Binding("ctrl+s", "create", "Create", id="create", tooltip="Create the caseload."),
    ]

    @dataclass
    class Created(Message):
        """The new caseload is open; the receiver now owns it and must close it."""

        caseload: Caseload

    @dataclass
    class _Failed(Message):
        reason: str
        exists: bool

    def __init__(self, paths: CaseloadPaths, clock: Clock, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.clock = clock
        self.kdf = kdf
        self.creating = False

    def compose(self) -> ComposeResult:
        folder = folder_for_display(self.paths.home)
        yield Header()
        with VerticalScroll(id="setup-box"):
            yield Static("Set up your caseload", id="heading")
            yield Static(
                f"Your caseload will be kept, encrypted, in {folder}. {KEEP_IT_SAFE}",
                id="intro",
                markup=False,
            )
            with Grid(id="fields"):
                for field, label, masked in FIELDS:
                    yield Label(label, classes="field-label")
                    yield Input(password=masked, id=field, max_length=200, compact=True)
                    yield Static()
                    yield Label("", id=f"{field}-message", classes="message", markup=False)
            yield Label("", id="status", markup=False)
            yield Button("Create caseload", id="create", variant="primary", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show("passphrase", assess_passphrase("").hint, problem=False)
        self.query_one("#worker", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _show(self, field: str, text: str, *, problem: bool) -> None:
        _say(self.query_one(f"#{field}-message", Label), text, problem)

    def _status(self, text: str, *, problem: bool) -> None:
        _say(self.query_one("#status", Label), text, problem)

    @on(Input.Changed, "#passphrase")
    def _passphrase_changed(self, event: Input.Changed) -> None:
        strength = assess_passphrase(event.value)
        self._show(
            "passphrase", strength.hint, problem=bool(event.value) and not strength.acceptable
        )
        if self._value("again"):
            self._compare()

    @on(Input.Changed, "#again")
    def _again_changed(self) -> None:
        self._show("again", "", problem=False)
        if len(self._value("again")) >= len(self._value("passphrase")):
            self._compare()

    @on(Input.Changed, "#worker, #service")
    def _text_changed(self, event: Input.Changed) -> None:
        if event.value.strip() and event.input.id:
            self._show(event.input.id, "", problem=False)

    def _compare(self) -> bool:
        same = self._value("again") == self._value("passphrase")
        self._show("again", SAME if same else DIFFERENT, problem=not same)
        return same

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "again":
            self.action_create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#create")
    def _pressed(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        if self.creating:
            return
        problems = self._problems()
        if problems:
            self._status(CHECK, problem=True)
            self.query_one(f"#{problems[0]}", Input).focus()
            return
        self.creating = True
        for field in self.query(Input):
            field.disabled = True
        self._status(CREATING, problem=False)
        self._create(
            self._value("worker").strip(), self._value("service").strip(), self._value("again")
        )

    def _problems(self) -> list[str]:
        """Fields at fault, first to last, each with its message shown beside it."""
        problems = []
        if not self._value("worker").strip():
            self._show("worker", NO_NAME, problem=True)
            problems.append("worker")
        if not self._value("service").strip():
            self._show("service", NO_SERVICE, problem=True)
            problems.append("service")
        strength = assess_passphrase(self._value("passphrase"))
        if not strength.acceptable:
            self._show("passphrase", strength.hint, problem=True)
            problems.append("passphrase")
        elif not self._compare():
            problems.append("again")
        return problems

    @work(thread=True, exclusive=True, group="setup")
    def _create(self, worker: str, service: str, passphrase: str) -> None:
        try:
            caseload = Caseload.create(
                self.paths, passphrase, worker, service, clock=self.clock, kdf=self.kdf
            )
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc), isinstance(exc, CaseloadExists)))
            return
        except OSError as exc:
            reason = (exc.strerror or "it cannot be written to").lower()
            self.post_message(
                self._Failed(f"Cannot create the caseload in {self.paths.home}: {reason}.", False)
            )
            return
        self.post_message(self.Created(caseload))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.creating = False
        reason = message.reason
        if message.exists:
            reason = (
                f"A caseload has appeared in {folder_for_display(self.paths.home)} since this "
                "screen opened; it was left as it is. Quit and start again to unlock it."
            )
        self._status(reason, problem=True)
        for field in self.query(Input):
            field.disabled = False
        self.query_one("#worker", Input).focus()


def _say(label: Label, text: str, problem: bool) -> None:
    """A problem is marked with a cross as well as colour, as on the forms."""
    label.update(f"✗ {text}" if problem and text else text)
    label.set_class(problem, "-problem")
