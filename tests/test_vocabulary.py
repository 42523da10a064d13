"""Vocabularies are data a service can extend, with codes that are safe to store."""

import pytest

from keyworker.models import CaseNote
from keyworker.vocabulary import PATHWAYS, Vocabulary


def test_a_service_can_add_its_own_terms() -> None:
    kinds = Vocabulary("meeting kind", [("office", "Office")])
    kinds.extend([("outreach_van", "Outreach van")])
    assert kinds.codes == ["office", "outreach_van"]
    assert kinds.label("outreach_van") == "Outreach van"


@pytest.mark.parametrize("code", ["Has Space", 'quote"', "", "9start", "ÜMLAUT"])
def test_codes_must_be_plain_identifiers(code: str) -> None:
    with pytest.raises(ValueError, match="lower case letters"):
        Vocabulary("test", [(code, "x")])


def test_unknown_codes_are_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(ValueError, match=r"not a known pathway .*accommodation"):
        CaseNote.model_validate_json(
            '{"client_id": "0192f3a0-0000-7000-8000-000000000000", "at": "2026-11-22T10:00:00Z",'
            ' "contact_type": "phone", "text": "x", "pathways": ["housing"]}'
        )
    assert "accommodation" in PATHWAYS
