"""Assessment templates: the built-in one, conditions, answer checks, and broken files.

A service writes its own template files, so each problem in one must be named with its
place and its fault in words a keyworker can act on.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib.resources import files

import pytest

from keyworker.templates import (
    QUESTION_KINDS,
    Question,
    Template,
    TemplateProblem,
    parse_template,
    visible_questions,
)
from keyworker.vocabulary import PATHWAYS

PATHWAY_ORDER = [
    "accommodation",
    "education_skills_work",
    "health",
    "drugs_alcohol",
    "finance_benefits_debt_id",
    "children_families_communities",
    "attitudes_thinking_behaviour",
    "domestic_sexual_abuse",
    "sex_work",
]

HEAD = 'id = "ours"\nversion = 1\ntitle = "Our assessment"\n'
HEALTH = '[[sections]]\nid = "a"\ntitle = "A"\npathway = "health"\n'


def builtin() -> Template:
    resource = files("keyworker.builtin_templates") / "reducing_reoffending.toml"
    return parse_template(resource.read_text(encoding="utf-8"), "reducing_reoffending.toml")


def problems_in(text: str, suffix: str = ".toml") -> list[str]:
    with pytest.raises(TemplateProblem) as caught:
        parse_template(text, "ours.toml", suffix=suffix)
    return caught.value.problems


def one_section(questions: str) -> str:
    """A template with one unrated section 'main' holding the given questions."""
    return HEAD + '\n[[sections]]\nid = "main"\ntitle = "Main"\n' + questions


def question(id: str, kind: str, extra: str = "") -> str:
    return (
        f'\n[[sections.questions]]\nid = "{id}"\ntext = "Question {id}?"\nkind = "{kind}"\n{extra}'
    )


CHOICES = 'choices = [{ code = "red", label = "Red" }, { code = "blue", label = "Blue" }]\n'


# The built-in template ----------------------------------------------------------------------


def test_the_builtin_template_reads_cleanly() -> None:
    template = builtin()
    assert template.key == ("reducing_reoffending", 1)
    assert template.title == "Needs assessment: reducing reoffending pathways"
    assert template.description


def test_the_builtin_template_has_one_section_per_pathway_in_order() -> None:
    template = builtin()
    assert [s.id for s in template.sections] == PATHWAY_ORDER
    assert [s.pathway for s in template.sections] == PATHWAY_ORDER
    assert PATHWAYS.codes == PATHWAY_ORDER
    assert all(s.rated for s in template.sections)
    assert all(3 <= len(s.questions) <= 6 for s in template.sections)


def test_only_the_women_s_specialist_sections_can_be_switched_off() -> None:
    template = builtin()
    specialist = [s.id for s in template.sections if s.specialist]
    assert specialist == ["domestic_sexual_abuse", "sex_work"]
    asked = template.sections_for(frozenset([*specialist, "accommodation"]))
    assert [s.id for s in asked] == PATHWAY_ORDER[:-2]


def test_the_builtin_template_uses_every_kind_of_question() -> None:
    kinds = {q.kind for s in builtin().sections for q in s.questions}
    assert kinds == set(QUESTION_KINDS.codes)


def test_every_builtin_section_has_a_required_question() -> None:
    for section in builtin().sections:
        assert any(q.required for q in section.questions), section.id


def test_every_builtin_condition_looks_back_at_an_earlier_question() -> None:
    template = builtin()
    earlier: set[str] = set()
    conditions = []
    for section in template.sections:
        for q in section.questions:
            if q.show_when is not None:
                assert q.show_when.question in earlier, q.id
                conditions.append(q.show_when)
            earlier.add(q.id)
    assert any(c.equals is not None for c in conditions)
    assert any(c.any_of is not None for c in conditions)


def test_the_builtin_template_leaves_the_standard_ratings_to_the_section() -> None:
    ids = {q.id for s in builtin().sections for q in s.questions}
    assert not ids & {"need_level", "own_rating", "motivation", "strengths", "notes"}
    assert not ids & {"immediate_need"}


# Conditions ------------------------------------------------------------------------------


def shown(section_id: str, answers: dict[str, object]) -> list[str]:
    template = builtin()
    return [q.id for q in visible_questions(template.section(section_id), answers)]


def test_a_follow_up_waits_for_the_answer_it_follows() -> None:
    assert shown("accommodation", {}) == ["tonight", "housing_referral"]
    assert shown("accommodation", {"tonight": "nowhere_yet"}) == ["tonight", "housing_referral"]
    assert shown("accommodation", {"tonight": "approved_premises"}) == [
        "tonight",
        "settled",
        "housing_referral",
    ]
    assert shown("accommodation", {"tonight": "own_tenancy", "at_risk": False}) == [
        "tonight",
        "settled",
        "at_risk",
        "housing_referral",
    ]
    assert shown("accommodation", {"tonight": "own_tenancy", "at_risk": True}) == [
        "tonight",
        "settled",
        "at_risk",
        "at_risk_details",
        "housing_referral",
    ]


def test_equals_false_shows_a_question_only_for_a_no() -> None:
    assert "safety_plan" not in shown("domestic_sexual_abuse", {})
    assert "safety_plan" not in shown("domestic_sexual_abuse", {"safe_at_home": True})
    assert "safety_plan" in shown("domestic_sexual_abuse", {"safe_at_home": False})


def test_equals_a_choice_matches_that_choice_only() -> None:
    assert "marac" in shown("domestic_sexual_abuse", {"harmed": "now"})
    assert "marac" not in shown("domestic_sexual_abuse", {"harmed": "past"})
    assert "specialist_support" in shown("domestic_sexual_abuse", {"harmed": "past"})
    assert "specialist_support" not in shown("domestic_sexual_abuse", {"harmed": "no"})


def test_any_of_matches_when_a_list_answer_includes_one_of_them() -> None:
    assert shown("drugs_alcohol", {"substances": ["none"]}) == ["substances"]
    assert shown("drugs_alcohol", {"substances": []}) == ["substances"]
    assert shown("drugs_alcohol", {"substances": ["cannabis", "alcohol"]}) == [
        "substances",
        "treatment",
        "drinking_days",
    ]
    assert shown("drugs_alcohol", {"substances": ["opiates"], "treatment": True}) == [
        "substances",
        "treatment",
        "treatment_appointment",
        "opiate_prescription",
    ]


def test_a_yes_answer_does_not_match_a_number_one() -> None:
    text = one_section(
        question("count", "number")
        + question("why", "short_text", 'show_when = { question = "count", equals = 1 }\n')
    )
    section = parse_template(text, "ours.toml").section("main")
    assert [q.id for q in visible_questions(section, {"count": 1})] == ["count", "why"]
    assert [q.id for q in visible_questions(section, {"count": True})] == ["count"]
    assert [q.id for q in visible_questions(section, {"count": 2})] == ["count"]


def test_conditions_look_back_across_sections() -> None:
    template = builtin()
    answers = {"benefits": ["pip", "universal_credit"]}
    finance = [
        q.id for q in visible_questions(template.section("finance_benefits_debt_id"), answers)
    ]
    assert "claim_date" in finance


def test_a_follow_up_of_a_hidden_question_stays_hidden() -> None:
    # The person said they had a tenancy at risk, then the answer changed to "nowhere yet":
    # "at_risk" is hidden, so the details of that risk should be hidden too.
    answers = {"tonight": "nowhere_yet", "at_risk": True}
    assert shown("accommodation", answers) == ["tonight", "housing_referral"]


# Checking answers ------------------------------------------------------------------------


def make(kind: str, **fields: object) -> Question:
    return Question.model_validate({"id": "q", "text": "Question?", "kind": kind, **fields})


def refused(q: Question, answer: object) -> str:
    with pytest.raises(ValueError) as caught:
        q.check(answer)
    return str(caught.value)


def test_yes_or_no_takes_only_yes_or_no() -> None:
    q = make("yes_no")
    assert q.check(True) is True
    assert q.check(False) is False
    assert refused(q, "yes") == "answer yes or no"
    assert refused(q, 1) == "answer yes or no"
    assert refused(q, None) == "answer yes or no"


def test_one_of_a_list_takes_one_listed_code() -> None:
    q = make("single_choice", choices=[{"code": "a", "label": "A"}, {"code": "b", "label": "B"}])
    assert q.check("b") == "b"
    assert refused(q, "c") == "choose one of the answers listed"
    assert refused(q, ["a"]) == "choose one of the answers listed"
    assert q.choice_label("a") == "A"


def test_any_of_a_list_takes_listed_codes_once_each() -> None:
    q = make("multiple_choice", choices=[{"code": "a", "label": "A"}, {"code": "b", "label": "B"}])
    assert q.check(["a", "b"]) == ["a", "b"]
    assert q.check([]) == []
    assert refused(q, ["a", "c"]) == "choose from the answers listed"
    assert refused(q, "a") == "choose from the answers listed"
    assert refused(q, ["a", "a"]) == "each answer can be chosen once"


def test_a_scale_takes_whole_numbers_within_its_ends() -> None:
    q = make("scale", min=1, max=10)
    assert q.check(1) == 1
    assert q.check(10) == 10
    assert refused(q, 0) == "must be 1 or more"
    assert refused(q, 11) == "must be 10 or less"
    assert refused(q, 5.5) == "must be a whole number"
    assert refused(q, "5") == "must be a number"
    assert refused(q, True) == "must be a number"


def test_a_number_takes_any_number_within_its_bounds() -> None:
    q = make("number", min=0, max=7)
    assert q.check(3) == 3
    assert q.check(2.5) == 2.5
    assert refused(q, -1) == "must be 0 or more"
    assert refused(q, 8) == "must be 7 or less"
    assert refused(q, "three") == "must be a number"
    assert make("number").check(-40) == -40


def test_a_date_is_kept_as_iso_text() -> None:
    q = make("date")
    assert q.check(date(2026, 11, 22)) == "2026-11-22"
    assert q.check("2026-11-22") == "2026-11-22"
    assert refused(q, "22/11/2026") == "must be a date"
    assert refused(q, "2026-02-30") == "must be a date"
    assert refused(q, 20261122) == "must be a date"


def test_a_date_given_another_way_is_kept_as_the_same_iso_text() -> None:
    q = make("date")
    assert q.check(datetime(2026, 11, 22, 10, 30)) == "2026-11-22"
    for given in ["20261122", "2026-W47-7"]:
        try:
            kept = q.check(given)
        except ValueError:
            continue
        assert kept == "2026-11-22", given


def test_short_text_is_one_line_and_short() -> None:
    q = make("short_text")
    assert q.check("Mum and my sponsor") == "Mum and my sponsor"
    assert refused(q, "Mum\nand my sponsor") == "must be on one line"
    assert refused(q, "Mum\rand my sponsor") == "must be on one line"
    assert refused(q, "x" * 201) == "is too long: 200 characters at most"
    assert refused(q, 42) == "must be text"


def test_long_text_takes_paragraphs_up_to_its_limit() -> None:
    q = make("long_text")
    assert q.check("First.\n\nSecond.") == "First.\n\nSecond."
    assert q.check("x" * 10_000) == "x" * 10_000
    assert refused(q, "x" * 10_001) == "is too long: 10,000 characters at most"


# Broken template files ---------------------------------------------------------------------


def test_invalid_toml_says_so() -> None:
    problems = problems_in(HEAD + 'description = "no closing quote\n')
    assert len(problems) == 1
    assert problems[0].startswith("this is not valid TOML: ")
    assert "line 4" in problems[0]


def test_invalid_json_names_the_line() -> None:
    problems = problems_in('{\n  "id": "ours",\n  "version": 1,\n}\n', suffix=".json")
    assert len(problems) == 1
    assert problems[0].startswith("line 4: this is not valid JSON (")


def test_a_file_holding_a_list_is_refused() -> None:
    assert problems_in('[{"id": "ours"}]', suffix=".json") == [
        "the file must hold one template, as a table of keys"
    ]


def test_a_good_json_template_reads_like_toml() -> None:
    text = (
        '{"id": "ours", "version": 2, "title": "Ours", "sections": [{"id": "main",'
        ' "title": "Main", "pathway": "health", "questions": []}]}'
    )
    template = parse_template(text, "ours.json", suffix=".json")
    assert template.key == ("ours", 2)
    assert template.section("main").rated


def test_the_message_names_the_file_and_counts_the_problems() -> None:
    with pytest.raises(TemplateProblem) as caught:
        parse_template('id = "ours"\nversion = 1\n', "ours.toml")
    assert caught.value.source == "ours.toml"
    assert str(caught.value) == (
        "The assessment template ours.toml has 2 problems: `title` is missing"
    )


def test_a_missing_title_is_named() -> None:
    text = (
        'id = "ours"\nversion = 1\n[[sections]]\nid = "main"\ntitle = "Main"\npathway = "health"\n'
    )
    assert problems_in(text) == ["`title` is missing"]


def test_a_missing_question_text_is_placed() -> None:
    text = one_section('\n[[sections.questions]]\nid = "tonight"\nkind = "yes_no"\n')
    assert problems_in(text) == ["section 'main', question 'tonight': `text` is missing"]


def test_a_misspelt_key_is_named_with_its_place() -> None:
    text = one_section(question("tonight", "yes_no", "requred = true\n"))
    assert problems_in(text) == [
        "section 'main', question 'tonight': `requred` is not a template key (check its spelling)"
    ]


def test_a_misspelt_top_level_key_also_reports_what_is_then_missing() -> None:
    text = 'id = "ours"\nversion = 1\ntitel = "Ours"\n' + HEALTH
    problems = problems_in(text)
    assert "`titel` is not a template key (check its spelling)" in problems
    assert "`title` is missing" in problems


def test_an_unknown_question_kind_lists_the_kinds() -> None:
    text = one_section(question("tonight", "free_text"))
    assert problems_in(text) == [
        "section 'main', question 'tonight': kind must be one of: yes_no, single_choice, "
        "multiple_choice, scale, number, date, short_text, long_text"
    ]


def test_a_choice_question_needs_two_choices() -> None:
    text = one_section(
        question("tonight", "single_choice", 'choices = [{ code = "home", label = "Home" }]\n')
    )
    assert problems_in(text) == [
        "section 'main', question 'tonight': a single choice question needs two choices or more"
    ]


def test_a_multiple_choice_question_without_choices_is_refused() -> None:
    text = one_section(question("ids", "multiple_choice"))
    assert problems_in(text) == [
        "section 'main', question 'ids': a multiple choice question needs two choices or more"
    ]


def test_repeated_choice_codes_are_named() -> None:
    extra = (
        'choices = [{ code = "home", label = "Home" }, { code = "hostel", label = "Hostel" },'
        ' { code = "home", label = "House" }]\n'
    )
    assert problems_in(one_section(question("tonight", "single_choice", extra))) == [
        "section 'main', question 'tonight': choice codes must differ; repeated: home"
    ]


def test_a_choice_code_with_capitals_is_placed_at_the_choice() -> None:
    extra = 'choices = [{ code = "Home", label = "Home" }, { code = "away", label = "Away" }]\n'
    assert problems_in(one_section(question("tonight", "single_choice", extra))) == [
        "section 'main', question 'tonight', choice 'Home': "
        "`code` must be lower case letters, digits and _"
    ]


def test_choices_on_a_yes_no_question_are_refused() -> None:
    text = one_section(question("settled", "yes_no", CHOICES))
    assert problems_in(text) == [
        "section 'main', question 'settled': only choice questions have choices, not yes no"
    ]


def test_a_scale_needs_both_ends() -> None:
    assert problems_in(one_section(question("mood", "scale"))) == [
        "section 'main', question 'mood': a scale question needs min and max, such as 1 and 10"
    ]
    assert problems_in(one_section(question("mood", "scale", "min = 1\n"))) == [
        "section 'main', question 'mood': a scale question needs min and max, such as 1 and 10"
    ]


@pytest.mark.parametrize(("low", "high"), [(10, 1), (5, 5)])
def test_min_must_be_below_max(low: int, high: int) -> None:
    text = one_section(question("mood", "scale", f"min = {low}\nmax = {high}\n"))
    assert problems_in(text) == [
        f"section 'main', question 'mood': min ({low}) must be less than max ({high})"
    ]


def test_min_and_max_belong_to_numbers_only() -> None:
    text = one_section(question("where", "short_text", "max = 10\n"))
    assert problems_in(text) == [
        "section 'main', question 'where': only scale and number questions have min and max"
    ]


def test_an_unknown_pathway_lists_the_known_ones() -> None:
    text = HEAD + '[[sections]]\nid = "housing"\ntitle = "Housing"\npathway = "housing"\n'
    problems = problems_in(text)
    assert len(problems) == 1
    assert problems[0].startswith("section 'housing': pathway 'housing' is not known (known: ")
    assert "accommodation, education_skills_work" in problems[0]


def test_a_section_without_pathway_or_questions_is_refused() -> None:
    text = HEAD + '[[sections]]\nid = "extra"\ntitle = "Extra"\n'
    assert problems_in(text) == [
        "section 'extra': a section without a pathway needs at least one question"
    ]


def test_a_template_without_sections_is_refused() -> None:
    problems = problems_in(HEAD + "sections = []\n")
    assert len(problems) == 1
    assert problems[0].startswith("`sections`: ")


def test_repeated_section_ids_are_named() -> None:
    section = '[[sections]]\nid = "health"\ntitle = "Health"\npathway = "health"\n'
    assert problems_in(HEAD + section + section) == ["section id 'health' is used more than once"]


def test_a_question_id_used_in_two_sections_is_placed_at_the_second() -> None:
    text = (
        one_section(question("tonight", "yes_no"))
        + '[[sections]]\nid = "later"\ntitle = "Later"\n'
        + question("tonight", "short_text")
    )
    assert problems_in(text) == [
        "section 'later', question 'tonight': the id is already used by an earlier question"
    ]


def test_show_when_must_look_back_not_forward() -> None:
    text = one_section(
        question("details", "long_text", 'show_when = { question = "at_risk", equals = true }\n')
        + question("at_risk", "yes_no")
    )
    assert problems_in(text) == [
        "section 'main', question 'details': show_when refers to 'at_risk', "
        "which is not an earlier question"
    ]


def test_show_when_cannot_refer_to_a_missing_question() -> None:
    text = one_section(
        question("tonight", "yes_no")
        + question("details", "long_text", 'show_when = { question = "tonite", equals = true }\n')
    )
    assert problems_in(text) == [
        "section 'main', question 'details': show_when refers to 'tonite', "
        "which is not an earlier question"
    ]


def test_show_when_cannot_refer_to_its_own_question() -> None:
    text = one_section(
        question("details", "yes_no", 'show_when = { question = "details", equals = true }\n')
    )
    assert problems_in(text) == [
        "section 'main', question 'details': show_when refers to 'details', "
        "which is not an earlier question"
    ]


def test_show_when_any_of_needs_a_choice_question() -> None:
    text = one_section(
        question("at_risk", "yes_no")
        + question(
            "details", "long_text", 'show_when = { question = "at_risk", any_of = ["yes"] }\n'
        )
    )
    assert problems_in(text) == [
        "section 'main', question 'details': show_when `any_of` only works with a choice question"
    ]


def test_show_when_any_of_names_only_choices_the_question_has() -> None:
    text = one_section(
        question("colour", "multiple_choice", CHOICES)
        + question(
            "why",
            "short_text",
            'show_when = { question = "colour", any_of = ["red", "green", "pink"] }\n',
        )
    )
    assert problems_in(text) == [
        "section 'main', question 'why': show_when names choices 'colour' does not have: "
        "green, pink"
    ]


@pytest.mark.parametrize(
    ("target", "equals", "reason"),
    [
        (question("at_risk", "yes_no"), '"yes"', "answer yes or no"),
        (
            question("colour", "single_choice", CHOICES),
            '"green"',
            "choose one of the answers listed",
        ),
        (question("colour", "multiple_choice", CHOICES), '"red"', "choose from the answers listed"),
        (question("mood", "scale", "min = 1\nmax = 10\n"), "11", "must be 10 or less"),
        (question("where", "short_text"), "true", "must be text"),
    ],
)
def test_show_when_equals_must_be_a_possible_answer(target: str, equals: str, reason: str) -> None:
    target_id = target.split('id = "')[1].split('"')[0]
    condition = f'show_when = {{ question = "{target_id}", equals = {equals} }}\n'
    text = one_section(target + question("follow_up", "short_text", condition))
    assert problems_in(text) == [
        f"section 'main', question 'follow_up': show_when `equals` cannot be an answer to "
        f"'{target_id}' ({reason})"
    ]


def test_show_when_needs_exactly_one_test() -> None:
    both = 'show_when = { question = "colour", equals = "red", any_of = ["red"] }\n'
    neither = 'show_when = { question = "colour" }\n'
    for condition in (both, neither):
        text = one_section(
            question("colour", "single_choice", CHOICES) + question("why", "short_text", condition)
        )
        assert problems_in(text) == [
            "section 'main', question 'why': "
            "show_when needs either `equals` or `any_of`, not both or neither"
        ]


def test_show_when_equals_of_the_wrong_type_is_one_plain_problem() -> None:
    text = one_section(
        question("count", "number")
        + question("why", "short_text", 'show_when = { question = "count", equals = 2.5 }\n')
    )
    problems = problems_in(text)
    assert len(problems) == 1
    assert problems[0].startswith("section 'main', question 'why': ")
    assert "equals" in problems[0]
    assert "constrained-str" not in problems[0]


@pytest.mark.parametrize("bad_id", ["Accommodation", "two words", "9lives", "tonight!"])
def test_ids_must_be_lower_case_codes(bad_id: str) -> None:
    text = one_section(question(bad_id, "yes_no"))
    assert problems_in(text) == [
        f"section 'main', question '{bad_id}': `id` must be lower case letters, digits and _"
    ]


def test_a_section_id_with_capitals_is_placed_at_the_section() -> None:
    text = HEAD + '[[sections]]\nid = "Health"\ntitle = "Health"\npathway = "health"\n'
    assert problems_in(text) == ["section 'Health': `id` must be lower case letters, digits and _"]


def test_version_starts_at_one() -> None:
    text = 'id = "ours"\nversion = 0\ntitle = "Ours"\n' + HEALTH
    assert problems_in(text) == ["`version`: Input should be greater than or equal to 1"]


def test_a_version_written_as_text_is_refused() -> None:
    text = 'id = "ours"\nversion = "1"\ntitle = "Ours"\n' + HEALTH
    assert problems_in(text) == ["`version`: Input should be a valid integer"]


def test_several_problems_in_one_file_are_all_reported() -> None:
    text = (
        'id = "Ours"\nversion = 0\n'
        '[[sections]]\nid = "main"\ntitle = "Main"\npathway = "housing"\n'
        '[[sections]]\nid = "more"\ntitle = "More"\n'
        + question("tonight", "free_text")
        + question("mood", "scale", "min = 10\nmax = 1\n")
        + question("ids", "single_choice", 'choices = [{ code = "none", label = "None" }]\n')
    )
    with pytest.raises(TemplateProblem) as caught:
        parse_template(text, "ours.toml")
    problems = caught.value.problems
    assert problems == [
        "`id` must be lower case letters, digits and _",
        "`version`: Input should be greater than or equal to 1",
        "`title` is missing",
        "section 'main': pathway 'housing' is not known (known: " + ", ".join(PATHWAYS.codes) + ")",
        "section 'more', question 'tonight': kind must be one of: "
        + ", ".join(QUESTION_KINDS.codes),
        "section 'more', question 'mood': min (10) must be less than max (1)",
        "section 'more', question 'ids': a single choice question needs two choices or more",
    ]
    assert str(caught.value).startswith("The assessment template ours.toml has 7 problems: ")


def test_several_template_wide_problems_are_listed_one_by_one() -> None:
    section = '[[sections]]\nid = "main"\ntitle = "Main"\n'
    text = (
        HEAD
        + section
        + question("tonight", "yes_no")
        + section
        + question("tonight", "yes_no", 'show_when = { question = "later", equals = true }\n')
    )
    with pytest.raises(TemplateProblem) as caught:
        parse_template(text, "ours.toml")
    assert caught.value.problems == [
        "section id 'main' is used more than once",
        "section 'main', question 'tonight': the id is already used by an earlier question",
        "section 'main', question 'tonight': show_when refers to 'later', "
        "which is not an earlier question",
    ]
    assert "has 3 problems" in str(caught.value)
