"""Plans, agencies, referrals and signposting as the caseload keeps them."""

from __future__ import annotations

from datetime import date

import pytest

from keyworker import plans as pl
from keyworker.errors import DamagedFile, InvalidInput
from keyworker.plans import Agency, Goal, Plan, Signpost, Step
from storage import Caseload
from tests.conftest import make_client

TODAY = date(2026, 11, 22)


def agency(caseload: Caseload, name: str = "Shelter Housing Advice", **fields) -> Agency:
    return caseload.add_agency(
        Agency(name=name, category=fields.pop("category", "accommodation"), **fields)
    )


def housing_goal(**fields) -> Goal:
    return Goal(
        pathway="accommodation",
        words="Have my own flat near my kids",
        added_on=date(2026, 11, 1),
        **fields,
    )


def started(caseload: Caseload, client, *goals: Goal, **fields) -> Plan:
    plan = Plan(client_id=client.id, started_on=date(2026, 11, 1), goals=list(goals), **fields)
    return caseload.start_plan(plan)


def test_each_save_is_a_new_revision_and_the_history_reads_back(caseload: Caseload) -> None:
    client = make_client(caseload, status="active")
    first = started(caseload, client, housing_goal())
    assert (first.revision, first.goals_revised, first.saved_by) == (1, 1, caseload.worker)

    goal = first.goals[0]
    step = Step(what="Ring the council's housing options team", who="keyworker")
    second = caseload.save_plan(
        first.model_copy(update={"goals": [goal.model_copy(update={"steps": [step]})]})
    )
    agreed = caseload.agree_plan(second.id, "agreed", date(2026, 11, 5))

    history = caseload.plan_history(first.id)
    assert [p.revision for p in history] == [1, 2, 3]
    assert history[0] == first  # the first revision is kept exactly as it was
    assert history[0].goals[0].steps == []
    assert agreed.agreed_as_it_stands
    assert [pl.plan_changes(a, b) for a, b in zip([None, *history], history, strict=False)] == [
        ["Plan started on 01/11/2026"],
        ["Step added: Ring the council's housing options team"],
        ["Agreed on 05/11/2026"],
    ]


def test_changing_goals_after_agreement_asks_for_agreement_again(caseload: Caseload) -> None:
    client = make_client(caseload)
    plan = started(caseload, client, housing_goal())
    agreed = caseload.agree_plan(plan.id, "agreed", date(2026, 11, 2))
    assert pl.agreement_words(agreed) == "Agreed on 02/11/2026"

    reviewed = caseload.save_plan(agreed.model_copy(update={"review_date": date(2027, 2, 1)}))
    assert reviewed.agreed_as_it_stands  # a review date is not a change to what was agreed

    goal = reviewed.goals[0].model_copy(update={"words": "A flat of my own"})
    changed = caseload.save_plan(reviewed.model_copy(update={"goals": [goal]}))
    assert not changed.agreed_as_it_stands
    assert pl.agreement_words(changed) == (
        "Agreed on 02/11/2026; the plan has changed since, so ask again"
    )
    again = caseload.agree_plan(changed.id, "could_not_answer", date(2026, 11, 9))
    assert pl.agreement_words(again) == "Could not answer on 09/11/2026"
    assert not again.agreed_as_it_stands


def test_one_live_plan_at_a_time_and_an_ended_plan_is_kept(caseload: Caseload) -> None:
    client = make_client(caseload)
    plan = started(caseload, client, housing_goal())
    with pytest.raises(InvalidInput, match="already has a live plan"):
        started(caseload, client)

    ended = caseload.end_plan(plan.id, date(2026, 11, 20), "New assessment after recall")
    with pytest.raises(InvalidInput, match="ended plan is kept"):
        caseload.save_plan(ended.model_copy(update={"review_date": date(2027, 1, 1)}))
    second = started(caseload, client)

    assert caseload.live_plan(client.id) == second
    assert caseload.plans(client.id) == [ended, second]
    assert [p.revision for p in caseload.record(client.id).plans] == [1, 2, 1]


def test_a_plan_changed_elsewhere_is_not_overwritten(caseload: Caseload) -> None:
    client = make_client(caseload)
    plan = started(caseload, client, housing_goal())
    caseload.save_plan(plan.model_copy(update={"review_date": date(2027, 1, 1)}))

    stale = plan.model_copy(update={"review_date": date(2027, 3, 1)})
    with pytest.raises(InvalidInput, match="changed elsewhere"):
        caseload.save_plan(stale)
    assert caseload.live_plan(client.id).review_date == date(2027, 1, 1)


def test_saving_with_no_change_adds_no_revision(caseload: Caseload) -> None:
    client = make_client(caseload)
    plan = started(caseload, client, housing_goal())
    assert caseload.save_plan(plan) == plan
    assert len(caseload.plan_history(plan.id)) == 1


def test_a_referral_for_a_step_moves_the_step_on(caseload: Caseload) -> None:
    client = make_client(caseload, status="active")
    shelter = agency(caseload)
    step = Step(what="Make a referral to Shelter", who="keyworker", refer_to=shelter.id)
    plan = started(caseload, client, housing_goal(steps=[step]))

    referral = caseload.add_referral(
        pl.new_referral(
            client.id, shelter.id, "accommodation", date(2026, 11, 3), "email", step_id=step.id
        )
    )
    made = caseload.live_plan(client.id)
    assert made.revision == plan.revision + 1
    assert made.goals[0].steps[0].status == "in_progress"

    done = pl.referral_moved(referral, "completed", date(2026, 11, 18), "Housed at Ash Court")
    assert caseload.update_referral(done) == ["history"]
    after = caseload.live_plan(client.id).goals[0].steps[0]
    assert (after.status, after.completed_on) == ("completed", date(2026, 11, 18))
    assert [n.text for n in after.progress] == [
        "Referral to Shelter Housing Advice made",
        "Referral to Shelter Housing Advice completed",
    ]
    assert caseload.referral(referral.id).status == "completed"


def test_a_referral_for_a_step_not_in_the_plan_is_refused_whole(caseload: Caseload) -> None:
    client = make_client(caseload)
    shelter = agency(caseload)
    started(caseload, client, housing_goal())
    stray = pl.new_referral(
        client.id, shelter.id, "accommodation", TODAY, "phone", step_id=Step(what="x").id
    )
    with pytest.raises(InvalidInput, match="not in the person's live plan"):
        caseload.add_referral(stray)
    assert caseload.referrals(client.id) == []


def test_agency_names_are_unique_ignoring_case(caseload: Caseload) -> None:
    agency(caseload, "Women's Centre")
    with pytest.raises(InvalidInput, match="already an agency called 'Women's Centre'"):
        agency(caseload, "WOMEN'S CENTRE", category="womens_services")


def test_importing_agencies_adds_new_and_updates_known_ones_all_or_nothing(
    caseload: Caseload,
) -> None:
    known = agency(caseload, "Shelter", archived=True)
    batch = [
        Agency(name="shelter", category="accommodation", phone="0808 800 4444"),
        Agency(name="Samaritans", category="emotional_wellbeing", phone="116 123"),
    ]
    assert caseload.import_agencies(batch) == (1, 1)
    shelter = caseload.agency(known.id)
    assert (shelter.name, shelter.phone, shelter.archived) == ("shelter", "0808 800 4444", False)

    twice = [Agency(name="Mind", category="emotional_wellbeing")] * 2
    with pytest.raises(InvalidInput, match="more than once"):
        caseload.import_agencies(twice)
    assert [a.name for a in caseload.agencies()] == ["Samaritans", "shelter"]


def test_signposting_is_kept_apart_from_referrals(caseload: Caseload) -> None:
    client = make_client(caseload)
    given = caseload.add_signpost(
        Signpost(
            client_id=client.id,
            given_on=TODAY,
            pathway="finance_benefits_debt_id",
            information="Food bank drop-in times",
        )
    )
    assert caseload.signposts(client.id) == [given]
    assert caseload.referrals(client.id) == []
    assert caseload.signposts_given(TODAY, TODAY) == [given]
    caseload.remove_signpost(given.id)
    assert caseload.signposts(client.id) == []
    assert caseload.check() == []


def test_overdue_plan_work_and_follow_ups_reach_the_attention_list(caseload: Caseload) -> None:
    client = make_client(caseload, "Dan Price", status="active")
    shelter = agency(caseload, "Shelter")
    steps = [
        Step(what="Open a bank account", target_date=date(2026, 11, 10)),
        Step(what="Get a birth certificate", target_date=date(2026, 11, 20)),
        Step(what="Done already", status="completed", completed_on=date(2026, 11, 2)),
        Step(what="Later", target_date=date(2026, 12, 1)),
    ]
    started(caseload, client, housing_goal(steps=steps), review_date=date(2026, 11, 15))
    caseload.add_referral(
        pl.new_referral(
            client.id,
            shelter.id,
            "accommodation",
            date(2026, 11, 1),
            "email",
            follow_up_on=TODAY,
        )
    )

    details = [(i.reason, i.detail) for i in caseload.attention(28, 14)]
    assert details == [
        ("plan_review", "Action plan review overdue since Sun 15 Nov 2026"),
        ("follow_up", "Follow up referral to Shelter: due today"),
        ("step_overdue", "2 plan steps overdue, the oldest since Tue 10 Nov 2026"),
    ]


def test_whole_records_round_trip_with_plans_and_referrals(caseload: Caseload) -> None:
    client = make_client(caseload)
    shelter = agency(caseload)
    plan = started(caseload, client, housing_goal())
    caseload.add_referral(pl.new_referral(client.id, shelter.id, "accommodation", TODAY, "phone"))
    record = caseload.record(client.id)
    assert record.plans == [plan]

    again = type(record).model_validate_json(record.model_dump_json())
    assert again == record


def test_a_damaged_plan_is_refused_and_named_by_check(caseload: Caseload) -> None:
    client = make_client(caseload)
    plan = started(caseload, client, housing_goal())
    with caseload._lock:
        caseload._conn.execute("UPDATE plans SET review_date = '2030-01-01'")
    with pytest.raises(DamagedFile, match="saved action plan is damaged"):
        caseload.live_plan(client.id)
    problems = [str(p) for p in caseload.check()]
    assert problems[0] == (
        f"An action plan ({plan.id}/1) of client {client.case_ref} is damaged: its saved "
        "content cannot be read, or the columns beside it do not agree with it."
    )
    assert "was changed outside Keyworker Assistant" in problems[1]


def test_the_record_as_text_has_the_plan_referrals_and_signposting(caseload: Caseload) -> None:
    from keyworker.record_text import format_record

    client = make_client(caseload)
    shelter = agency(caseload, "Ash Housing Trust")
    started(caseload, client, housing_goal(steps=[Step(what="Ring the council")]))
    made = caseload.add_referral(
        pl.new_referral(client.id, shelter.id, "accommodation", date(2026, 11, 3), "email")
    )
    caseload.update_referral(pl.referral_moved(made, "accepted", date(2026, 11, 5)))
    caseload.add_signpost(
        Signpost(client_id=client.id, given_on=TODAY, pathway="health", information="GP list")
    )
    text = format_record(caseload.record(client.id), {shelter.id: shelter.name})
    assert (
        "Action plan\n"
        "  Started 01/11/2026; review by not set\n"
        "  Agreement: Not yet asked to agree\n"
        "  Accommodation (active): Have my own flat near my kids\n"
        "    - Ring the council (not started)\n"
    ) in text
    assert "  03/11/2026  Ash Housing Trust (Accommodation), by email: accepted 05/11/2026" in text
    assert "  22/11/2026  Health (physical and mental health): GP list" in text
