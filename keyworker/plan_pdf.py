"""The person's own copy of their action plan, as a PDF to print or send them.

Written to the person ("My action plan", "Me", "My keyworker") in plain words: the goals
still being worked on (now, then later), their steps with who does each and by when,
when the plan will be looked at again and whether the person agreed it. Nothing else
from the record goes in: no case notes, risk flags or assessment detail, and no pathway
names either (a heading such as "Domestic and sexual abuse" on a page left lying about
could put the person at risk; the goal's own words, agreed with them, say enough).

A name in any alphabet prints, with the DejaVu Sans font shipped in `keyworker/fonts`.
The file's metadata carries no name, and the output is the same bytes for the same plan
on the same day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from uuid import UUID

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from keyworker.plans import Goal, Plan, Step

FONT = "DejaVu"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9-]+")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NBSP = "\u00a0"
_PAGES = "\x1f\x1f"
"""Stands for the number of pages until the end: characters no plan can hold, where
fpdf2's usual "{nb}" could be typed into a step and be replaced by a number."""
_SEPARATOR = f"{NBSP}{NBSP}·{NBSP} "
"""Between the parts of a step's details: the dot stays with the part before it."""
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

INK = (26, 26, 26)
HEADING_INK = (22, 50, 92)
PANEL = (236, 241, 247)

_STEP_STATUS_WORDS = {
    "not_started": "",
    "in_progress": "Started",
    "cannot_yet": "Cannot be done yet",
}
"""A step's status said to the person. One not started has an empty box and no words; a
completed step says "Done on ..."; a step no longer needed is left out of their copy."""


@dataclass(frozen=True)
class _Sizes:
    """Type sizes in points, and the spacing that goes with them in millimetres."""

    title: float
    heading: float
    goal: float
    body: float
    margin: float
    label_width: float
    box: float

    def line(self, points: float) -> float:
        """A comfortable line height for text of this size: 1.3 times its size."""
        return points * 0.3528 * 1.3


STANDARD = _Sizes(title=24, heading=17, goal=14, body=12, margin=16, label_width=38, box=4.2)
LARGE = _Sizes(title=30, heading=21, goal=18, body=16, margin=13, label_width=50, box=5.5)


def long_day(value: date) -> str:
    """22 November 2026: the way a letter writes a date, with no reading of 22/11 needed."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def plan_file_name(case_ref: str, today: date) -> str:
    """KW-7F3Q2-action-plan-2026-11-22.pdf: the case reference, never the person's name.

    The file may be emailed or left in a downloads folder, where a name in the file name
    is seen by anyone who glances at it.
    """
    ref = _UNSAFE_IN_FILE_NAME.sub("-", case_ref).strip("-") or "client"
    return f"{ref}-action-plan-{today.isoformat()}.pdf"


def who_does(step: Step, agencies: Mapping[UUID, str]) -> str:
    """Who does a step, said to the person: "Me", "My keyworker", an agency or a person."""
    if step.who == "person":
        return "Me"
    if step.who == "keyworker":
        return "My keyworker"
    if step.who == "agency":
        named = agencies.get(step.refer_to) if step.refer_to else None
        return named or step.who_detail or "A support service"
    return step.who_detail or "Someone else"


def agreement_sentence(plan: Plan) -> str:
    """Whether the person agreed the plan, in their words, and whether it changed since."""
    last = plan.agreement
    if last is None:
        return "We have not yet gone through this plan together to agree it."
    on = long_day(last.on)
    said = {
        "agreed": f"I agreed this plan on {on}.",
        "did_not_agree": f"When we went through this plan on {on}, I did not agree with it.",
        "could_not_answer": f"On {on} I could not say whether I agree with this plan.",
    }[last.answer]
    if last.revision < plan.goals_revised:
        said += " It has changed since, so we will go through it together again."
    return said


def step_details(step: Step, agencies: Mapping[UUID, str]) -> list[tuple[str, str]]:
    """What goes under a step's words, as (label, words): who, by when, how it stands.

    A done step says so in words ("Done on 12 November 2026"), not only with its tick.
    """
    parts = [("Who: ", who_does(step, agencies))]
    if step.status == "completed" and step.completed_on is not None:
        return [*parts, ("Done ", f"on {long_day(step.completed_on)}")]
    if step.target_date is not None:
        parts.append(("By: ", long_day(step.target_date)))
    status = _STEP_STATUS_WORDS[step.status]
    return [*parts, ("", status)] if status else parts


def plan_pdf(
    plan: Plan,
    *,
    person_name: str,
    keyworker_name: str,
    service: str,
    agencies: Mapping[UUID, str],
    today: date,
    large_text: bool = False,
) -> bytes:
    """The plan as the person's own copy: a PDF of one or two A4 pages for a typical plan.

    Args:
        plan: the plan as it stands (its latest revision).
        person_name: the name the person goes by, printed under the title.
        keyworker_name: their keyworker, named in the closing line.
        service: the service the keyworker works for.
        agencies: agency names by id, for steps an agency in the directory does.
        today: the day the copy is made; printed, and the file's creation date.
        large_text: 16 point text for a person who finds small print hard to read; a
            long plan then runs to more pages rather than anything being left out.
    """
    sizes = LARGE if large_text else STANDARD
    with _document(sizes, today) as pdf:
        writer = _Writer(pdf, sizes)
        writer.title(person_name)
        writer.facts(
            [
                ("My keyworker", ", ".join(p for p in (keyworker_name, service) if p)),
                (
                    "Next review",
                    _review_words(plan.review_date) if plan.review_date else "To be agreed",
                ),
                ("Agreement", agreement_sentence(plan)),
            ]
        )
        writer.heading("What I want to achieve")
        live = [g for g in plan.goals if g.is_live]
        if not live:
            writer.paragraph("No goals yet: we will agree them together.")
        number = 0
        for status, label in (("active", "Working on now"), ("future", "For later")):
            goals = [g for g in live if g.status == status]
            if goals:
                writer.group(label, keep_with=writer.goal_height(goals[0], agencies))
            for goal in goals:
                number += 1
                writer.goal(number, goal, agencies)
        achieved = [g for g in plan.goals if g.status == "achieved"]
        if achieved:
            writer.heading("Already achieved")
            for goal in achieved:
                writer.achieved(goal)
        writer.closing(keyworker_name, service)
        return bytes(pdf.output())


def _review_words(day: date) -> str:
    """Monday 22 February 2027: the weekday helps to remember it."""
    return f"{_WEEKDAYS[day.weekday()]} {long_day(day)}"


class _PlanDocument(FPDF):
    footer_size = 9
    made_on = ""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", self.footer_size)
        self.set_text_color(*INK)
        self.cell(
            0,
            5,
            f"My action plan, made on {self.made_on}  ·  page {self.page_no()} of {_PAGES}",
            align="C",
        )


@contextmanager
def _document(sizes: _Sizes, today: date) -> Iterator[FPDF]:
    pdf = _PlanDocument(orientation="portrait", unit="mm", format="A4")
    pdf.footer_size = sizes.body - 3
    pdf.made_on = long_day(today)
    pdf.alias_nb_pages(_PAGES, align="L")
    pdf.set_title("Action plan")
    pdf.set_creator("Keyworker Assistant")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(datetime(today.year, today.month, today.day, tzinfo=UTC))
    pdf.set_margins(sizes.margin, sizes.margin, sizes.margin)
    pdf.set_auto_page_break(True, margin=16)
    pdf.c_margin = 0
    fonts = resources.files("keyworker") / "fonts"
    with ExitStack() as stack:
        for style, name in _FONT_FILES.items():
            pdf.add_font(FONT, style, stack.enter_context(resources.as_file(fonts / name)))
        pdf.set_text_color(*INK)
        pdf.add_page()
        yield pdf


class _Writer:
    """Lays the plan out down the page, keeping each block whole where it can."""

    def __init__(self, pdf: FPDF, sizes: _Sizes) -> None:
        self.pdf = pdf
        self.sizes = sizes

    @property
    def width(self) -> float:
        return self.pdf.epw

    def title(self, person_name: str) -> None:
        pdf, s = self.pdf, self.sizes
        pdf.set_font(FONT, "B", s.title)
        pdf.set_text_color(*HEADING_INK)
        self._text("My action plan", s.title, align="L")
        pdf.set_font(FONT, "", s.goal)
        pdf.set_text_color(*INK)
        if person_name:
            self._text(person_name, s.goal, align="L")
        pdf.ln(s.line(s.body) * 0.6)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        """Label and value pairs on a tinted panel with a rule down its left side."""
        pdf, s = self.pdf, self.sizes
        pad = s.line(s.body) * 0.55
        value_width = self.width - s.label_width - 2 * pad
        pdf.set_font(FONT, "", s.body)
        heights = [self._height(value, value_width, s.body) for _, value in rows]
        gap = s.line(s.body) * 0.3
        total = sum(heights) + gap * (len(rows) - 1) + 2 * pad
        top, left = pdf.get_y(), pdf.l_margin
        pdf.set_fill_color(*PANEL)
        pdf.rect(left, top, self.width, total, style="F")
        pdf.set_fill_color(*HEADING_INK)
        pdf.rect(left, top, 1.2, total, style="F")
        y = top + pad
        for (label, value), height in zip(rows, heights, strict=True):
            pdf.set_xy(left + pad, y)
            pdf.set_font(FONT, "B", s.body)
            pdf.cell(s.label_width, s.line(s.body), label)
            pdf.set_xy(left + pad + s.label_width, y)
            pdf.set_font(FONT, "", s.body)
            pdf.multi_cell(value_width, s.line(s.body), value, align="L")
            y += height + gap
        pdf.set_xy(left, top + total)
        pdf.ln(s.line(s.body) * 0.8)

    def heading(self, words: str) -> None:
        pdf, s = self.pdf, self.sizes
        self._keep(s.line(s.heading) + 3 * s.line(s.body))
        pdf.set_font(FONT, "B", s.heading)
        pdf.set_text_color(*HEADING_INK)
        self._text(words, s.heading, align="L")
        y = pdf.get_y() + 0.8
        pdf.set_draw_color(*HEADING_INK)
        pdf.set_line_width(0.5)
        pdf.line(pdf.l_margin, y, pdf.l_margin + self.width, y)
        pdf.set_text_color(*INK)
        pdf.ln(s.line(s.body) * 0.6)

    def group(self, words: str, keep_with: float) -> None:
        """ "Working on now" or "For later", kept on a page with the goal that follows."""
        pdf, s = self.pdf, self.sizes
        self._keep(s.line(s.body) + keep_with)
        pdf.set_font(FONT, "B", s.body)
        pdf.set_text_color(*HEADING_INK)
        self._text(words, s.body, align="L")
        pdf.set_text_color(*INK)
        pdf.ln(s.line(s.body) * 0.25)

    def goal_height(self, goal: Goal, agencies: Mapping[UUID, str]) -> float:
        """The height of a goal's heading and its first step: kept together on a page."""
        s = self.sizes
        self.pdf.set_font(FONT, "B", s.goal)
        height = self._height(goal.words, self.width - self._indent(), s.goal)
        height += s.line(s.body) * 2
        steps = _shown_steps(goal)
        if steps:
            height += self._step_height(steps[0], agencies)
        return height

    def goal(self, number: int, goal: Goal, agencies: Mapping[UUID, str]) -> None:
        pdf, s = self.pdf, self.sizes
        self._keep(self.goal_height(goal, agencies))
        indent = self._indent()
        left = pdf.l_margin
        pdf.set_font(FONT, "B", s.goal)
        label = f"{number}."
        words_at = max(indent, pdf.get_string_width(label) + s.box * 0.5)
        pdf.cell(words_at, s.line(s.goal), label)
        pdf.set_x(left + words_at)
        pdf.multi_cell(self.width - words_at, s.line(s.goal), goal.words, align="L")
        pdf.set_font(FONT, "", s.body)
        if goal.target_date is not None:
            pdf.set_x(left + indent)
            aim = f"I aim to do this by {long_day(goal.target_date)}."
            pdf.multi_cell(self.width - indent, s.line(s.body), aim, align="L")
        pdf.ln(s.line(s.body) * 0.2)
        pdf.set_x(left + indent)
        pdf.set_font(FONT, "B", s.body)
        pdf.cell(0, s.line(s.body), "Steps", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        steps = _shown_steps(goal)
        if not steps:
            pdf.set_font(FONT, "", s.body)
            pdf.set_x(left + indent)
            pdf.multi_cell(
                self.width - indent,
                s.line(s.body),
                "No steps yet: we will agree them together.",
                align="L",
            )
        for step in steps:
            self.step(step, agencies)
        pdf.ln(s.line(s.body) * 0.7)

    def step(self, step: Step, agencies: Mapping[UUID, str]) -> None:
        """A box (ticked when done), the step's words, then who, by when and how it stands."""
        pdf, s = self.pdf, self.sizes
        self._keep(self._step_height(step, agencies))
        indent = self._indent()
        text_x = pdf.l_margin + indent + s.box * 2
        text_width = pdf.l_margin + self.width - text_x
        top = pdf.get_y() + 0.4
        box_top = top + (s.line(s.body) - s.box) / 2
        self._box(pdf.l_margin + indent, box_top, ticked=step.status == "completed")
        pdf.set_xy(text_x, top)
        pdf.set_font(FONT, "", s.body)
        pdf.multi_cell(text_width, s.line(s.body), step.what, align="L")
        self._labelled(text_x, step_details(step, agencies))
        pdf.ln(s.line(s.body) * 0.3)

    def _labelled(self, x: float, parts: list[tuple[str, str]]) -> None:
        """ "Who: Me · By: 30 November 2026 · Started" with the labels in bold, each line
        starting at `x`, a part moved whole to the next line when it does not fit."""
        pdf, s = self.pdf, self.sizes
        height = s.line(s.body)
        margin = pdf.l_margin
        lines = self._detail_lines(parts, margin + self.width - x)
        pdf.set_left_margin(x)
        pdf.set_x(x)
        for number, line in enumerate(lines):
            if number:
                pdf.ln(height)
            for index, (label, words) in enumerate(line):
                if index:
                    pdf.set_font(FONT, "", s.body)
                    pdf.write(height, _SEPARATOR)
                if label:
                    pdf.set_font(FONT, "B", s.body)
                    pdf.write(height, label)
                pdf.set_font(FONT, "", s.body)
                pdf.write(height, words)
        pdf.set_left_margin(margin)
        pdf.ln(height)

    def _detail_lines(
        self, parts: list[tuple[str, str]], width: float
    ) -> list[list[tuple[str, str]]]:
        """The parts grouped into the lines they print on, in `width`."""
        pdf, s = self.pdf, self.sizes
        pdf.set_font(FONT, "", s.body)
        gap = pdf.get_string_width(_SEPARATOR)
        lines: list[list[tuple[str, str]]] = [[]]
        used = 0.0
        for label, words in parts:
            words = _unbroken(words)
            wide = self._part_width(label, words)
            if lines[-1] and used + gap + wide > width:
                lines.append([])
                used = 0.0
            used += (gap if lines[-1] else 0.0) + wide
            lines[-1].append((label, words))
        return lines

    def _part_width(self, label: str, words: str) -> float:
        pdf, s = self.pdf, self.sizes
        pdf.set_font(FONT, "B", s.body)
        wide = pdf.get_string_width(label)
        pdf.set_font(FONT, "", s.body)
        return wide + pdf.get_string_width(words)

    def achieved(self, goal: Goal) -> None:
        pdf, s = self.pdf, self.sizes
        indent = self._indent()
        when = f" (achieved on {long_day(goal.achieved_on)})" if goal.achieved_on else ""
        text = f"{goal.words}{when}"
        self._keep(self._height(text, self.width - indent, s.body))
        top = pdf.get_y() + 0.4
        self._box(pdf.l_margin, top + (s.line(s.body) - s.box) / 2, ticked=True)
        pdf.set_xy(pdf.l_margin + indent, top)
        pdf.set_font(FONT, "", s.body)
        pdf.multi_cell(self.width - indent, s.line(s.body), text, align="L")
        pdf.ln(s.line(s.body) * 0.3)

    def paragraph(self, text: str) -> None:
        self.pdf.set_font(FONT, "", self.sizes.body)
        self._text(text, self.sizes.body, align="L")
        self.pdf.ln(self.sizes.line(self.sizes.body) * 0.5)

    def closing(self, keyworker_name: str, service: str) -> None:
        pdf, s = self.pdf, self.sizes
        pdf.ln(s.line(s.body) * 0.3)
        who = "my keyworker"
        if keyworker_name:
            who = f"{keyworker_name}, my keyworker"
            if service:
                who += f" at {service}"
        text = f"If anything here is wrong, or I want to change it, I can talk to {who}."
        self._keep(self._height(text, self.width, s.body))
        pdf.set_font(FONT, "", s.body)
        self._text(text, s.body, align="L")

    def _box(self, x: float, y: float, *, ticked: bool) -> None:
        """A tick box: a tick is drawn in it when done (the words say "Done" too)."""
        pdf, size = self.pdf, self.sizes.box
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.35)
        pdf.rect(x, y, size, size)
        if ticked:
            pdf.set_line_width(0.7)
            pdf.polyline(
                [
                    (x + size * 0.18, y + size * 0.52),
                    (x + size * 0.42, y + size * 0.78),
                    (x + size * 0.86, y + size * 0.2),
                ]
            )

    def _indent(self) -> float:
        return self.sizes.box * 1.7

    def _step_height(self, step: Step, agencies: Mapping[UUID, str]) -> float:
        s = self.sizes
        width = self.width - self._indent() - s.box * 2
        self.pdf.set_font(FONT, "", s.body)
        height = self._height(step.what, width, s.body)
        return height + self._details_height(step_details(step, agencies), width)

    def _details_height(self, parts: list[tuple[str, str]], width: float) -> float:
        """How tall `_labelled` prints `parts`; a part too wide for a line of its own (a
        long agency name) is allowed an extra line for where its words wrap."""
        lines = self._detail_lines(parts, width)
        count = len(lines)
        for line in lines:
            wide = sum(self._part_width(label, words) for label, words in line)
            if wide > width:
                count += int(wide // width) + 1
        return count * self.sizes.line(self.sizes.body)

    def _height(self, text: str, width: float, points: float) -> float:
        """How tall `text` prints in the current font, wrapped to `width`."""
        return self.pdf.multi_cell(
            width,
            self.sizes.line(points),
            text,
            align="L",
            dry_run=True,
            output=MethodReturnValue.HEIGHT,
        )

    def _keep(self, height: float) -> None:
        """Start a new page unless `height` fits on this one, so a block is not split.

        A block taller than a whole page starts where it is and runs on.
        """
        at_top = self.pdf.get_y() <= self.pdf.t_margin + 0.1
        if not at_top and self.pdf.will_page_break(height):
            self.pdf.add_page()

    def _text(self, text: str, points: float, align: str) -> None:
        self.pdf.multi_cell(
            0, self.sizes.line(points), text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )


def _unbroken(words: str) -> str:
    """A date or a status kept on one line; longer words (an agency's name) may wrap."""
    return words.replace(" ", NBSP) if len(words) <= 30 else words


def _shown_steps(goal: Goal) -> list[Step]:
    """The steps the person sees: all but those no longer needed."""
    return [step for step in goal.steps if step.status != "not_needed"]
