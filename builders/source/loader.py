"""A course folder (course.yml, lessons/*.md, glossary.yml, media/) -> a validated Course.

Every problem is collected with its file and line; :func:`load_course` raises one
:class:`SourceError` listing them all, or returns the course and its warnings.
Nothing outside the course folder is ever read, and nothing is fetched from the network.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostic, Report, SourceError
from ..model import (
    GLOSSARY,
    Course,
    GlossaryEntry,
    Lesson,
    SourcePos,
    SourceText,
    Strings,
)
from ..shared import ids as id_of
from ..shared.strings import direction_of
from . import nesting, schema, settings
from .callouts import STRING_KEYS as CALLOUT_STRINGS
from .fields import Fields, kind
from .glossary import GlossaryLinker
from .markdown import LessonHooks, Renderer, slugify
from .media import MediaLoader
from .outputs import outputs
from .quiz import SLUG_RE, SLUG_RULE, QuizReader
from .reading import further_reading
from .textfile import read_text
from .yamlpos import YamlMap, YamlSyntaxError, load

COURSE_FILE = "course.yml"
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass
class _LessonFile:
    path: Path
    rel: str
    text: str
    body: str
    body_line: int
    front: YamlMap
    id: str
    title: str


def load_course(folder: Path | str, formats: Sequence[str] | None = None) -> tuple[Course, list[Diagnostic]]:
    """Load and validate a course folder. Raises SourceError; returns (course, warnings).
    ``formats``: the output format names ``outputs:`` may list (None: not checked)."""
    return _Loader(Path(folder), formats).load()


class _Loader:
    def __init__(self, folder: Path, formats: Sequence[str] | None = None) -> None:
        self.root = folder.absolute()
        self.formats = formats
        self.report = Report()
        self.renderer = Renderer()
        self.media = MediaLoader(self.root, self.report)
        self.pending_links: list[tuple[str, SourcePos, str]] = []
        """Links to headings, checked once every lesson's ids are known."""
        self.ids_of: dict[str, list[str]] = {}
        self.linked: dict[str, list[str]] = {}
        """Lesson id -> glossary anchors it links to."""
        self.lesson_ids_by_path: dict[Path, str] = {}
        self.unreadable: set[Path] = set()
        """Lesson files that failed to load: links to them are not reported again."""
        self.texts: list[SourceText] = []

    def fail_if_errors(self) -> None:
        if self.report.errors:
            raise SourceError(self.report.sorted())

    def load(self) -> tuple[Course, list[Diagnostic]]:
        course_file = self.root / COURSE_FILE
        if not self.root.is_dir():
            self.report.error(SourcePos(self.root), "no such course folder")
            self.fail_if_errors()
        text = self.read_text(course_file, missing="no course.yml in this folder: is it a course? ('coursepack new DIR' makes one)")
        data = self.parse_yaml(text, course_file) if text is not None else None
        self.fail_if_errors()
        if data is None:
            self.report.error(SourcePos(course_file, 1), "course.yml is empty: write at least 'id:' and 'title:'")
        elif not isinstance(data, YamlMap):
            self.report.error(SourcePos(course_file, 1), f"course.yml must be a mapping of fields (id: ..., title: ...), not {kind(data)}")
        if not isinstance(data, YamlMap):
            self.fail_if_errors()
        course = self.build(Fields(data, self.report, "course.yml"), SourcePos(course_file, 1))
        self.fail_if_errors()
        return course, self.report.warnings

    def read_text(self, path: Path, missing: str) -> str | None:
        text = read_text(path, self.report, missing)
        if text is not None:
            self.texts.append(SourceText(path, text))
        return text

    def parse_yaml(self, text: str, path: Path, offset: int = 0) -> object:
        try:
            return load(text, path, offset)
        except YamlSyntaxError as exc:
            self.report.error(exc.pos, exc.message)
            return None

    def build(self, f: Fields, pos: SourcePos) -> Course:
        f.check_fields(schema.COURSE)
        course_id = f.text("id")
        if course_id and not SLUG_RE.match(course_id):
            self.report.error(f.at("id"), f"course id '{course_id}' is not valid: use {SLUG_RULE}")
        language = f.text("language", "en")
        strings = settings.strings(f, language)
        outputs(f, self.formats)
        files = self.lesson_files(f)
        glossary = self.glossary(f)
        lessons = self.lessons(files, glossary, strings)
        anchors = self.anchors(lessons, glossary)
        self.check_links(anchors)
        cover = self.cover(f)
        date, modified = settings.edition_date(f)
        authors, _ = f.text_list("authors")
        return Course(
            id=course_id, title=f.text("title"), subtitle=f.text("subtitle"), language=language,
            direction="rtl" if direction_of(language) == "rtl" else "ltr", authors=tuple(authors),
            publisher=f.text("publisher"), license=f.text("license"), version=f.text("version", "1.0.0"),
            description=f.text("description"), date=date, modified=modified, cover=cover,
            lessons=tuple(lessons), glossary=tuple(glossary), media=self.media.loaded,
            anchors=anchors, assessment=settings.assessment(f), scorm=settings.scorm(f),
            pdf=settings.pdf(f, self.media), strings=strings, root=self.root, pos=pos, texts=tuple(self.texts),
        )

    def cover(self, f: Fields) -> str | None:
        cover = f.text("cover")
        if not cover:
            return None
        return self.media.image(cover, self.root, f.at("cover"), "cover")

    # --- lessons -------------------------------------------------------------------------

    def lesson_files(self, f: Fields) -> list[_LessonFile]:
        names, listed = f.text_list("lessons")
        if "lessons" in f.data:
            targets = [(n, listed.at(i) if listed else f.at("lessons")) for i, n in enumerate(names)]
        else:
            folder = self.root / "lessons"
            targets = [(f"lessons/{p.name}", f.data.pos) for p in sorted(folder.glob("*.md"))] if folder.is_dir() else []
        if not targets and not self.report.errors:
            self.report.error(f.data.pos, "the course has no lessons: add Markdown files to lessons/ or list them under 'lessons:'")
        files: list[_LessonFile] = []
        seen: dict[str, SourcePos] = {}
        listed_at: dict[Path, SourcePos] = {}
        for name, pos in targets:
            path = self.media.inside(name, self.root, pos, "lesson")
            if path is None:
                continue
            if path.resolve() in listed_at:
                self.report.error(pos, f"lesson '{name}' is listed twice (first on line {listed_at[path.resolve()].line}): "
                                       "a lesson appears once in 'lessons:'")
                continue
            listed_at[path.resolve()] = pos
            lesson = self.lesson_file(path)
            if lesson is None:
                self.unreadable.add(path.resolve())
                continue
            self.lesson_ids_by_path[lesson.path.resolve()] = lesson.id
            if lesson.id in seen:
                first = seen[lesson.id]
                self.report.error(lesson.front.at("id"), f"duplicate lesson id '{lesson.id}' (first used at {_rel(first.path)}:{first.line})")
                continue
            seen[lesson.id] = lesson.front.at("id")
            files.append(lesson)
        return files

    def lesson_file(self, path: Path) -> _LessonFile | None:
        text = self.read_text(path, missing="lesson file not found")
        if text is None:
            return None
        if not text.startswith("---\n"):
            self.report.error(SourcePos(path, 1), "a lesson starts with front matter: a line '---', then 'id:' and 'title:', then '---'")
            return None
        end = _FRONT_MATTER_END.search(text, 4)
        if end is None:
            self.report.error(SourcePos(path, 1), "the front matter is not closed: add a line '---' after it")
            return None
        front = self.parse_yaml(text[4:end.start()], path, offset=1)
        if front is None and self.report.errors:
            return None
        if front is None:
            self.report.error(SourcePos(path, 2), "the front matter is empty: write 'id:' and 'title:' between the two '---' lines")
            return None
        if not isinstance(front, YamlMap):
            self.report.error(SourcePos(path, 2), f"the front matter must be fields (id: ..., title: ...), not {kind(front)}")
            return None
        ff = Fields(front, self.report, "lesson front matter")
        ff.check_fields(schema.FRONT_MATTER)
        lesson_id = ff.text("id")
        if lesson_id and not SLUG_RE.match(lesson_id):
            self.report.error(ff.at("id"), f"lesson id '{lesson_id}' is not valid: use {SLUG_RULE}")
        body_line = text.count("\n", 0, end.end()) + 2
        body = text[end.end() + 1:]
        return _LessonFile(path, _rel_to(path, self.root), text, body, body_line, front, lesson_id, ff.text("title"))

    def lessons(self, files: list[_LessonFile], glossary: list[GlossaryEntry], strings: Strings) -> list[Lesson]:
        linker = GlossaryLinker({e.term: e.id for e in glossary})
        quiz = QuizReader(self.renderer, self.report, {})
        lessons = []
        for number, lf in enumerate(files, start=1):
            lessons.append(self.lesson(lf, number, linker, quiz, strings))
        used = {a for lesson in lessons for a in self.linked.get(lesson.id, [])}
        for entry in glossary if not self.report.errors else []:
            if entry.id not in used:
                self.report.warning(entry.pos, f"glossary term '{entry.term}' is not used in any lesson")
        return lessons

    def lesson(self, lf: _LessonFile, number: int, linker: GlossaryLinker, quiz: QuizReader,
               strings: Strings) -> Lesson:
        media_used: list[str] = []

        def image(src: str, line: int) -> str | None:
            key = self.media.image(src, lf.path.parent, SourcePos(lf.path, line), "image")
            if key and key not in media_used:
                media_used.append(key)
            return key

        def link(href: str, line: int) -> str | None:
            return self.link(href, SourcePos(lf.path, line), lf.path.parent, lf.id)

        def link_at(href: str, pos: SourcePos) -> str | None:
            return self.link(href, pos, lf.path.parent, lf.id)

        hooks = LessonHooks(
            lesson_id=lf.id, first_line=lf.body_line, image=image, link=link,
            missing_alt=lambda src, line: self.report.error(
                SourcePos(lf.path, line), f"image '{src}' has no alt text: describe it between the brackets, ![like this]({src})"),
            raw_image=lambda src, line: self.report.error(
                SourcePos(lf.path, line), f"image '{src}' is written as HTML: use Markdown, ![alt text]({src} \"caption\")"),
            error=lambda line, message: self.report.error(SourcePos(lf.path, line), message),
            callout_labels={kind: getattr(strings, key) for kind, key in CALLOUT_STRINGS.items()},
        )
        rendered = self.renderer.lesson(lf.body, hooks, strings.notes)
        html, linked = linker.link(rendered.html)
        self.linked[lf.id] = linked
        if not rendered.html.strip() and not rendered.quizzes:
            self.report.error(SourcePos(lf.path, lf.body_line), f"lesson '{lf.id}' is empty: write its text below the front matter")
        if rendered.too_deep is not None:
            self.report.error(SourcePos(lf.path, lf.body_line + rendered.too_deep), nesting.MESSAGE)
        for line, info in rendered.misplaced_quizzes:
            self.report.error(SourcePos(lf.path, line), (
                f"a fence marked '{info}' is not read as a quiz: write ```quiz in lowercase" if info != "quiz" else
                "a quiz inside a list, a quote or a callout box is not read: start the ```quiz line at the left margin, after a blank line"))
        questions = []
        for text, line in rendered.quizzes:
            questions += quiz.read(text, line, lf.path, lf.id, len(questions) + 1, link_at)
        objectives, listed = Fields(lf.front, self.report, "lesson front matter").text_list("objectives")
        self.ids_of[lf.id] = rendered.ids
        return Lesson(
            id=lf.id, number=number, title=lf.title,
            objectives=tuple(
                self.renderer.inline(o, functools.partial(link_at, pos=listed.at(i) if listed is not None else lf.front.at("objectives")),
                                     self.math_error(listed.at(i) if listed is not None else lf.front.at("objectives")))
                for i, o in enumerate(objectives)
            ), html=html,
            sections=tuple(rendered.sections), questions=tuple(questions), media=tuple(media_used),
            source=lf.rel, pos=SourcePos(lf.path, 1), further_reading=further_reading(lf.front, self.report),
        )

    def math_error(self, pos: SourcePos) -> Callable[[str], None]:
        return lambda message: self.report.error(pos, message)

    def link(self, href: str, pos: SourcePos, base: Path, lesson_id: str | None) -> str | None:
        """A link target as written in a file of ``base`` -> the model's ``#id``, a web URL, or
        None after reporting why not. ``lesson_id``: the lesson a bare ``#heading`` is in."""
        if not href or href == "#":
            return href
        parts = urlsplit(href)
        fragment = unquote(parts.fragment)  # Markdown percent-encodes '#célèbre' as '#c%C3%A9l%C3%A8bre'
        href = unquote(href) if not parts.scheme else href
        if parts.scheme:
            if parts.scheme in ("http", "https", "mailto"):
                return href
            self.report.error(pos, f"link '{href}': only https:, http: and mailto: links are allowed")
            return None
        if not parts.path:
            if lesson_id is None:
                self.report.error(pos, f"link '{href}': name the lesson file too, e.g. lessons/01-name.md{href}")
                return None
            anchor = id_of.heading(lesson_id, fragment)
            self.pending_links.append((anchor, pos, href))
            return f"#{anchor}"
        target = (base / unquote(parts.path)).resolve()
        target_id = self.lesson_ids_by_path.get(target)
        if target_id is None and target in self.unreadable:
            return None
        if target_id is None:
            self.report.error(pos, f"link '{href}' does not point at a lesson of this course (links go to web pages, lessons such as 02-name.md, or headings such as #section)")
            return None
        if not fragment:
            return f"#{target_id}"
        anchor = id_of.heading(target_id, fragment)
        self.pending_links.append((anchor, pos, href))
        return f"#{anchor}"

    def anchors(self, lessons: list[Lesson], glossary: list[GlossaryEntry]) -> dict[str, str]:
        anchors = {lesson.id: lesson.id for lesson in lessons}
        for lesson_id, ids in self.ids_of.items():
            anchors.update(dict.fromkeys(ids, lesson_id))
        anchors.update({entry.id: GLOSSARY for entry in glossary})
        return anchors

    def check_links(self, anchors: dict[str, str]) -> None:
        for anchor, pos, href in self.pending_links:
            if anchor not in anchors:
                self.report.error(pos, f"broken link '{href}': there is no heading with that id (ids come from heading text: '## The League' is #the-league)")

    # --- glossary --------------------------------------------------------------------------

    def glossary(self, f: Fields) -> list[GlossaryEntry]:
        name = f.text("glossary")
        if not name and "glossary" in f.data:
            return []
        pos = f.at("glossary") if name else f.data.pos
        if not name:
            if not (self.root / "glossary.yml").exists():
                return []
            name = "glossary.yml"
        path = self.media.inside(name, self.root, pos, "glossary")
        if path is None:
            return []
        text = self.read_text(path, missing="glossary file not found")
        data = self.parse_yaml(text, path) if text is not None else None
        if data is None:
            return []
        if not isinstance(data, YamlMap):
            self.report.error(SourcePos(path, 1), f"the glossary must be a mapping of 'term: definition' lines, not {kind(data)}")
            return []
        entries, seen = [], {}
        for key, pos_ in data.duplicates:
            self.report.error(pos_, f"glossary term '{key}' is defined twice")
        for term, definition in data.items():
            term_pos = data.at(term)
            term = str(term).strip()
            if not isinstance(definition, str) or not definition.strip():
                self.report.error(term_pos, f"glossary term '{term}' needs a definition (text), not {kind(definition)}")
                continue
            anchor = id_of.term(slugify(term))
            if anchor in seen:
                self.report.error(term_pos, f"glossary term '{term}' is the same as '{seen[anchor]}'")
                continue
            seen[anchor] = term
            try:
                html = self.renderer.block(definition, lambda href, pos=term_pos: self.link(href, pos, path.parent, None),
                                           self.math_error(term_pos))
            except nesting.TooDeep as exc:
                self.report.error(term_pos, exc.message)
                continue
            entries.append(GlossaryEntry(term, anchor, html, term_pos))
        return sorted(entries, key=lambda e: e.term.casefold())


def _rel_to(path: Path, root: Path) -> str:
    try:
        return PurePosixPath(path.resolve().relative_to(root.resolve())).as_posix()
    except ValueError:
        return path.name


def _rel(path: Path) -> str:
    return os.path.relpath(path)
