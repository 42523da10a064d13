"""Making, moving on and following up referrals, and recording signposting, from a record.

A mixin for the client screen, kept apart as `AssessmentStarter` is. The forms are given
the agency directory as it is when they open (read in a thread); what they return is
saved through the caseload by the screen's `_save`, which reads the record again. A
referral made for a plan step moves that step on as it is saved (storage does that) and
the screen says where the step now stands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from textual import work

from keyworker.dates import long_date
from keyworker.errors import KeyworkerError
from keyworker.plans import Agency, Referral, Signpost, live_plan
from keyworker.vocabulary import PATHWAYS, STEP_STATUSES
from screens.client_text import one_line
from screens.confirm import ConfirmScreen
from screens.referral_form import ReferralForm, ReferralUpdateForm
from screens.referral_list import (
    NO_AGENCIES,
    ReferralsPane,
    ReferralTable,
    SignpostTable,
    agency_name,
)
from screens.signpost_form import SignpostForm

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from keyworker.clock import Clock
    from keyworker.models import ClientRecord
    from storage import Caseload


class ReferralActions:
    """The client screen's referral and signposting actions (keys bound on the tab)."""

    caseload: Caseload
    clock: Clock
    client_id: UUID
    record: ClientRecord | None
    _select: dict[type, str]
    app: App[Any]
    agencies: list[Agency]
    """The directory, archived agencies included, as last read with the record."""

    if TYPE_CHECKING:

        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def _ask(self, form: Screen[Any], then: Callable[[Any], None]) -> None: ...
        def _save(
            self,
            done: str,
            change: Callable[[], object],
            then: Callable[[], None] | None = None,
        ) -> None: ...

    # Reading and showing ---------------------------------------------------------------

    def read_agencies(self) -> None:
        """Read the directory (archived agencies too, for the names on older records) into
        `agencies`; called in the thread that reads the record, before it is shown."""
        self.agencies = self.caseload.agencies(archived=True)

    def _directory(self) -> dict[UUID, Agency]:
        return {a.id: a for a in getattr(self, "agencies", [])}

    def show_referrals(self, today: date) -> None:
        """Show the record's referrals and signposting on the Referrals tab."""
        record = self.record
        assert record is not None
        select = (self._select.pop(ReferralTable, None), self._select.pop(SignpostTable, None))
        self._pane.show(
            record.referrals,
            record.signposts,
            self._directory(),
            live_plan(record.plans),
            today,
            select,
        )

    @property
    def _pane(self) -> ReferralsPane:
        pane: ReferralsPane = self.query_one(ReferralsPane)
        return pane

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("make_referral", "add_signpost"):
            return None if self.record is None else True
        if action == "update_referral":
            return None if self._pane.current_referral is None else True
        if action == "remove_signpost":
            return None if self._pane.current_signpost is None else True
        checked: bool | None = super().check_action(action, parameters)  # type: ignore[misc]
        return checked

    # The directory, read fresh for each form -------------------------------------------

    @work(thread=True, exclusive=True, group="referral-directory")
    def _with_directory(self, then: Callable[[list[Agency]], None]) -> None:
        try:
            agencies = self.caseload.agencies(archived=True)
        except KeyworkerError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Not done", severity="error")
            return
        self.app.call_from_thread(then, agencies)

    def _directory_read(self, agencies: list[Agency]) -> None:
        self.agencies = agencies

    # Referrals -------------------------------------------------------------------------

    def action_make_referral(self) -> None:
        self._with_directory(self._offer_referral)

    def refer_for_step(self, step_id: UUID, agency_id: UUID | None, pathway: str | None) -> None:
        """Make the referral a plan step asks for: the form opens with the step's agency and
        pathway chosen, and the referral saved names the step, which it then moves on."""
        plan = live_plan(self.record.plans) if self.record else None
        located = plan.step(step_id) if plan else None
        words = one_line(located[1].what, 80) if located else ""
        offer = partial(
            self._offer_referral,
            agency_id=agency_id,
            pathway=pathway,
            step_id=step_id,
            step_words=words,
        )
        self._with_directory(offer)

    def _offer_referral(
        self,
        agencies: list[Agency],
        agency_id: UUID | None = None,
        pathway: str | None = None,
        step_id: UUID | None = None,
        step_words: str = "",
    ) -> None:
        self._directory_read(agencies)
        offered = [a for a in agencies if not a.archived or a.id == agency_id]
        if not offered:
            self.notify(NO_AGENCIES, title="No agencies to refer to", severity="warning")
            return
        form = ReferralForm(
            self.client_id,
            self.clock.today(),
            agencies,
            agency_id=agency_id,
            pathway=pathway,
            step_id=step_id,
            step_words=step_words,
        )
        self._ask(form, self._referral_made)

    def _referral_made(self, referral: Referral) -> None:
        self._select[ReferralTable] = str(referral.id)
        add = partial(self.caseload.add_referral, referral)
        self._save("Referral saved.", add, self._step_news(referral))

    def action_update_referral(self) -> None:
        referral = self._pane.current_referral
        if referral is not None:
            self._update(referral)

    def on_referrals_pane_referral_chosen(self, message: ReferralsPane.ReferralChosen) -> None:
        self._update(message.referral)

    def _update(self, referral: Referral) -> None:
        name = agency_name(self._directory(), referral.agency_id)
        form = ReferralUpdateForm(referral, name, self.clock.today())
        self._ask(form, self._referral_updated)

    def _referral_updated(self, referral: Referral) -> None:
        self._select[ReferralTable] = str(referral.id)
        update = partial(self.caseload.update_referral, referral)
        self._save("Referral updated.", update, self._step_news(referral))

    def _step_news(self, referral: Referral) -> Callable[[], None] | None:
        """After saving a referral made for a plan step, say where the step now stands."""
        step_id = referral.step_id
        if step_id is None:
            return None

        def tell() -> None:
            plan = live_plan(self.record.plans) if self.record else None
            located = plan.step(step_id) if plan else None
            if located is not None:
                step = located[1]
                status = STEP_STATUSES.label(step.status).lower()
                self.notify(f"Plan step “{one_line(step.what, 60)}” is now {status}.")

        return tell

    # Signposting -----------------------------------------------------------------------

    def action_add_signpost(self) -> None:
        self._with_directory(self._offer_signpost)

    def on_referrals_pane_signpost_chosen(self, message: ReferralsPane.SignpostChosen) -> None:
        self._with_directory(partial(self._offer_signpost, signpost=message.signpost))

    def _offer_signpost(self, agencies: list[Agency], signpost: Signpost | None = None) -> None:
        self._directory_read(agencies)
        form = SignpostForm(self.client_id, self.clock.today(), agencies, signpost)
        self._ask(form, partial(self._signpost_saved, editing=signpost is not None))

    def _signpost_saved(self, signpost: Signpost, editing: bool) -> None:
        self._select[SignpostTable] = str(signpost.id)
        if editing:
            self._save("Signposting saved.", partial(self.caseload.update_signpost, signpost))
        else:
            self._save("Signposting recorded.", partial(self.caseload.add_signpost, signpost))

    def action_remove_signpost(self) -> None:
        signpost = self._pane.current_signpost
        if signpost is None:
            return
        question = ConfirmScreen(
            f"Delete the signposting of {long_date(signpost.given_on)} "
            f"({PATHWAYS.label(signpost.pathway)})? Delete it only if it was recorded in error.",
            yes="Delete",
            no="Keep",
        )
        remove = partial(self.caseload.remove_signpost, signpost.id)
        self._ask(question, lambda _yes: self._save("Signposting deleted.", remove))
