"""Assessment templates: sections of questions, kept as data in TOML or JSON files.

A template is validated whole before anything uses it, and every problem is named with
where it is ("section 'accommodation', question 'tonight': ..."), so a service writing
its own template can put each one right. The built-in template covers the reducing-
reoffending pathways; a service adds its own by dropping a file into the templates
folder of its data directory (see `storage.templates`).

A section with a `pathway` carries the standard ratings besides its questions: the
keyworker's need level, an immediate-need marker, the person's own rating from 1 to 10,
motivation to change, strengths and notes. Those are what "distance travelled" compares,
so they are the same in every template.

Questions may be shown only when an earlier answer matches (`show_when`).
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from keyworker.errors import KeyworkerError
from keyworker.vocabulary import PATHWAYS, Vocabulary

FORMAT = "keyworker-assessment-template"
QUESTION_KINDS = Vocabulary(
    "question kind",
    [
        ("yes_no", "Yes or no"),
        ("single_choice", "One of a list"),
        ("multiple_choice", "Any of a list"),
        ("scale", "A number on a scale"),
        ("number", "A number"),
        ("date", "A date"),
        ("short_text", "A few words"),
        ("long_text", "Some sentences"),
    ],
)
QuestionKind = Literal[
    "yes_no",
    "single_choice",
    "multiple_choice",
    "scale",
    "number",
    "date",
    "short_text",
    "long_text",
]
CHOICE_KINDS = ("single_choice", "multiple_choice")
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Words = Annotated[str, Field(min_length=1, max_length=300)]
Answer = bool | int | float | str | list[str]
"""What an answer holds, by question kind: yes_no bool, single_choice a choice's code,
multiple_choice a list of codes, scale an int, number an int or float, date ISO text
("2026-11-22"; `Question.check` turns a date into it), short_text and long_text a str."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 10_000


class TemplateProblem(KeyworkerError):
    """A template file that cannot be used; `problems` lists each thing wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"The assessment template {source} has {count}: {problems[0]}")


class _Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True, frozen=True)


class Choice(_Part):
    code: Code
    label: Words


class ShowWhen(_Part):
    """Show a question only when an earlier question's answer matches.

    `equals` for yes or no (true or false), one choice, or a number; `any_of` for
    choices: it matches when the answer is, or (for any of a list) includes, one of them.
    """

    question: Code
    equals: Any = None
    any_of: list[Code] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> ShowWhen:
        if self.equals is not None and not isinstance(self.equals, bool | int | str):
            raise ValueError(
                "show_when `equals` must be true or false, a whole number or a choice's code"
            )
        if (self.equals is None) == (self.any_of is None):
            raise ValueError("show_when needs either `equals` or `any_of`, not both or neither")
        if self.any_of is not None and not self.any_of:
            raise ValueError("show_when `any_of` needs at least one choice")
        return self

    def matches(self, answer: object) -> bool:
        if answer is None:
            return False
        if self.any_of is not None:
            given = answer if isinstance(answer, list) else [answer]
            return any(code in self.any_of for code in given)
        if isinstance(self.equals, bool) or isinstance(answer, bool):
            return answer is self.equals
        return answer == self.equals


class Question(_Part):
    id: Code
    text: Words
    kind: QuestionKind
    required: bool = False
    help: str = Field("", max_length=1000)
    choices: list[Choice] = []
    min: int | None = None
    max: int | None = None
    show_when: ShowWhen | None = None

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Question:
        if self.kind in CHOICE_KINDS:
            if len(self.choices) < 2:
                raise ValueError(
                    f"a {self.kind.replace('_', ' ')} question needs two choices or more"
                )
            codes = [c.code for c in self.choices]
            repeated = sorted({c for c in codes if codes.count(c) > 1})
            if repeated:
                raise ValueError(f"choice codes must differ; repeated: {', '.join(repeated)}")
        elif self.choices:
            raise ValueError(
                f"only choice questions have choices, not {self.kind.replace('_', ' ')}"
            )
        if self.kind not in ("scale", "number") and (self.min is not None or self.max is not None):
            raise ValueError("only scale and number questions have min and max")
        if self.kind == "scale" and (self.min is None or self.max is None):
            raise ValueError("a scale question needs min and max, such as 1 and 10")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be less than max ({self.max})")
        return self

    def choice_label(self, code: str) -> str:
        return next((c.label for c in self.choices if c.code == code), code)

    def check(self, answer: object) -> Answer:
        """The answer as kept, if it fits this question; otherwise ValueError in plain words."""
        kind = self.kind
        if kind == "yes_no":
            if not isinstance(answer, bool):
                raise ValueError("answer yes or no")
        elif kind == "single_choice":
            if not isinstance(answer, str) or answer not in {c.code for c in self.choices}:
                raise ValueError("choose one of the answers listed")
        elif kind == "multiple_choice":
            codes = {c.code for c in self.choices}
            if not isinstance(answer, list) or not all(
                isinstance(a, str) and a in codes for a in answer
            ):
                raise ValueError("choose from the answers listed")
            if len(set(answer)) != len(answer):
                raise ValueError("each answer can be chosen once")
        elif kind in ("scale", "number"):
            whole = kind == "scale"
            if isinstance(answer, bool) or not isinstance(answer, int | float):
                raise ValueError("must be a number")
            if whole and not isinstance(answer, int):
                raise ValueError("must be a whole number")
            if self.min is not None and answer < self.min:
                raise ValueError(f"must be {self.min} or more")
            if self.max is not None and answer > self.max:
                raise ValueError(f"must be {self.max} or less")
        elif kind == "date":
            # Kept as ISO text ("2026-11-22"), so an answer reads back as it was saved.
            if isinstance(answer, datetime):
                return answer.date().isoformat()
            if isinstance(answer, date):
                return answer.isoformat()
            if not isinstance(answer, str) or not _ISO_DATE.fullmatch(answer):
                raise ValueError("must be a date")
            try:
                return date.fromisoformat(answer).isoformat()
            except ValueError:
                raise ValueError("must be a date") from None
        else:
            limit = SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
            if not isinstance(answer, str):
                raise ValueError("must be text")
            if kind == "short_text" and ("\n" in answer or "\r" in answer):
                raise ValueError("must be on one line")
            if len(answer) > limit:
                raise ValueError(f"is too long: {limit:,} characters at most")
        return answer  # type: ignore[return-value]


class Section(_Part):
    id: Code
    title: Words
    pathway: Code | None = None
    specialist: bool = False
    """A section a service can switch off (women's services' specialist areas)."""
    help: str = Field("", max_length=1000)
    questions: list[Question] = []

    @model_validator(mode="after")
    def _known_pathway(self) -> Section:
        if self.pathway is not None and self.pathway not in PATHWAYS:
            raise ValueError(
                f"pathway '{self.pathway}' is not known (known: {', '.join(PATHWAYS.codes)})"
            )
        if self.pathway is None and not self.questions:
            raise ValueError("a section without a pathway needs at least one question")
        return self

    @property
    def rated(self) -> bool:
        """Whether the section carries the standard ratings (it has a pathway)."""
        return self.pathway is not None


class Template(_Part):
    format: Literal["keyworker-assessment-template"] = FORMAT
    id: Code
    version: int = Field(ge=1)
    title: Words
    description: str = Field("", max_length=2000)
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        problems: list[str] = []
        section_ids = [s.id for s in self.sections]
        for repeated in sorted({i for i in section_ids if section_ids.count(i) > 1}):
            problems.append(f"section id '{repeated}' is used more than once")
        seen: dict[str, Question] = {}
        for section in self.sections:
            for question in section.questions:
                where = f"section '{section.id}', question '{question.id}'"
                if question.id in seen:
                    problems.append(f"{where}: the id is already used by an earlier question")
                condition = question.show_when
                if condition is not None:
                    problems.extend(_condition_problems(where, condition, seen))
                seen[question.id] = question
        if problems:
            raise ValueError("\n".join(problems))  # one problem a line; see _located
        return self

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def question(self, question_id: str) -> Question:
        for section in self.sections:
            for question in section.questions:
                if question.id == question_id:
                    return question
        raise KeyError(question_id)

    def visible_answers(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers to questions shown, given all of them: hidden ones count for nothing."""
        kept = dict(answers)
        for section in self.sections:
            shown = {q.id for q in visible_questions(section, kept)}
            for question in section.questions:
                if question.id not in shown:
                    kept.pop(question.id, None)
        return kept

    def sections_for(self, switched_off: frozenset[str] = frozenset()) -> list[Section]:
        """The sections to ask, leaving out specialist ones the service switched off."""
        return [s for s in self.sections if not (s.specialist and s.id in switched_off)]

    @property
    def key(self) -> tuple[str, int]:
        return self.id, self.version


def _condition_problems(where: str, condition: ShowWhen, earlier: dict[str, Question]) -> list[str]:
    target = earlier.get(condition.question)
    if target is None:
        return [
            f"{where}: show_when refers to '{condition.question}', which is not an earlier question"
        ]
    if condition.any_of is not None:
        if target.kind not in CHOICE_KINDS:
            return [f"{where}: show_when `any_of` only works with a choice question"]
        unknown = [c for c in condition.any_of if c not in {x.code for x in target.choices}]
        if unknown:
            missing = ", ".join(unknown)
            return [f"{where}: show_when names choices '{target.id}' does not have: {missing}"]
        return []
    try:
        target.check(condition.equals)
    except ValueError as exc:
        return [f"{where}: show_when `equals` cannot be an answer to '{target.id}' ({exc})"]
    return []


def visible_questions(section: Section, answers: dict[str, Any]) -> list[Question]:
    """The section's questions to show, given every answer so far (across sections).

    An answer to a question that is itself hidden counts for nothing, so a follow-up of
    a hidden question stays hidden. For answers in other sections, pass the answers
    `Template.visible_answers` leaves.
    """
    answers = dict(answers)
    shown = []
    for q in section.questions:
        if q.show_when is None or q.show_when.matches(answers.get(q.show_when.question)):
            shown.append(q)
        else:
            answers.pop(q.id, None)
    return shown


# Reading template files --------------------------------------------------------------------


def parse_template(text: str, source: str, *, suffix: str = ".toml") -> Template:
    """A template from a file's text, or TemplateProblem naming everything wrong with it."""
    try:
        data = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"line {exc.lineno}: this is not valid JSON ({exc.msg})"
        raise TemplateProblem(source, [problem]) from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateProblem(source, [f"this is not valid TOML: {exc}"]) from None
    if not isinstance(data, dict):
        raise TemplateProblem(source, ["the file must hold one template, as a table of keys"])
    return template_from_data(data, source)


@cache
def builtin_template() -> Template:
    """The built-in needs assessment, read from the package: for code with no caseload.

    `storage.templates` offers it alongside a service's own templates.
    """
    item = resources.files("keyworker.builtin_templates").joinpath("reducing_reoffending.toml")
    return parse_template(item.read_text(encoding="utf-8"), item.name)


def template_from_data(data: dict[str, Any], source: str) -> Template:
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateProblem(source, _located(exc, data)) from None


def _located(exc: ValidationError, data: dict[str, Any]) -> list[str]:
    """Pydantic's errors as "section 'x', question 'y': message" lines."""
    problems = []
    for error in exc.errors(include_url=False):
        where = _where(error["loc"], data)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "value_error" and "\n" in message:
            problems.extend(f"{where}: {m}" if where else m for m in message.split("\n"))
            continue
        if error["type"] == "missing":
            message = f"`{error['loc'][-1]}` is missing"
        elif error["type"] == "extra_forbidden":
            message = f"`{error['loc'][-1]}` is not a template key (check its spelling)"
        elif error["type"] == "literal_error" and error["loc"][-1] == "kind":
            message = f"kind must be one of: {', '.join(QUESTION_KINDS.codes)}"
        elif error["type"] == "string_pattern_mismatch":
            message = f"`{error['loc'][-1]}` must be lower case letters, digits and _"
        elif error["loc"] and isinstance(error["loc"][-1], str) and error["type"] != "value_error":
            message = f"`{error['loc'][-1]}`: {message}"
        problems.append(f"{where}: {message}" if where else message)
    return problems


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for i, step in enumerate(loc):
        if isinstance(step, int) and i > 0 and loc[i - 1] in ("sections", "questions", "choices"):
            kind = {"sections": "section", "questions": "question", "choices": "choice"}[
                str(loc[i - 1])
            ]
            item = node[step] if isinstance(node, list) and step < len(node) else None
            name = item.get("id") or item.get("code") if isinstance(item, dict) else None
            parts.append(f"{kind} '{name}'" if isinstance(name, str) else f"{kind} {step + 1}")
            node = item
        elif isinstance(node, dict):
            node = node.get(step)
    return ", ".join(parts)
