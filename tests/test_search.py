"""Full-text search over names, case references, identifiers and note text."""

from __future__ import annotations

import pytest

from keyworker.models import Identifiers
from storage import Caseload
from storage.search import fts_query
from tests.conftest import make_client, make_note


@pytest.fixture
def found(caseload: Caseload):
    dan = make_client(
        caseload,
        "Daniel Price",
        preferred_name="Dan",
        identifiers=Identifiers(prison_number="A1234BC", crn="X123456", pnc="2019/0123456E"),
    )
    ann = make_client(caseload, "Ann Okafor")
    caseload.add_note(make_note(ann, "Went with Ann to the housing office about arrears", day=4))
    caseload.add_note(make_note(dan, "Dan registered with a GP at last", day=6))

    def search(text: str) -> dict[str, tuple[str, str]]:
        return {hit.case_ref: (hit.matched, hit.snippet) for hit in caseload.search(text)}

    search.dan, search.ann = dan, ann  # type: ignore[attr-defined]
    return search


def test_finds_by_name_prefix_and_says_it_matched_the_name(found) -> None:
    assert found("pri") == {found.dan.case_ref: ("name", "Dan (Daniel Price)")}


def test_finds_by_case_reference_typed_loosely(found) -> None:
    ref = found.dan.case_ref
    assert found(ref.lower())[ref][0] == "case reference"
    assert ref in found(ref[3:])


@pytest.mark.parametrize(
    ("typed", "label"),
    [("a1234bc", "prison number"), ("X123456", "CRN"), ("2019/0123456E", "PNC number")],
)
def test_finds_by_identifiers(found, typed: str, label: str) -> None:
    assert found(typed)[found.dan.case_ref][0] == label


def test_finds_note_text_and_shows_the_words_in_context(found) -> None:
    hits = found("housing arrears")
    matched, snippet = hits[found.ann.case_ref]
    assert matched == "note of 04/11/2026"
    assert "[housing]" in snippet and "[arrears]" in snippet


def test_every_word_must_match(found) -> None:
    assert found("housing GP") == {}


def test_search_syntax_cannot_be_typed_by_accident(found) -> None:
    for text in ['"', "AND", "NEAR(", "*", "ann OR", "col:val", "-", "'; DROP TABLE"]:
        found(text)  # no error
    assert fts_query("  !! ") is None


def test_edited_note_is_found_by_its_new_words_only(caseload: Caseload) -> None:
    client = make_client(caseload)
    note = make_note(client, "Talked about the food bank")
    caseload.add_note(note)
    caseload.update_note(note.model_copy(update={"text": "Talked about the credit union"}))
    assert caseload.search("food") == []
    assert [h.case_ref for h in caseload.search("credit union")] == [client.case_ref]


def test_renamed_client_is_found_by_the_new_name(caseload: Caseload) -> None:
    client = make_client(caseload, "Jo Smith")
    caseload.update_client(client.model_copy(update={"legal_name": "Jo Brown"}))
    assert caseload.search("smith") == []
    assert [h.case_ref for h in caseload.search("brown")] == [client.case_ref]


def test_snippets_mark_prefix_matches_whatever_the_accents_and_case() -> None:
    from storage.search import snippet

    text = "Met José at the Café Nero, then went on to the housing office on Mill Road"
    assert snippet("Met José at the café", ["jose"]) == "Met [José] at the café"
    cut = snippet(text, ["hous"], width=6)
    assert cut == "…to the [housing] office on Mill…"
    assert snippet(text, ["nothing"], width=3) == "Met José at…"


def test_a_short_word_matches_only_itself_in_notes(found) -> None:
    """Typing "rent a" on the way to "rent arrears" must not match every word beginning "a"."""
    assert fts_query("rent a", prefix_min=3) == '"rent"* "a"'
    assert fts_query("rent arr", prefix_min=3) == '"rent"* "arr"*'
    assert found("housing a") == {}  # "about" and "arrears" begin with "a"; no note has "a"
    assert found.ann.case_ref in found("housing arr")
    matched, snippet = found("registered a")[found.dan.case_ref]
    assert matched == "note of 06/11/2026"
    assert "[registered] with [a] GP at last" in snippet
    assert found.dan.case_ref in found("gp")  # a short word still finds itself


def test_a_short_word_is_still_a_prefix_of_names_and_references(found) -> None:
    assert found("ok") == {found.ann.case_ref: ("name", "Ann Okafor")}
    assert found.dan.case_ref in found("da")


def test_snippets_mark_a_short_word_only_where_it_stands_alone() -> None:
    from storage.search import snippet

    text = "Went with Ann to a housing office about arrears"
    assert snippet(text, ["a"], prefix_min=3) == "Went with Ann to [a] housing office about arrears"
    assert snippet(text, ["a"]).count("[") == 4  # Ann, a, about, arrears
