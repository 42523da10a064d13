"""The dashboard, driven through Pilot on real, temporary, encrypted caseloads."""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label
from textual.widgets._footer import FooterKey
from textual.worker import WorkerCancelled

from keyworker.clock import FixedClock
from keyworker.errors import KeyworkerError
from keyworker.models import CaseNote, Client, ClientSummary, RiskFlag, SearchHit
from keyworker.settings import Settings
from screens.app import KeyworkerApp, make_app
from screens.cells import (
    SORT_COLUMNS,
    SortOrder,
    contact_ago,
    flag_words,
    last_contact,
    sort_summaries,
    why_matched,
)
from screens.client import ClientScreen
from screens.client_form import ClientForm
from screens.dashboard import DashboardScreen
from screens.row_table import Column, fit_columns
from storage import Caseload, CaseloadPaths, KdfParams
from tests.conftest import PASSPHRASE, make_appointment


def _id(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


ALEX = Client(
    id=_id(1),
    case_ref="KW-2A3B4",
    legal_name="Alexandra Morgan",
    preferred_name="Alex Morgan",
    status="active",
    release_date=date(2026, 12, 3),
)
JORDAN = Client(id=_id(2), case_ref="KW-5C6D7", legal_name="Jordan Ellis")
PRIYA = Client(
    id=_id(3),
    case_ref="KW-8E9F2",
    legal_name="Priya Shah",
    status="paused",
    order_end_date=date(2027, 9, 30),
)
CHRIS = Client(
    id=_id(4),
    case_ref="KW-HJK3M",
    legal_name="Christopher Doyle",
    preferred_name="Chris Doyle",
    status="closed",
    closure_reason="needs_met",
)
DAN = Client(
    id=_id(5),
    case_ref="KW-MN4P5",
    legal_name="Daniel Price",
    preferred_name="Dan Price",
    status="active",
)
CLIENTS = (ALEX, JORDAN, PRIYA, CHRIS, DAN)
REFS = [c.case_ref for c in CLIENTS]
NOTES = (
    (ALEX, datetime(2026, 11, 17, 12, 0, tzinfo=UTC), "Met at the office to plan release."),
    (PRIYA, datetime(2026, 10, 1, 12, 0, tzinfo=UTC), "Phoned about the housing appointment."),
    (CHRIS, datetime(2026, 9, 1, 12, 0, tzinfo=UTC), "Closing visit; all goals met."),
    (DAN, datetime(2026, 11, 1, 12, 0, tzinfo=UTC), "Talked through his housing benefit claim."),
)


@pytest.fixture
def small_paths(paths: CaseloadPaths, clock: FixedClock) -> CaseloadPaths:
    """Five clients with notes, flags and key dates chosen so every sort has one answer."""
    with Caseload.create(
        paths,
        PASSPHRASE,
        "Sam Keyworker",
        "Northgate Resettlement",
        clock=clock,
        kdf=KdfParams.fast_for_tests(),
    ) as caseload:
        for client in CLIENTS:
            caseload.add_client(client)
        for n, (client, at, text) in enumerate(NOTES, 11):
            caseload.add_note(
                CaseNote(id=_id(n), client_id=client.id, at=at, contact_type="phone", text=text)
            )
        flags = (
            (ALEX, "lone_working", date(2027, 1, 5)),
            (ALEX, "domestic_abuse", date(2027, 1, 5)),
            (PRIYA, "self_harm", date(2026, 11, 1)),  # review overdue
        )
        for n, (client, kind, review) in enumerate(flags, 21):
            caseload.add_flag(
                RiskFlag(
                    id=_id(n),
                    client_id=client.id,
                    kind=kind,
                    level="high",
                    raised_on=date(2026, 6, 1),
                    review_date=review,
                )
            )
        # Alex's next appointment (a past one and one called off do not count).
        caseload.book(
            [
                make_appointment(ALEX, day=20, id=_id(31)),
                make_appointment(ALEX, day=24, hour=14, id=_id(32)),
                make_appointment(ALEX, day=23, id=_id(33)),
                make_appointment(ALEX, day=30, id=_id(34)),
            ]
        )
        caseload.cancel_appointments([_id(33)], "person")
        caseload.record_outcome(_id(31), ALEX.id, "attended")
    return paths


# Helpers ----------------------------------------------------------------------------


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let workers finish and messages land until `condition` holds."""
    for _ in range(int(timeout / 0.05)):
        with contextlib.suppress(WorkerCancelled):  # a search overtaken by the next keystroke
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not reach the expected state in time")


def dashboard(app: KeyworkerApp) -> DashboardScreen:
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


def settled(app: KeyworkerApp) -> Callable[[], bool]:
    """The dashboard is showing, its clients and attention list loaded."""

    def check() -> bool:
        screen = app.screen
        return (
            isinstance(screen, DashboardScreen)
            and screen.ready
            and "client" in text_of(screen, "#count")
            and "(" in str(screen.query_one("#attention").border_title)
        )

    return check


async def open_dashboard(pilot: Pilot) -> DashboardScreen:
    await until(pilot, settled(pilot.app))  # type: ignore[arg-type]
    return dashboard(pilot.app)  # type: ignore[arg-type]


def text_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())  # type: ignore[attr-defined]


def rows(app: KeyworkerApp, table: str = "#clients") -> list[list[str]]:
    shown = app.screen.query_one(table)
    return [shown.row_text(i) for i in range(shown.row_count)]  # type: ignore[attr-defined]


def refs(app: KeyworkerApp, table: str = "#clients") -> list[str]:
    return [row[0] for row in rows(app, table)]


def footer_text(app: KeyworkerApp) -> str:
    return [line for line in screen_text(app).splitlines() if line.strip()][-1]


def screen_text(app: KeyworkerApp) -> str:
    """Everything the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def app_for(paths: CaseloadPaths, clock: FixedClock, **settings: int) -> KeyworkerApp:
    return make_app(paths, clock, PASSPHRASE, Settings(**settings))


# The client table --------------------------------------------------------------------


async def test_the_table_shows_every_client_with_flags_in_words(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert "Sam Keyworker" in str(screen.query_one("#heading").render())
        assert text_of(screen, "#count") == "5 clients"
        assert text_of(screen, "#filter") == "Showing: All statuses"
        assert text_of(screen, "#sort") == "Sorted by case ref, A to Z"
        table = screen.query_one("#clients")
        assert [c.label for c in table.columns] == [  # type: ignore[attr-defined]
            "Case ref",
            "Name",
            "Flags",
            "Status",
            "Last contact",
            "Key date",
            "Appointment",
        ]
        assert table.has_focus
        assert rows(app) == [
            [
                "KW-2A3B4",
                "Alex Morgan",
                "LONE WORKING, DA",
                "Active",
                "17/11/2026 (5 days)",
                "03/12/2026",
                "Tue 24/11 14:00",
            ],
            ["KW-5C6D7", "Jordan Ellis", "", "Referred", "none yet", "", ""],
            [
                "KW-8E9F2",
                "Priya Shah",
                "SELF-HARM",
                "Paused",
                "01/10/2026 (52 days)",
                "30/09/2027",
                "",
            ],
            ["KW-HJK3M", "Chris Doyle", "", "Closed", "01/09/2026 (82 days)", "", ""],
            ["KW-MN4P5", "Dan Price", "", "Active", "01/11/2026 (21 days)", "", ""],
        ]
        shown = screen_text(app)
        assert "LONE WORKING, DA" in shown
        assert "17/11/2026 (5 days)" in shown


async def test_a_narrow_screen_says_how_long_since_contact(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        shown = screen_text(app)
        assert "21 days ago" in shown
        assert "none yet" in shown
        assert "LONE WORKING, DA" in shown  # flags keep their room


async def test_status_filter_cycles_and_shows_only_matching_clients(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        seen = []
        for expected in ("Referred", "Active", "Paused", "Closed", "Transferred", "All statuses"):
            await pilot.press("f")
            await until(
                pilot,
                lambda expected=expected: (
                    text_of(screen, "#filter") == f"Showing: {expected}"
                    and "client" in text_of(screen, "#count")
                ),
            )
            seen.append((refs(app), text_of(screen, "#count")))
            if expected != "All statuses":
                assert {row[3] for row in rows(app)} <= {expected}

    assert seen == [
        (["KW-5C6D7"], "1 client"),
        (["KW-2A3B4", "KW-MN4P5"], "2 clients"),
        (["KW-8E9F2"], "1 client"),
        (["KW-HJK3M"], "1 client"),
        ([], "0 clients"),
        (REFS, "5 clients"),
    ]


def order(*clients: Client) -> list[str]:
    return [c.case_ref for c in clients]


# Each sort as (words shown, case refs in order); "none yet" stays last both ways round.
SORTED = [
    ("Sorted by name, A to Z", order(ALEX, CHRIS, DAN, JORDAN, PRIYA)),
    ("Sorted by name, Z to A", order(PRIYA, JORDAN, DAN, CHRIS, ALEX)),
    ("Sorted by flags, most flags first", order(ALEX, PRIYA, JORDAN, CHRIS, DAN)),
    ("Sorted by flags, fewest flags first", order(JORDAN, CHRIS, DAN, PRIYA, ALEX)),
    ("Sorted by status, Referred first", order(JORDAN, ALEX, DAN, PRIYA, CHRIS)),
    ("Sorted by status, Transferred first", order(CHRIS, PRIYA, ALEX, DAN, JORDAN)),
    ("Sorted by last contact, oldest first", order(CHRIS, PRIYA, DAN, ALEX, JORDAN)),
    ("Sorted by last contact, newest first", order(ALEX, DAN, PRIYA, CHRIS, JORDAN)),
    ("Sorted by next key date, soonest first", order(ALEX, PRIYA, JORDAN, CHRIS, DAN)),
    ("Sorted by next key date, latest first", order(PRIYA, ALEX, JORDAN, CHRIS, DAN)),
    ("Sorted by next appointment, soonest first", order(ALEX, JORDAN, PRIYA, CHRIS, DAN)),
    ("Sorted by next appointment, latest first", order(ALEX, JORDAN, PRIYA, CHRIS, DAN)),
    ("Sorted by case ref, A to Z", REFS),
    ("Sorted by case ref, Z to A", REFS[::-1]),
]


async def test_s_sorts_by_each_column_and_r_turns_the_order_round(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        seen = []
        for _ in SORT_COLUMNS:
            await pilot.press("s")
            await pilot.pause()
            seen.append((text_of(screen, "#sort"), refs(app)))
            await pilot.press("r")
            await pilot.pause()
            seen.append((text_of(screen, "#sort"), refs(app)))
            await pilot.press("r")
        assert seen == SORTED
        assert "Sorted by case ref, A to Z" in screen_text(app)


async def test_clicking_a_header_sorts_by_it_and_again_reverses(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        table = screen.query_one("#clients")
        by_words = dict(SORTED)
        for key, label in [(c.key, c.label) for c in SORT_COLUMNS]:
            x = table.column_x(key) + 1  # type: ignore[attr-defined]
            await pilot.click("#clients", offset=(x, 0))
            await pilot.pause()
            first = text_of(screen, "#sort")
            assert first.startswith(f"Sorted by {label.lower()}, ")
            assert refs(app) == by_words[first]
            await pilot.click("#clients", offset=(x, 0))
            await pilot.pause()
            again = text_of(screen, "#sort")
            assert again != first and again.startswith(f"Sorted by {label.lower()}, ")
            assert refs(app) == by_words[again]


async def test_a_filter_keeps_the_sort(small_paths: CaseloadPaths, clock: FixedClock) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("s", "r")  # name, Z to A
        await pilot.press("f", "f")  # active clients
        await until(pilot, lambda: text_of(screen, "#filter") == "Showing: Active")
        assert refs(app) == ["KW-MN4P5", "KW-2A3B4"]
        assert text_of(screen, "#sort") == "Sorted by name, Z to A"


# Search ------------------------------------------------------------------------------


async def search(pilot: Pilot, text: str) -> None:
    await pilot.press("slash", *text)
    screen = dashboard(pilot.app)  # type: ignore[arg-type]
    await until(pilot, lambda: "found" in text_of(screen, "#count"))


async def test_search_shows_matching_clients_and_why_they_matched(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await search(pilot, "housing")
        assert screen.query_one("#search", Input).has_focus
        assert not screen.query_one("#clients").display
        assert text_of(screen, "#count") == "2 clients found"
        assert [c.label for c in screen.query_one("#results").columns] == [  # type: ignore[attr-defined]
            "Case ref",
            "Name",
            "Status",
            "Why it matched",
        ]
        assert sorted(rows(app, "#results")) == [
            [
                "KW-8E9F2",
                "Priya Shah",
                "Paused",
                "Note of 01/10/2026: …about the [housing] appointment",
            ],
            [
                "KW-MN4P5",
                "Dan Price",
                "Active",
                "Note of 01/11/2026: …through his [housing] benefit claim",
            ],
        ]
        assert "[housing]" in screen_text(app)

        screen.query_one("#search", Input).value = ""
        await pilot.press(*"alex")
        await until(pilot, lambda: refs(app, "#results") == ["KW-2A3B4"])
        assert rows(app, "#results")[0][3] == "Name: Alex Morgan (Alexandra Morgan)"


async def test_the_footer_dims_keys_that_do_nothing_while_searching(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await search(pilot, "priya")
        await pilot.press("enter")  # to the results, where the dashboard's keys work
        await until(pilot, lambda: screen.query_one("#results").has_focus)
        await pilot.pause()
        dimmed = [key.description for key in screen.query(FooterKey) if key.has_class("-disabled")]
        assert dimmed == ["Filter"]  # sort is in help, not the footer
        assert "f Filter" in footer_text(app)

        await pilot.press("escape")
        await until(pilot, lambda: "client" in text_of(screen, "#count"))
        await pilot.pause()
        assert not [k.description for k in screen.query(FooterKey) if k.has_class("-disabled")]
        assert "f Filter" in footer_text(app)


async def test_typing_a_search_leaves_the_footer_alone(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    """Rebuilding the footer's keys at each keystroke would slow typing down."""
    app = app_for(small_paths, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: "esc Clear search" in footer_text(app))
        keys = list(screen.query(FooterKey))
        await pilot.press(*"priya")
        await until(pilot, lambda: refs(app, "#results") == ["KW-8E9F2"])
        await pilot.pause()
        assert list(screen.query(FooterKey)) == keys
        assert "esc Clear search" in footer_text(app)


async def test_escape_clears_the_search_and_returns_to_the_whole_caseload(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        await search(pilot, "priya")
        assert refs(app, "#results") == ["KW-8E9F2"]
        assert "esc Clear search" in footer_text(app)

        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#search", Input).value == ""
        assert screen.query_one("#clients").display
        assert screen.query_one("#clients").has_focus
        assert not screen.query_one("#results").display
        assert text_of(screen, "#count") == "5 clients"
        assert text_of(screen, "#filter") == "Showing: All statuses"
        assert refs(app) == REFS


async def test_enter_in_search_moves_to_the_results_and_enter_opens_one(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await search(pilot, "dan")
        await pilot.press("enter")
        assert app.screen.query_one("#results").has_focus
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert app.screen.client_id == DAN.id  # type: ignore[attr-defined]


async def test_a_slow_earlier_search_never_replaces_a_newer_one(
    small_paths: CaseloadPaths, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_search = Caseload.search

    def slow_for_housing(self: Caseload, text: str, limit: int = 50) -> list[SearchHit]:
        if text == "housing":
            assert release.wait(10)
        return real_search(self, text, limit)

    monkeypatch.setattr(Caseload, "search", slow_for_housing)
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        search_box = screen.query_one("#search", Input)
        search_box.value = "housing"
        await pilot.pause(0.1)
        assert text_of(screen, "#count") == "Searching…"
        search_box.value = "priya"
        await until(pilot, lambda: refs(app, "#results") == ["KW-8E9F2"])
        release.set()
        await pilot.pause(0.2)
        await until(pilot, lambda: not app.workers)
        assert refs(app, "#results") == ["KW-8E9F2"]
        assert text_of(screen, "#count") == "1 client found"


async def test_a_search_that_fails_is_explained_plainly(
    small_paths: CaseloadPaths, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Caseload, text: str, limit: int = 50) -> list[SearchHit]:
        raise KeyworkerError("The database file is damaged and could not be read through.")

    monkeypatch.setattr(Caseload, "search", broken)
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("slash", *"dan")
        await until(pilot, lambda: bool(app._notifications))
        messages = [n.message for n in app._notifications]
        assert "The database file is damaged and could not be read through." in messages
        assert isinstance(app.screen, DashboardScreen)


# Needs attention -----------------------------------------------------------------------


def attention_lines(app: KeyworkerApp) -> list[str]:
    return [" ".join(row) for row in rows(app, "#attention")]


async def test_attention_lists_what_the_caseload_says_needs_it(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert app.caseload is not None
        expected = app.caseload.attention(14, 28)
        assert attention_lines(app) == [
            f"{i.case_ref} {i.display_name} {i.detail}" for i in expected
        ]
        assert screen.query_one("#attention").border_title == f"Needs attention ({len(expected)})"
        # The rules in keyworker/attention.py, on this caseload:
        assert attention_lines(app) == [
            "KW-8E9F2 Priya Shah Self-harm or suicide flag: review overdue since Sun 1 Nov 2026",
            "KW-2A3B4 Alex Morgan Release on Thu 3 Dec 2026, in 11 days",
            "KW-MN4P5 Dan Price No contact for 21 days (last on Sun 1 Nov 2026)",
        ]
        assert "Needs attention (3)" in screen_text(app)


async def test_attention_follows_the_settings(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock, no_contact_days=60, key_date_days=7)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        assert [line.split()[0] for line in attention_lines(app)] == ["KW-8E9F2"]


async def test_nothing_needs_attention_on_an_empty_caseload(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    Caseload.create(
        paths, PASSPHRASE, "Sam Keyworker", "Northgate", clock=clock, kdf=KdfParams.fast_for_tests()
    ).close()
    app = app_for(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.query_one("#attention").border_title == "Needs attention (0)"
        assert text_of(screen, "#count") == "0 clients"
        shown = screen_text(app)
        assert "Nothing needs attention" in shown
        assert "No clients" in shown


async def test_a_opens_the_attention_list_and_enter_opens_that_client(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("a")
        assert screen.query_one("#attention").has_focus
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert app.screen.client_id == ALEX.id  # type: ignore[attr-defined]


async def test_h_hides_the_attention_list_and_shows_it_again(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        table = screen.query_one("#clients")
        height = table.size.height
        await pilot.press("h")
        await pilot.pause()
        assert not screen.query_one("#attention").display
        assert "Needs attention" not in screen_text(app)
        assert table.size.height > height
        await pilot.press("h")
        await pilot.pause()
        assert "Needs attention (3)" in screen_text(app)


async def test_on_a_wide_screen_attention_sits_beside_the_table(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await open_dashboard(pilot)
        panel = screen.query_one("#attention").region
        table = screen.query_one("#clients").region
        assert panel.right <= table.x
        assert panel.height > 30 and table.height > 30
        assert table.width >= screen.query_one("#clients").wanted_width  # type: ignore[attr-defined]


# Opening and adding clients ---------------------------------------------------------


async def test_enter_opens_the_client_under_the_cursor(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert app.screen.client_id == PRIYA.id  # type: ignore[attr-defined]


async def test_coming_back_from_a_client_shows_what_changed(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("end", "enter")  # Dan Price, last row
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert app.caseload is not None
        app.caseload.add_note(
            CaseNote(
                client_id=DAN.id,
                at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
                contact_type="phone",
                text="Rang about the benefit claim.",
            )
        )
        app.pop_screen()
        await until(pilot, lambda: rows(app)[-1][4] == "today" and screen.ready)
        assert screen.query_one("#clients").cursor_key == str(DAN.id)  # type: ignore[attr-defined]
        await until(pilot, lambda: all("Dan" not in line for line in attention_lines(app)))
        assert screen.query_one("#attention").border_title == "Needs attention (2)"


async def test_a_new_client_is_saved_and_opened(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ClientForm))
        form = app.screen
        assert isinstance(form, ClientForm)
        new_ref = form.case_ref
        form.query_one("#field-legal-name", Input).focus()
        await pilot.press(*"Kerry Lewis")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert any(n.message == "New client saved." for n in app._notifications)
        app.pop_screen()
        await until(pilot, lambda: new_ref in refs(app))
        assert text_of(app.screen, "#count") == "6 clients"

    with Caseload.open(small_paths, PASSPHRASE, clock=clock) as caseload:
        saved = caseload.client_by_ref(new_ref)
        assert saved.legal_name == "Kerry Lewis"
        assert saved.status == "referred"
        assert saved.keyworker == "Sam Keyworker"


async def test_a_new_client_storage_refuses_is_explained_and_not_opened(
    small_paths: CaseloadPaths, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Caseload, client: Client, note: str = "") -> Client:
        raise KeyworkerError("There is no room left on the disk, so nothing was saved.")

    monkeypatch.setattr(Caseload, "add_client", refuse)
    app = app_for(small_paths, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ClientForm))
        app.screen.query_one("#field-legal-name", Input).focus()
        await pilot.press(*"Kerry Lewis", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "There is no room left on the disk, so nothing was saved." in messages
        assert text_of(app.screen, "#count") == "5 clients"


async def test_escaping_the_new_client_form_saves_nothing(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ClientForm))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    with Caseload.open(small_paths, PASSPHRASE, clock=clock) as caseload:
        assert len(caseload.clients()) == len(CLIENTS)


# Keys -------------------------------------------------------------------------------


async def test_bindings_have_descriptions_and_ids_and_fit_at_80x24(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        for binding in DashboardScreen.BINDINGS:
            assert binding.description and binding.id  # type: ignore[union-attr]
        footer = footer_text(app)
        for words in ("Search", "New client", "Filter", "Attention", "Agenda", "Quit", "Help"):
            assert words in footer


async def test_q_quits_and_closes_the_caseload(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        caseload = app.caseload
        assert caseload is not None
        await pilot.press("q")
        await pilot.pause()
    assert app.caseload is None
    with pytest.raises(Exception, match="closed"):
        caseload.clients()


async def test_typing_q_in_search_searches_rather_than_quits(
    small_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(small_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await pilot.press("slash", *"qsfnar")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#search", Input).value == "qsfnar"


# A large caseload ----------------------------------------------------------------------


def test_sorting_ten_thousand_clients_is_quick() -> None:
    import time

    summaries = [
        ClientSummary(
            id=_id(n),
            case_ref=f"KW-{n:05d}",
            display_name=f"Client {n % 977}",
            legal_name=f"Client {n}",
            status=("referred", "active", "paused", "closed")[n % 4],
            kind="justice",
            keyworker="Sam",
            last_contact=None if n % 7 == 0 else datetime(2026, 1 + n % 12, 1 + n % 28, tzinfo=UTC),
            next_key_date=None if n % 3 else date(2027, 1 + n % 12, 1),
            active_flags=["lone_working"] if n % 5 == 0 else [],
        )
        for n in range(10_000)
    ]
    for column in SORT_COLUMNS:
        for descending in (False, True):
            started = time.perf_counter()
            ordered = sort_summaries(summaries, SortOrder(column.key, descending))
            assert time.perf_counter() - started < 0.2
            assert len(ordered) == len(summaries)


# Cells, sorting and fitting, without the app -------------------------------------------


def test_none_yet_sorts_last_whichever_way_round() -> None:
    def summary(ref: str, contact: datetime | None) -> ClientSummary:
        return ClientSummary(
            id=_id(int(ref[-1])),
            case_ref=ref,
            display_name=ref,
            legal_name=ref,
            status="active",
            kind="justice",
            keyworker="Sam",
            last_contact=contact,
            next_key_date=None,
            active_flags=[],
        )

    clients = [
        summary("KW-AAAA2", None),
        summary("KW-AAAA3", datetime(2026, 3, 1, tzinfo=UTC)),
        summary("KW-AAAA4", datetime(2026, 1, 1, tzinfo=UTC)),
        summary("KW-AAAA5", None),
    ]
    oldest = sort_summaries(clients, SortOrder("contact"))
    newest = sort_summaries(clients, SortOrder("contact", descending=True))
    assert [s.case_ref for s in oldest] == ["KW-AAAA4", "KW-AAAA3", "KW-AAAA2", "KW-AAAA5"]
    assert [s.case_ref for s in newest] == ["KW-AAAA3", "KW-AAAA4", "KW-AAAA2", "KW-AAAA5"]


def test_cells_read_in_words() -> None:
    today = date(2026, 11, 22)
    assert flag_words(["self_harm", "lone_working"]) == "LONE WORKING, SELF-HARM"
    assert flag_words(["a_service_kind"]) == "A SERVICE KIND"
    assert last_contact(None, today) == "none yet"
    assert last_contact(datetime(2026, 11, 21, 12, tzinfo=UTC), today) == "21/11/2026 (1 day)"
    assert contact_ago(datetime(2026, 11, 22, 9, tzinfo=UTC), today) == "today"
    assert contact_ago(datetime(2026, 11, 1, 12, tzinfo=UTC), today) == "21 days ago"
    hit = SearchHit(
        client_id=_id(1),
        case_ref="KW-2A3B4",
        display_name="Dan Price",
        status="active",
        matched="note of 01/11/2026",
        snippet="…one two three four five [housing] six seven…",
    )
    assert why_matched(hit).plain == "Note of 01/11/2026: …four five [housing] six seven…"
    assert why_matched(hit.model_copy(update={"snippet": ""})).plain == "Note of 01/11/2026"


def test_columns_squeeze_in_order_and_never_past_their_least() -> None:
    columns = [
        Column("ref", "Ref", 8),
        Column("name", "Name", 20, min_width=12, squeeze=2),
        Column("flags", "Flags", 20, min_width=12, squeeze=2),
        Column("contact", "Contact", 21, min_width=12, squeeze=1),
    ]
    assert fit_columns(columns, 200) == ([8, 20, 20, 21], 2)
    assert fit_columns(columns, 70) == ([8, 20, 20, 18], 1)  # contact gives way first
    assert fit_columns(columns, 60) == ([8, 18, 18, 12], 1)  # then name and flags alike
    widths, _ = fit_columns(columns, 59)
    assert sum(widths) + 1 + 3 <= 59
    widths, _ = fit_columns(columns, 20)
    assert widths == [8, 12, 12, 12]


# Snapshots: fixed clock and demo caseload (~/demo); the cursor does not blink. ----------


def _snapshot(
    demo_paths: CaseloadPaths,
    clock: FixedClock,
    snap_compare: Callable[..., bool],
    size: tuple[int, int],
    typed: str = "",
) -> bool:
    app = app_for(demo_paths, clock)

    async def settle(pilot: Pilot) -> None:
        await until(pilot, settled(app))
        if typed:
            await pilot.press("slash", *typed)
            await until(pilot, lambda: "found" in text_of(app.screen, "#count"))
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard_snapshot(
    demo_paths: CaseloadPaths, clock: FixedClock, snap_compare, size: tuple[int, int]
) -> None:
    assert _snapshot(demo_paths, clock, snap_compare, size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard_search_snapshot(
    demo_paths: CaseloadPaths, clock: FixedClock, snap_compare, size: tuple[int, int]
) -> None:
    assert _snapshot(demo_paths, clock, snap_compare, size, typed="housing")


def test_ready_is_posted_once_the_table_is_painted(
    small_paths: CaseloadPaths, clock: FixedClock, tmp_path: Path
) -> None:
    """The start-up benchmark waits for this."""
    import asyncio

    seen: list[int] = []

    class Watching(KeyworkerApp):
        def on_dashboard_screen_ready(self, message: DashboardScreen.Ready) -> None:
            seen.append(message.screen.row_count)

    app = Watching(small_paths, clock, Settings(), passphrase=PASSPHRASE)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: bool(seen))
            assert dashboard(app).ready

    asyncio.run(run())
    assert seen == [len(CLIENTS)]
