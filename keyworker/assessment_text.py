"""Assessments in words: answers and ratings as a keyworker reads them.

The screens, the summary before completing, the list of what changed in a review and
the document written for the record all word answers through here, so an answer reads
the same everywhere.
"""

from __future__ import annotations

import re
from datetime import date
from typing import cast

from keyworker.assessments import RATING_NAMES, Assessment, Change, Ratings, SectionAnswers, changes
from keyworker.dates import uk_date, uk_datetime
from keyworker.models import Client
from keyworker.templates import Answer, Question, Section, Template, visible_questions
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
        return number_words(answer)  # type: ignore[arg-type]
    if kind == "date":
        try:
            return uk_date(date.fromisoformat(str(answer)))
        except ValueError:
            return str(answer)
    return str(answer)


def need_words(need_level: str | None) -> str:
    """ "High need", "No need": a need level on its own, as a short phrase."""
    if need_level is None:
        return "Need level not given"
    if need_level == "none":
        return NEED_LEVELS.label(need_level)
    return f"{NEED_LEVELS.label(need_level)} need"


def number_words(number: int | float) -> str:
    """A number as typed: 120.5, 3 (not 3.0), 1250000 (not 1.25e+06)."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


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


# The assessment as a document -------------------------------------------------------

NOT_ENCRYPTED_WARNING = (
    "This file is not encrypted. Anyone who can open it can read it: keep it somewhere "
    "safe and delete it when you no longer need it."
)
KINDS = {"initial": "Initial assessment", "review": "Review"}
HARD_BREAK = "  \n"

# Markdown reads these anywhere in a line; a backslash makes each one literal.
_INLINE = re.compile(r"[\\`*_\[\]<>|~$#]|&(?=#?\w+;)")
# ...and these only where a line starts: headings, lists, setext underlines.
_LINE_START = re.compile(r"^(?:[+=-]|\d+(?=[.)]))")
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9-]+")
_RATING_FIELDS = {name: field for field, name in RATING_NAMES.items()}


def assessment_document(
    assessment: Assessment,
    template: Template,
    client: Client,
    previous: Assessment | None = None,
    corrected: Assessment | None = None,
) -> str:
    """The assessment as a Markdown document, for the record or to go with a referral.

    Args:
        assessment: the assessment to write out, normally a completed one.
        template: the template version it was made with.
        client: the person assessed.
        previous: the assessment a review follows, to list what changed since.
        corrected: the assessment this one corrects, to say when that was completed.

    Everything typed (names, answers, notes, reasons) is escaped, so it reads as the
    words typed and never as Markdown.
    """
    parts = [
        f"# {_inline(template.title)} for {_inline(client.legal_name)}",
        _facts(assessment, template, client),
    ]
    if assessment.corrects is not None:
        parts.append(_correction(assessment, corrected))
    answers = template.visible_answers(assessment.all_answers)
    for section in template.sections_for(frozenset(assessment.switched_off)):
        parts.extend(_section(section, assessment.section(section.id), answers))
    if previous is not None:
        parts.extend(_changes(template, previous, assessment))
    return "\n\n".join(parts) + "\n"


def export_file_name(client: Client, assessment: Assessment) -> str:
    """A file name with the case reference and date, never the person's name.

    The file may be attached to an email or left in a downloads folder, where a name
    in the file name is seen by anyone who glances at it.
    """
    ref = _UNSAFE_IN_FILE_NAME.sub("-", client.case_ref).strip("-") or "client"
    corrected = "-corrected" if assessment.corrects is not None else ""
    return f"{ref}-assessment-{assessment.assessed_on.isoformat()}{corrected}.md"


def _facts(assessment: Assessment, template: Template, client: Client) -> str:
    completed = (
        uk_datetime(assessment.completed_at) if assessment.completed_at else "Not yet (a draft)"
    )
    facts = [
        ("Case reference", client.case_ref),
        ("Known as", client.preferred_name if client.preferred_name != client.legal_name else ""),
        ("Date assessed", uk_date(assessment.assessed_on)),
        ("Kind", KINDS[assessment.kind]),
        ("Assessor", assessment.assessor or "Not recorded"),
        ("Completed", completed),
        ("Template", f"{template.title}, version {template.version}"),
        ("Next review", uk_date(assessment.next_review)),
    ]
    return "\n".join(f"- **{label}:** {_inline(value)}" for label, value in facts if value)


def _correction(assessment: Assessment, corrected: Assessment | None) -> str:
    when = corrected.completed_at if corrected is not None else None
    which = f"the assessment completed on {uk_datetime(when)}" if when else "an earlier assessment"
    return f"Corrects {which}, because:{HARD_BREAK}{_block(assessment.correction_reason or '')}"


def _section(section: Section, own: SectionAnswers, answers: dict[str, Answer]) -> list[str]:
    parts = [f"## {_inline(section.title)}"]
    if own.skipped is not None:
        parts.append(f"Skipped: {_block(own.skipped)}")
        return parts
    for question in visible_questions(section, answers):
        parts.append(_asked(question.text, answer_words(question, own.answers.get(question.id))))
    if section.rated:
        ratings = own.ratings or Ratings()
        parts.append("### Ratings")
        parts.extend(
            _asked(name, rating_words(field, getattr(ratings, field)))
            for field, name in RATING_NAMES.items()
        )
    return parts


def _asked(label: str, words: str) -> str:
    return f"**{_inline(label)}**{HARD_BREAK}{_block(words)}"


def _changes(template: Template, previous: Assessment, assessment: Assessment) -> list[str]:
    since = uk_date(previous.assessed_on)
    found = changes(template, previous, assessment)
    if not found:
        return [f"## What changed since {since}", "Nothing changed."]
    parts = [f"## What changed since {since}"]
    for section in template.sections:
        lines = [
            f"- **{_labelled(change.what)}** {_listed(_change_words(section, change))}"
            for change in found
            if change.section_id == section.id
        ]
        if lines:
            parts.extend([f"### {_inline(section.title)}", "\n".join(lines)])
    return parts


def _change_words(section: Section, change: Change) -> str:
    before = _block(change_value_words(section, change, change.before))
    after = _block(change_value_words(section, change, change.after))
    if "\n" in before or "\n" in after:
        return f"{before}{HARD_BREAK}→ {after}"
    return f"{before} → {after}"


def _labelled(what: str) -> str:
    """A rating's name takes a colon; a question keeps its own question mark."""
    label = _inline(what)
    return label if label.endswith(("?", ":", ".", "!")) else f"{label}:"


def change_value_words(section: Section, change: Change, value: object) -> str:
    """A changed answer or rating (`change.before` or `.after`) in words."""
    if section.rated and change.what in _RATING_FIELDS:
        return rating_words(_RATING_FIELDS[change.what], value)
    if change.what == "Skipped":
        return "No" if value is None else f"Yes: {value}"
    question = next((q for q in section.questions if q.text == change.what), None)
    if question is None:
        return NOT_ANSWERED if value is None else str(value)
    return answer_words(question, cast(Answer, value))


# Markdown escaping ------------------------------------------------------------------


def _inline(text: str) -> str:
    """Text on one line (a name, a title), escaped."""
    return _escaped_line(" ".join(text.split()))


def _block(text: str) -> str:
    """Text that may run to several lines, escaped, its line breaks kept.

    A blank line stays a paragraph break; leading spaces go, as Markdown would read
    four of them as code.
    """
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        line = line.strip()
        if line:
            paragraphs[-1].append(_escaped_line(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    kept = [HARD_BREAK.join(p) for p in paragraphs if p]
    return "\n\n".join(kept) or _escaped_line(NOT_ANSWERED)


def _listed(text: str) -> str:
    """Escaped text inside a list item: its later lines indented to stay in the item."""
    return "\n".join(f"  {line}" if line and i else line for i, line in enumerate(text.split("\n")))


def _escaped_line(line: str) -> str:
    line = _INLINE.sub(lambda m: "\\" + m.group(0), line)
    return _LINE_START.sub(_escaped_start, line)


def _escaped_start(match: re.Match[str]) -> str:
    """A number stays a number ("1\\.", not a list), a dash a dash ("\\-", not a bullet)."""
    found = match.group(0)
    return f"{found}\\" if found.isdigit() else f"\\{found}"
