"""The documentation is checked like code: every example loads, every link resolves, the field
tables match the loader.

Pages: README.md, CONTRIBUTING.md and every docs/*.md (pages added later included). A fenced
example is checked by its info string (the convention is documented in CONTRIBUTING.md):

- ```` ```yaml course.yml ````: a whole course.yml, loaded with ``load_course`` in a copy of the
  example course;
- ```` ```yaml glossary ````, ```` ```yaml quiz ```` (a list of questions) and
  ```` ```yaml front-matter ````: loaded with ``load_course`` in a small course, as that file
  or part of a lesson;
- ```` ```markdown lesson ```` (a whole lesson file, front matter included) and plain
  ```` ```markdown ```` (lesson text; a whole lesson when it starts with ``---``): loaded as a
  lesson of a small course;
- plain ```` ```yaml ````: parsed with the project's YAML reader (``builders.source.yamlpos``).

Other fences (``sh``, ``text``, no language) are not examples of the source format.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from builders.diagnostics import SourceError
from builders.model import QUESTION_TYPES, Course
from builders.source import load_course, schema
from builders.source.yamlpos import YamlSyntaxError, load

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted([REPO / "README.md", REPO / "CONTRIBUTING.md", *(REPO / "docs").glob("*.md")])
YAML_KINDS = {"course.yml", "glossary", "quiz", "front-matter"}
MARKDOWN_KINDS = {"lesson"}
MD = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Example:
    page: Path
    line: int
    language: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{shown(self.page)}:{self.line}"


def examples() -> Iterator[Example]:
    for page in PAGES:
        for token in MD.parse(page.read_text(encoding="utf-8")):
            if token.type != "fence":
                continue
            words = token.info.split()
            language = words[0].lower() if words else ""
            if language in ("yaml", "yml", "markdown", "md"):
                kind = words[1] if len(words) > 1 else ""
                yield Example(page, token.map[0] + 1, "yaml" if language.startswith("y") else "markdown",
                              kind, token.content)


EXAMPLES = list(examples())


def small_course(root: Path, lesson: str = "", glossary: str | None = None) -> Path:
    """A course of one lesson, with the images of the example and the starter course in media/."""
    root.mkdir()
    (root / "course.yml").write_text("id: docs-example\ntitle: Docs example\n", encoding="utf-8")
    (root / "lessons").mkdir()
    (root / "lessons" / "01-lesson.md").write_text(
        lesson or "---\nid: lesson\ntitle: A lesson\n---\nSome text.\n", encoding="utf-8")
    shutil.copytree(REPO / "course" / "media", root / "media")
    shutil.copytree(REPO / "templates" / "new" / "media", root / "media", dirs_exist_ok=True)
    if glossary is not None:
        (root / "glossary.yml").write_text(glossary, encoding="utf-8")
    return root


def lesson_file(body: str) -> str:
    return "---\nid: lesson\ntitle: A lesson\n---\n" + body


def course_for(example: Example, tmp: Path) -> Path:
    folder = tmp / "course"
    if example.kind == "course.yml":
        shutil.copytree(REPO / "course", folder)
        (folder / "course.yml").write_text(example.text, encoding="utf-8")
        return folder
    if example.kind == "glossary":
        return small_course(folder, glossary=example.text)
    if example.kind == "quiz":
        return small_course(folder, lesson_file(f"Some text.\n\n```quiz\n{example.text}```\n"))
    if example.kind == "front-matter":
        return small_course(folder, f"---\n{example.text}---\nSome text.\n")
    text = example.text
    if example.kind == "lesson" or text.startswith("---\n"):
        return small_course(folder, text)
    return small_course(folder, lesson_file(text))


def load_or_fail(folder: Path, example: Example) -> Course:
    try:
        course, _warnings = load_course(folder)
    except SourceError as exc:
        pytest.fail(f"{example}: the example does not load:\n{exc}")
    return course


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_example_loads(example: Example, tmp_path: Path) -> None:
    known = YAML_KINDS if example.language == "yaml" else MARKDOWN_KINDS
    assert example.kind in known | {""}, (
        f"{example}: unknown example kind '{example.kind}' (known: {', '.join(sorted(known))}; see CONTRIBUTING.md)")
    if example.language == "yaml" and not example.kind:
        try:
            load(example.text, Path(str(example)))
        except YamlSyntaxError as exc:
            pytest.fail(f"{example}: not valid YAML: {exc.message}")
        return
    course = load_or_fail(course_for(example, tmp_path), example)
    if example.kind == "quiz":
        assert sum(len(lesson.questions) for lesson in course.lessons) == len(load(example.text, Path("quiz")))
    if example.kind == "glossary":
        assert len(course.glossary) == len(load(example.text, Path("glossary")))


def test_the_examples_are_found() -> None:
    """Guard against a check that passes because it looks at nothing."""
    kinds = {(e.language, e.kind) for e in EXAMPLES}
    assert {("yaml", "course.yml"), ("yaml", "quiz"), ("yaml", "glossary"), ("markdown", "lesson")} <= kinds
    assert any(e.page.name == "README.md" for e in EXAMPLES)


def test_a_broken_example_fails(tmp_path: Path) -> None:
    broken = Example(REPO / "docs" / "source-format.md", 1, "yaml", "quiz",
                     "- id: q\n  type: single\n  prompt: Which?\n  optoins: []\n")
    with pytest.raises(pytest.fail.Exception, match="optoins"):
        load_or_fail(course_for(broken, tmp_path), broken)


# --- links -------------------------------------------------------------------------------------

HTML_REF = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")


def link_targets(page: Path) -> Iterator[str]:
    def walk(tokens):  # noqa: ANN001, ANN202
        for token in tokens:
            if token.type == "link_open":
                yield token.attrs.get("href", "")
            elif token.type == "image":
                yield token.attrs.get("src", "")
            elif token.type in ("html_block", "html_inline"):
                yield from HTML_REF.findall(token.content)
            if token.children:
                yield from walk(token.children)

    yield from walk(MD.parse(page.read_text(encoding="utf-8")))


def heading_text(tokens: list, i: int) -> str:
    inline = tokens[i + 1]
    return "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))


def anchors(page: Path) -> set[str]:
    """The ids a code host gives the headings of a Markdown page (GitHub's rule)."""
    tokens = MD.parse(page.read_text(encoding="utf-8"))
    found: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            slug = re.sub(r"[^\w\- ]", "", heading_text(tokens, i).strip().lower()).replace(" ", "-")
            candidate, n = slug, 0
            while candidate in found:
                n += 1
                candidate = f"{slug}-{n}"
            found.add(candidate)
    return found


def shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def broken_links(page: Path) -> list[str]:
    broken = []
    for href in link_targets(page):
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//"):
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not target.exists():
            broken.append(f"{href} (no file {shown(target)})")
        elif parts.fragment and target.suffix == ".md" and unquote(parts.fragment) not in anchors(target):
            broken.append(f"{href} (no heading #{parts.fragment} in {shown(target)})")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[ok](#title) [gone](missing.md) ![pic](images/none.png) [bad](#nowhere)\n"
                    "<img src=\"also-missing.png\" alt=\"\">\n")
    assert len(broken_links(page)) == 4


def test_the_readme_is_short() -> None:
    assert len((REPO / "README.md").read_bytes()) <= 12 * 1024


# --- field tables -------------------------------------------------------------------------------

def field_tables():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("make_field_tables", REPO / "docs" / "make_field_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_field_tables_match_the_code() -> None:
    text = (REPO / "docs" / "source-format.md").read_text(encoding="utf-8")
    assert field_tables().render(text) == text, "run: python docs/make_field_tables.py"


def test_a_drifted_table_is_caught() -> None:
    tables = field_tables()
    text = (REPO / "docs" / "source-format.md").read_text(encoding="utf-8")
    drifted = text.replace("| `subtitle` |", "| `sub_title` |", 1)
    assert drifted != text and tables.render(drifted) != drifted


def test_every_question_type_has_its_fields() -> None:
    assert tuple(schema.QUESTION_TYPE_FIELDS) == QUESTION_TYPES


def test_the_documented_defaults_are_the_loaders(tmp_path: Path) -> None:
    """A course that writes no optional field gets the defaults the tables print."""
    quiz = "".join(
        f"- id: q-{n}\n  type: {qtype}\n  prompt: Which ___?\n{body}"
        for n, (qtype, body) in enumerate({
            "single": "  options:\n    - {text: A, correct: true}\n    - {text: B}\n",
            "numeric": "  answer: 3\n",
            "essay": "",
        }.items()))
    course = load_course(small_course(tmp_path / "c", lesson_file(f"Text.\n\n```quiz\n{quiz}```\n")))[0]
    lesson = course.lessons[0]
    single, numeric, essay = lesson.questions
    renamed = {"explanation": "explanation_html", "feedback": "feedback_html"}
    checks = [
        (schema.COURSE, course), (schema.ASSESSMENT, course.assessment), (schema.SCORM, course.scorm),
        (schema.PDF, course.pdf), (schema.FRONT_MATTER, lesson), (schema.QUESTION, single),
        (schema.QUESTION_TYPE_FIELDS["numeric"], numeric), (schema.QUESTION_TYPE_FIELDS["essay"], essay),
        (schema.OPTION, single.options[1]),
    ]
    for specs, obj in checks:
        for spec in specs:
            if spec.required or spec.default is None:
                continue
            value = getattr(obj, renamed.get(spec.name, spec.name))
            value = list(value) if isinstance(value, tuple) else value
            assert value == spec.default, f"{spec.name}: the loader gives {value!r}, the docs say {spec.default!r}"
