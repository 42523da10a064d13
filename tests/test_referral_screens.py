"""The Referrals tab of a client's record: referrals made, moved on and followed up, a
referral made for a plan step, and signposting counted apart.

The screen runs in the client screen's small host app on an open caseload; each test
checks what the tab shows and what the caseload then holds.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, TextArea

from keyworker import plans as pl
from keyworker.clock import FixedClock
from keyworker.identifiers import new_case_ref
from keyworker.models import Client
from keyworker.plans import Agency, Goal, Plan, Signpost, Step
from screens.client import ClientScreen
from screens.confirm import ConfirmScreen
from screens.date_input import DateInput
from screens.form import FormScreen
from screens.referral_form import ReferralForm, ReferralUpdateForm
from screens.referral_list import (
    NO_AGENCIES,
    ReferralsPane,
    ReferralTable,
    SignpostTable,
    follow_up_words,
)
from screens.signpost_form import SignpostForm
from storage import Caseload
from tests.conftest import NOW
from tests.test_client_screen import Host, footer_line, opened, rows, static_text, until

TODAY = NOW.date()


def add_agency(caseload: Caseload, name: str, category: str, **fields: Any) -> Agency:
    return caseload.add_agency(Agency(name=name, category=category, **fields))


def directory(caseload: Caseload) -> dict[str, Agency]:
    return {
        a.name: a
        for a in (
            add_agency(caseload, "Shelter Housing Advice", "accommodation"),
            add_agency(caseload, "Turning Point", "dependency_recovery"),
            add_agency(caseload, "Citizens Advice Northgate", "finance_benefits_debt"),
        )
    }


def person(caseload: Caseload) -> Client:
    """A client with the same case reference every run, for snapshots."""
    client = Client(case_ref=new_case_ref(random.Random(7)), legal_name="Daniel Price")
    return caseload.add_client(client.model_copy(update={"status": "active"}))


def referral(caseload: Caseload, client: Client, agency: Agency, **fields: Any) -> pl.Referral:
    made_on = fields.pop("made_on", date(2026, 11, 3))
    return caseload.add_referral(
        pl.new_referral(
            client.id,
            agency.id,
            fields.pop("pathway", "accommodation"),
            made_on,
            fields.pop("method", "email"),
            **fields,
        )
    )


def detail_of(screen: Any) -> str:
    """The detail under the tables, its lines joined as they wrap at the screen's width."""
    return " ".join(static_text(screen, "#referral-detail").split())


def pane(app: Host) -> ReferralsPane:
    return app.screen.query_one(ReferralsPane)


async def referrals_tab(pilot: Pilot) -> ClientScreen:
    screen = await opened(pilot)
    await pilot.press("7")
    await pilot.pause()
    return screen


async def form_open(pilot: Pilot, kind: type[FormScreen[Any]]) -> FormScreen[Any]:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    form = pilot.app.screen
    assert isinstance(form, kind)
    return form


async def saved(pilot: Pilot, done: str) -> None:
    """Save the open form and wait for the record to be read again with the change."""
    await pilot.press("ctrl+s")
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ClientScreen)
            and done in [n.message for n in pilot.app._notifications]
        ),
    )


def type_date(form: FormScreen[Any], name: str, text: str) -> None:
    form.query_one(f"#field-{name.replace('_', '-')}", DateInput).input.value = text


def choose(form: FormScreen[Any], name: str, value: object) -> None:
    form.query_one(f"#field-{name.replace('_', '-')}", Select).value = value


def write(form: FormScreen[Any], name: str, text: str) -> None:
    form.query_one(f"#field-{name.replace('_', '-')}", TextArea).text = text


# Making a referral ---------------------------------------------------------------------


async def test_a_referral_made_through_the_form_is_saved_and_listed(
    caseload: Caseload, clock: FixedClock
) -> None:
    agencies = directory(caseload)
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await referrals_tab(pilot)
        assert rows(pane(app).referral_table) == []
        assert "No referrals yet. Press m to make one." in detail_of(app.screen)
        await pilot.press("m")
        form = await form_open(pilot, ReferralForm)
        # The agency is chosen from the directory by typing its first letters.
        await pilot.press("enter", "t", "enter")
        await pilot.pause()
        agency = form.query_one("#field-agency-id", Select)
        assert agency.value == str(agencies["Turning Point"].id)
        # Its category chose the pathway; the follow-up is a week after the day made.
        assert form.query_one("#field-pathway", Select).value == "drugs_alcohol"
        type_date(form, "made_on", "20/11/2026")
        await pilot.pause()
        follow_up = form.query_one("#field-follow-up-on", DateInput)
        assert follow_up.text == "27/11/2026"
        choose(form, "method", "online_form")
        write(form, "notes", "Self-referral form sent with Daniel's consent.")
        await saved(pilot, "Referral saved.")
        table = pane(app).referral_table
        assert rows(table) == [
            [
                "Turning Point",
                "Drugs and alcohol",
                "20/11/2026",
                "Made 20/11/2026",
                "27/11/2026",
            ]
        ]
        assert (
            "Referrals: 1 (1 open)  ·  Signposting: 0"
            in app.screen.query_one("#referral-counts").render().plain
        )  # type: ignore[attr-defined]

    [stored] = caseload.referrals(client.id)
    assert stored.agency_id == agencies["Turning Point"].id
    assert (stored.pathway, stored.method) == ("drugs_alcohol", "online_form")
    assert (stored.made_on, stored.follow_up_on) == (date(2026, 11, 20), date(2026, 11, 27))
    assert [(u.status, u.on) for u in stored.history] == [("made", date(2026, 11, 20))]
    assert stored.notes == "Self-referral form sent with Daniel's consent."
    assert stored.step_id is None


async def test_a_follow_up_set_by_hand_stays_when_the_day_made_changes(
    caseload: Caseload, clock: FixedClock
) -> None:
    directory(caseload)
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await referrals_tab(pilot)
        await pilot.press("m")
        form = await form_open(pilot, ReferralForm)
        assert form.query_one("#field-follow-up-on", DateInput).text == "29/11/2026"
        type_date(form, "follow_up_on", "4/12/2026")
        type_date(form, "made_on", "19/11/2026")
        await pilot.pause()
        assert form.query_one("#field-follow-up-on", DateInput).text == "4/12/2026"


async def test_a_bad_date_gives_one_line_and_saves_nothing(
    caseload: Caseload, clock: FixedClock
) -> None:
    agencies = directory(caseload)
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await referrals_tab(pilot)
        await pilot.press("m")
        form = await form_open(pilot, ReferralForm)
        choose(form, "agency_id", str(agencies["Shelter Housing Advice"].id))
        choose(form, "method", "phone")
        type_date(form, "made_on", "31/02/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        problem = form.problem_for("made_on")
        assert problem.startswith("✗ ") and "\n" not in problem
        assert "31/02/2026" in problem
        assert form.form_message == "✗ Put right the marked field."
        # A follow-up before the day made is refused beside the follow-up.
        type_date(form, "made_on", "20/11/2026")
        type_date(form, "follow_up_on", "1/11/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.problem_for("made_on") == ""
        assert form.problem_for("follow_up_on") == (
            "✗ A follow-up cannot be before the referral was made."
        )
        # So is a referral dated after today.
        type_date(form, "made_on", "tomorrow")
        type_date(form, "follow_up_on", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.problem_for("made_on") == "✗ A referral cannot be made after today."
    assert caseload.referrals(client.id) == []


async def test_with_no_agencies_the_tab_and_the_key_say_how_to_add_one(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await referrals_tab(pilot)
        assert NO_AGENCIES in detail_of(screen)
        await pilot.press("m")
        await until(pilot, lambda: bool(app._notifications))
        assert [n.message for n in app._notifications] == [NO_AGENCIES]
        assert app.screen is screen


# Moving a referral on ------------------------------------------------------------------


async def test_a_referral_moves_on_to_accepted_then_completed(
    caseload: Caseload, clock: FixedClock
) -> None:
    agencies = directory(caseload)
    client = person(caseload)
    made = referral(
        caseload, client, agencies["Shelter Housing Advice"], follow_up_on=date(2026, 11, 10)
    )
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await referrals_tab(pilot)
        table = pane(app).referral_table
        assert table.has_focus
        assert "m Refer  g Signpost" in footer_line(app)
        assert "Enter: move it on" in detail_of(screen)
        assert rows(table)[0][-2:] == ["Made 03/11/2026", "⚠ Overdue 10/11/2026"]
        assert "1 follow-up overdue" in str(screen.query_one("#referral-counts").render())
        assert "FOLLOW-UP OVERDUE since Tue 10 Nov 2026" in detail_of(screen)

        await pilot.press("enter")
        form = await form_open(pilot, ReferralUpdateForm)
        assert "Now: Made since Tue 3 Nov 2026." in form.about
        choose(form, "status", "accepted")
        type_date(form, "on", "5/11/2026")
        write(form, "note", "Assessment booked for 12 Nov.")
        type_date(form, "follow_up_on", "1/12/2026")
        await saved(pilot, "Referral updated.")
        assert rows(table)[0][-2:] == ["Accepted 05/11/2026", "01/12/2026"]

        await pilot.press("u")
        form = await form_open(pilot, ReferralUpdateForm)
        choose(form, "status", "completed")
        type_date(form, "on", "18/11/2026")
        write(form, "outcome", "Housed at Ash Court.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: rows(table)[0][-2] == "Completed 18/11/2026")
        assert rows(table)[0][-1] == ""  # an ended referral has no follow-up
        detail = detail_of(screen)
        assert "– Made Tue 3 Nov 2026" in detail
        assert "– Accepted Thu 5 Nov 2026: Assessment booked for 12 Nov." in detail
        assert "– Completed Wed 18 Nov 2026" in detail
        assert "Outcome: Housed at Ash Court." in detail

        # Ended, it offers only its outcome and notes, and says why.
        await pilot.press("u")
        form = await form_open(pilot, ReferralUpdateForm)
        assert "does not change status again" in form.about
        assert not form.query("#field-status")
        await pilot.press("escape")

    stored = caseload.referral(made.id)
    assert [(u.status, u.on, u.note) for u in stored.history] == [
        ("made", date(2026, 11, 3), ""),
        ("accepted", date(2026, 11, 5), "Assessment booked for 12 Nov."),
        ("completed", date(2026, 11, 18), ""),
    ]
    assert stored.outcome == "Housed at Ash Court."
    assert stored.follow_up_on is None


async def test_a_change_dated_before_the_last_one_is_refused_beside_its_date(
    caseload: Caseload, clock: FixedClock
) -> None:
    agencies = directory(caseload)
    client = person(caseload)
    made = referral(caseload, client, agencies["Turning Point"], pathway="drugs_alcohol")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await referrals_tab(pilot)
        await pilot.press("u")
        form = await form_open(pilot, ReferralUpdateForm)
        choose(form, "status", "declined")
        type_date(form, "on", "1/11/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.problem_for("on") == "✗ Cannot be before the last change, Tue 3 Nov 2026."
        # A note with no change of status would be lost, so it is refused too.
        choose(form, "status", "made")
        write(form, "note", "Rang them.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.problem_for("note").startswith("✗ A note goes with a change of status")
    assert caseload.referral(made.id) == made


# A referral a plan step asks for --------------------------------------------------------


async def test_a_referral_for_a_plan_step_moves_the_step_on(
    caseload: Caseload, clock: FixedClock
) -> None:
    agencies = directory(caseload)
    shelter = agencies["Shelter Housing Advice"]
    client = person(caseload)
    step = Step(what="Make a referral to Shelter", who="keyworker", refer_to=shelter.id)
    goal = Goal(
        pathway="accommodation",
        words="Have my own flat near my kids",
        added_on=date(2026, 11, 1),
        steps=[step],
    )
    caseload.start_plan(Plan(client_id=client.id, started_on=date(2026, 11, 1), goals=[goal]))
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        screen.refer_for_step(step.id, shelter.id, "accommodation")
        form = await form_open(pilot, ReferralForm)
        assert form.about == "For the plan step: Make a referral to Shelter"
        assert form.query_one("#field-agency-id", Select).value == str(shelter.id)
        assert form.query_one("#field-pathway", Select).value == "accommodation"
        choose(form, "method", "email")
        await saved(pilot, "Referral saved.")
        messages = [n.message for n in app._notifications]
        assert "Plan step “Make a referral to Shelter” is now in progress." in messages
        moved = caseload.live_plan(client.id)
        assert moved is not None
        assert moved.goals[0].steps[0].status == "in_progress"

        await pilot.press("7")
        await pilot.press("u")
        form = await form_open(pilot, ReferralUpdateForm)
        choose(form, "status", "completed")
        type_date(form, "on", "today")
        await saved(pilot, "Referral updated.")
        detail = detail_of(screen)
        assert "For the plan step: Make a referral to Shelter (Completed)" in detail

    [made] = caseload.referrals(client.id)
    assert made.step_id == step.id
    plan = caseload.live_plan(client.id)
    assert plan is not None
    done = plan.goals[0].steps[0]
    assert (done.status, done.completed_on) == ("completed", TODAY)
    assert done.progress[-1].text == "Referral to Shelter Housing Advice completed"


# Signposting ---------------------------------------------------------------------------


async def test_signposting_is_added_edited_and_deleted_and_counted_apart(
    caseload: Caseload, clock: FixedClock
) -> None:
    agencies = directory(caseload)
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await referrals_tab(pilot)
        await pilot.press("g")
        form = await form_open(pilot, SignpostForm)
        choose(form, "pathway", "finance_benefits_debt_id")
        write(form, "information", "Drop-in times for the debt advice clinic.")
        choose(form, "agency_id", str(agencies["Citizens Advice Northgate"].id))
        await saved(pilot, "Signposting recorded.")
        signposts = pane(app).signpost_table
        assert rows(signposts) == [
            [
                "22/11/2026",
                "Finance, benefits, debt and ID",
                "Citizens Advice Northgate",
                "Drop-in times for the debt advice clinic.",
            ]
        ]
        counts = str(screen.query_one("#referral-counts").render())
        assert counts == "Referrals: 0  ·  Signposting: 1"
        assert caseload.referrals(client.id) == []

        signposts.focus()
        await pilot.pause()
        assert "No referral was made." in detail_of(screen)
        assert "g Signpost  x Delete" in footer_line(app)
        await pilot.press("enter")
        form = await form_open(pilot, SignpostForm)
        write(form, "information", "Drop-in times and the phone line for debt advice.")
        await saved(pilot, "Signposting saved.")
        [edited] = caseload.signposts(client.id)
        assert edited.information == "Drop-in times and the phone line for debt advice."
        assert edited.agency_id == agencies["Citizens Advice Northgate"].id

        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # kept
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert len(caseload.signposts(client.id)) == 1
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not screen.record or not screen.record.signposts)
        assert rows(signposts) == []
    assert caseload.signposts(client.id) == []


async def test_signposting_needs_its_information_and_a_date_not_after_today(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await referrals_tab(pilot)
        await pilot.press("g")
        form = await form_open(pilot, SignpostForm)
        choose(form, "pathway", "health")
        type_date(form, "given_on", "+2d")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.problem_for("information") == "✗ Fill this in."
        assert form.problem_for("given_on") == "✗ Cannot be after today."
    assert caseload.signposts(client.id) == []


# Keys ----------------------------------------------------------------------------------


async def test_the_tab_keys_have_descriptions_and_do_not_take_the_records_keys(
    caseload: Caseload, clock: FixedClock
) -> None:
    screen_keys = {b.key for b in ClientScreen.BINDINGS}  # type: ignore[union-attr]
    for owner in (ReferralsPane, ReferralTable, SignpostTable):
        for binding in owner.BINDINGS:
            assert binding.description and binding.id  # type: ignore[union-attr]
            assert binding.key not in screen_keys  # type: ignore[union-attr]
    directory(caseload)
    client = person(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await referrals_tab(pilot)
        footer = footer_line(app)
        for words in ("Refer", "Signpost", "Quick note", "Back"):
            assert words in footer
        assert "Update" not in footer  # nothing to update yet


# Snapshots -----------------------------------------------------------------------------


def busy_record(caseload: Caseload) -> Client:
    """Referrals in each state, an overdue follow-up, and signposting."""
    agencies = directory(caseload)
    client = person(caseload)
    shelter, turning, advice = (
        agencies[n]
        for n in ("Shelter Housing Advice", "Turning Point", "Citizens Advice Northgate")
    )
    referral(caseload, client, shelter, follow_up_on=date(2026, 11, 17))
    accepted = referral(
        caseload,
        client,
        turning,
        pathway="drugs_alcohol",
        method="phone",
        made_on=date(2026, 10, 20),
        follow_up_on=date(2026, 12, 1),
    )
    caseload.update_referral(
        pl.referral_moved(accepted, "accepted", date(2026, 10, 27), "Key worker allocated.")
    )
    done = referral(
        caseload,
        client,
        advice,
        pathway="finance_benefits_debt_id",
        method="in_person",
        made_on=date(2026, 9, 14),
    )
    caseload.update_referral(
        pl.referral_moved(done, "completed", date(2026, 10, 2)).model_copy(
            update={"outcome": "Universal Credit claim made and paid."}
        )
    )
    caseload.add_signpost(
        Signpost(
            client_id=client.id,
            given_on=date(2026, 11, 12),
            pathway="health",
            information="Details of the walk-in dental clinic and its opening times.",
        )
    )
    return client


@pytest.mark.parametrize("size", [(80, 24), (100, 40)], ids=["80x24", "100x40"])
def test_referrals_tab_snapshot(
    caseload: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    client = busy_record(caseload)
    app = Host(caseload, clock, client.id)

    async def show_tab(pilot: Pilot) -> None:
        await referrals_tab(pilot)

    assert snap_compare(app, terminal_size=size, run_before=show_tab)


def test_referral_form_snapshot(caseload: Caseload, clock: FixedClock, snap_compare: Any) -> None:
    client = busy_record(caseload)
    app = Host(caseload, clock, client.id)

    async def open_form(pilot: Pilot) -> None:
        await referrals_tab(pilot)
        await pilot.press("m")
        form = await form_open(pilot, ReferralForm)
        await pilot.press("enter", "s", "enter")
        await pilot.pause()
        assert form.query_one("#field-pathway", Select).value == "accommodation"

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_form)


def test_follow_up_words() -> None:
    made = pl.new_referral(UUID(int=1), UUID(int=2), "accommodation", TODAY, "email")
    assert follow_up_words(made, TODAY) == ""
    due = made.model_copy(update={"follow_up_on": TODAY})
    assert follow_up_words(due, TODAY) == "Due today"
    assert follow_up_words(due, TODAY + timedelta(days=1)) == "⚠ Overdue 22/11/2026"
    assert follow_up_words(due, TODAY - timedelta(days=1)) == "22/11/2026"
    ended = pl.referral_moved(due, "withdrawn", TODAY)
    assert follow_up_words(ended, TODAY + timedelta(days=30)) == ""
