"""A course folder (course.yml, lessons/*.md, glossary.yml, media/) -> a validated Course.

Every problem is collected with its file and line; :func:`load_course` raises one
:class:`SourceError` listing them all, or returns the course and its warnings.
Nothing outside the course folder is ever read, and nothing is fetched from the network.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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
from .lessoncache import Checks, LessonCache, Record, course_key
from .links import Links
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


def load_course(folder: Path | str, formats: Sequence[str] | None = None,
                cache: LessonCache | None = None) -> tuple[Course, list[Diagnostic]]:
    """Load and validate a course folder. Raises SourceError; returns (course, warnings).
    ``formats``: the output format names ``outputs:`` may list (None: not checked);
    ``cache``: the lessons read before, which gets those read now (see :mod:`.lessoncache`)."""
    return _Loader(Path(folder), formats, cache).load()


class _Loader:
    def __init__(self, folder: Path, formats: Sequence[str] | None = None, cache: LessonCache | None = None) -> None:
        self.root = folder.absolute()
        self.cache = cache
        self.course_key = ""
        """What every lesson is read with (see :func:`.lessoncache.course_key`)."""
        self.formats = formats
        self.report = Report()
        self.renderer = Renderer()
        self.media = MediaLoader(self.root, self.report)
        self.links = Links(self.report)
        self.ids_of: dict[str, list[str]] = {}
        self.linked: dict[str, list[str]] = {}
        """Lesson id -> glossary anchors it links to."""
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
        self.links.check(anchors)
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
                self.links.unreadable.add(path.resolve())
                continue
            self.links.lesson_ids[lesson.path.resolve()] = lesson.id
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
        if self.cache is not None:
            self.course_key = course_key(linker.terms, strings)
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
        """The lesson of ``lf``: as kept in the store when its record still holds (see
        :mod:`.lessoncache`), else read, and kept if it has no errors."""
        cache = self.cache
        name = cache.name(self.course_key, lf.path, lf.rel, lf.text) if cache is not None else ""
        record = cache.get(name) if cache is not None else None
        if record is not None and self.replay(record, lf, quiz):
            return dataclasses.replace(record.lesson, number=number)
        before, seen_before = len(self.report.items), set(quiz.seen_ids)
        checks = Checks(self.report, self.media, self.links, lf.path, lf.id)
        lesson = self.read_lesson(lf, number, linker, quiz, strings, checks)
        added = self.report.items[before:]
        if cache is not None and not any(d.severity == "error" for d in added):
            warnings = tuple(d for i, d in enumerate(added, start=before) if i not in checks.reported)
            question_ids = tuple((qid, pos) for qid, pos in quiz.seen_ids.items() if qid not in seen_before)
            cache.put(name, Record(lesson, tuple(checks.calls), warnings, question_ids,
                                   tuple(self.ids_of[lf.id]), tuple(self.linked[lf.id])))
        return lesson

    def replay(self, record: Record, lf: _LessonFile, quiz: QuizReader) -> bool:
        """Make the record's hook calls again; True (and the record's other effects added) if
        each returns what it did, else False with nothing changed."""
        if any(qid in quiz.seen_ids for qid, _ in record.question_ids):
            return False  # a duplicate now: read the lesson, which reports it
        items, links, media = len(self.report.items), len(self.links.pending), set(self.media.loaded)
        checks = Checks(self.report, self.media, self.links, lf.path, lf.id)
        if all(getattr(checks, call.hook)(call.target, call.at) == call.result for call in record.calls):
            self.report.extend(list(record.warnings))
            quiz.seen_ids.update(record.question_ids)
            self.ids_of[lf.id], self.linked[lf.id] = list(record.ids), list(record.linked)
            return True
        del self.report.items[items:], self.links.pending[links:]
        for added in set(self.media.loaded) - media:
            del self.media.loaded[added]
        return False

    def read_lesson(self, lf: _LessonFile, number: int, linker: GlossaryLinker, quiz: QuizReader,
                    strings: Strings, checks: Checks) -> Lesson:
        link_at = checks.link_at
        hooks = LessonHooks(
            lesson_id=lf.id, first_line=lf.body_line, image=checks.image, link=checks.link,
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
            sections=tuple(rendered.sections), questions=tuple(questions), media=tuple(checks.media),
            source=lf.rel, pos=SourcePos(lf.path, 1), further_reading=further_reading(lf.front, self.report),
        )

    def math_error(self, pos: SourcePos) -> Callable[[str], None]:
        return lambda message: self.report.error(pos, message)

    def anchors(self, lessons: list[Lesson], glossary: list[GlossaryEntry]) -> dict[str, str]:
        anchors = {lesson.id: lesson.id for lesson in lessons}
        for lesson_id, ids in self.ids_of.items():
            anchors.update(dict.fromkeys(ids, lesson_id))
        anchors.update({entry.id: GLOSSARY for entry in glossary})
        return anchors

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
                html = self.renderer.block(definition, lambda href, pos=term_pos: self.links.target(href, pos, path.parent, None),
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
