"""Assessments in words: answers and ratings as a keyworker reads them.

The screens, the summary before completing, the list of what changed in a review and
the document written for the record all word answers through here, so an answer reads
the same everywhere.
"""

from __future__ import annotations

from datetime import date

from keyworker.dates import uk_date
from keyworker.templates import Answer, Question
from keyworker.vocabulary import MOTIVATIONS, NEED_LEVELS

NOT_ANSWERED = "Not answered"


def answer_words(question: Question, answer: Answer | None) -> str:
    """One answer as text: "Yes", a choice's label, "3 out of 10", "22/11/2026"."""
    if answer is None or answer == "" or answer == []:
        return NOT_ANSWERED
    kind = question.kind
    if kind == "yes_no":
        return "Yes" if answer is True else "No"
    if kind == "single_choice":
        return question.choice_label(str(answer))
    if kind == "multiple_choice":
        assert isinstance(answer, list)
        return "; ".join(question.choice_label(code) for code in answer)
    if kind == "scale":
        return f"{answer} out of {question.max}"
    if kind == "number":
        return f"{answer:g}" if isinstance(answer, float) else str(answer)
    if kind == "date":
        try:
            return uk_date(date.fromisoformat(str(answer)))
        except ValueError:
            return str(answer)
    return str(answer)


def rating_words(field: str, value: object) -> str:
    """A standard rating's value as text, by the rating's field name."""
    if value is None or value == "":
        return NOT_ANSWERED
    if field == "need_level":
        return NEED_LEVELS.label(str(value))
    if field == "motivation":
        return MOTIVATIONS.label(str(value))
    if field == "immediate_need":
        return "Yes" if value else "No"
    if field == "own_rating":
        return f"{value} out of 10"
    return str(value)
