"""Finding assessment templates: the built-in ones, and a service's own in its folder.

A service adds a template by putting a `.toml` or `.json` file in the `templates` folder
of the caseload folder. Templates hold questions, never personal data, so they are plain
files. A file that cannot be used is reported and skipped: it never stops the app. The
highest version of each template is offered; a service's file may replace a built-in
template by giving it a higher version. Assessments keep the template version they were
made with in the caseload itself, so old versions need not stay in the folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from keyworker.templates import Template, TemplateProblem, parse_template
from storage.files import CaseloadPaths

FOLDER = "templates"
SUFFIXES = (".toml", ".json")
MAX_TEMPLATE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class TemplateLibrary:
    """The templates on offer, newest version of each id, and problems with any files."""

    templates: dict[str, Template]
    problems: list[TemplateProblem] = field(default_factory=list)

    def get(self, template_id: str) -> Template | None:
        return self.templates.get(template_id)

    def sorted(self) -> list[Template]:
        """Built-in needs assessment first, then the rest by title."""
        return sorted(
            self.templates.values(), key=lambda t: (t.id != BUILT_IN_ID, t.title.casefold())
        )


BUILT_IN_ID = "reducing_reoffending"


def templates_folder(paths: CaseloadPaths) -> Path:
    return paths.home / FOLDER


def read_template_file(path: Path) -> Template:
    """One template file, or TemplateProblem saying why it cannot be used."""
    source = path.name
    if path.suffix.lower() not in SUFFIXES:
        raise TemplateProblem(source, ["a template file's name must end in .toml or .json"])
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateProblem(source, ["the file is too big to be a template (over 1 MB)"])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateProblem(source, ["the file is not text (UTF-8)"]) from None
    except OSError as exc:
        reason = (exc.strerror or "it cannot be read").lower()
        raise TemplateProblem(source, [f"cannot read the file: {reason}"]) from None
    return parse_template(text, source, suffix=path.suffix.lower())


def built_in() -> list[Template]:
    folder = resources.files("keyworker.builtin_templates")
    found = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.endswith(SUFFIXES):
            suffix = "." + item.name.rsplit(".", 1)[1]
            found.append(parse_template(item.read_text(encoding="utf-8"), item.name, suffix=suffix))
    return found


def load_library(paths: CaseloadPaths | None) -> TemplateLibrary:
    """Built-in templates and the service's own; unusable files are reported, not fatal."""
    templates = {t.id: t for t in built_in()}
    problems: list[TemplateProblem] = []
    folder = templates_folder(paths) if paths is not None else None
    if folder is None or not folder.is_dir():
        return TemplateLibrary(templates)
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    except OSError as exc:
        reason = (exc.strerror or "it cannot be read").lower()
        problem = TemplateProblem(str(folder), [f"cannot read the templates folder: {reason}"])
        return TemplateLibrary(templates, [problem])
    for path in files:
        try:
            template = read_template_file(path)
        except TemplateProblem as problem:
            problems.append(problem)
            continue
        known = templates.get(template.id)
        if known is not None and known.version == template.version:
            problems.append(
                TemplateProblem(
                    path.name,
                    [
                        f"template '{template.id}' version {template.version} is already "
                        "there; give a changed template a higher version number"
                    ],
                )
            )
            continue
        if known is not None and known.version > template.version:
            continue  # an older version: assessments made with it keep their own copy
        templates[template.id] = template
    return TemplateLibrary(templates, problems)
