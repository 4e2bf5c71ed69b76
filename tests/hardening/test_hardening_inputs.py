"""Property tests for the classes of hostile input of issue 19 (hardening round 2), at the
layer that must stop them: any YAML (aliases, anchors, escapes, tags, numbers, dates) gives a
value of bounded size or a located error; any number field refuses NaN and infinities; ids stay
unique in every document whatever the headings, lesson ids and glossary terms; Markdown either
keeps every line's text or reports the line where it would not.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from builders.base import BuildOptions
from builders.build import build
from builders.diagnostics import SourceError
from builders.source import load_course
from builders.source.markdown import Renderer
from builders.source.nesting import TooDeep
from builders.source.yamlguard import MAX_ALIAS_NODES
from builders.source.yamlpos import YamlSyntaxError, load
from tests.hardening.figures import record
from tests.test_errors import make_course

EXAMPLES = settings(max_examples=150, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))

# --- YAML --------------------------------------------------------------------------------

RAW_REFUSED = "".join(chr(c) for c in range(0x7F, 0xA0) if c != 0x85) + "\ufffe\uffff"
"""Characters the YAML reader refuses even inside quotes (they reach it only as escapes)."""
SCALARS = st.one_of(
    st.sampled_from([".nan", ".NaN", ".inf", "-.inf", "2026-02-30", "2026-13-01", "0x1f", "0o17", "1_000",
                     "1e400", "9" * 5000, "~", "null", "yes", "no", "=", "<<", '"\\x00"', '"\\a"', '"\\e"',
                     '"\\uFFFE"', '"\\x85"', '"\\t"', "!!binary aGk=", "!!timestamp 2026-01-01", "!!set {a}",
                     "!!python/name:os.system", "!!str 1", "!binary x", "{a: 1, a: 2}"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters=RAW_REFUSED), max_size=8).map(
        lambda t: json.dumps(t, ensure_ascii=False)),  # any text (controls as escapes) as a quoted scalar  # any text, as a double-quoted YAML scalar with escapes
)


@st.composite
def alias_documents(draw: st.DrawFn) -> str:
    """A YAML document of anchored flow lists, each repeating earlier anchors many times (the
    shape of every alias bomb), with scalars of every troublesome kind mixed in, used as values
    and as keys, sometimes referring to itself."""
    lines = []
    count = draw(st.integers(1, 12))
    looped = draw(st.sampled_from([None, None, None, None, *range(count)]))
    for n in range(count):
        earlier = [f"*a{k}" for k in range(n)] or ["x"]
        if n == looped:
            earlier.append(f"*a{n}")  # refers to itself: never ends
        anchors = st.sampled_from(earlier)
        items = draw(st.lists(st.one_of(anchors, anchors, anchors, SCALARS), min_size=1, max_size=12))
        flow = f"&a{n} [{', '.join(items)}]"
        key = draw(st.sampled_from([False, False, False, True]))
        lines.append(f"? {flow}\n: 1" if key else f"k{n}: {flow}")
    if draw(st.booleans()):  # a classic bomb on top: each level repeats the one below ten times
        previous = draw(st.sampled_from([f"*a{k}" for k in range(count)]))
        for level in range(draw(st.integers(2, 6))):
            copies = ", ".join([previous] * 10)
            flow = draw(st.sampled_from([f"[{copies}]", "{" + ", ".join(f"m{i}: {previous}" for i in range(10)) + "}"]))
            key = draw(st.sampled_from([False, False, True]))
            lines.append(f"? &b{level} {flow}\n: 1" if key else f"b{level}: &b{level} {flow}")
            previous = f"*b{level}"
    return "\n".join(lines) + "\n"


def expanded_size(value: object, budget: int) -> int:
    """Nodes in ``value`` counted as a consumer walking it sees them (aliases expanded)."""
    todo, seen = [value], 0
    while todo and seen <= budget:
        item = todo.pop()
        seen += 1
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return seen


@EXAMPLES
@given(alias_documents())
def test_any_yaml_gives_a_bounded_value_or_a_located_error(text: str) -> None:
    record("property_examples")
    try:
        value = load(text, Path("quiz.md"), line_offset=10)
    except YamlSyntaxError as exc:
        assert exc.pos.line > 10 and exc.message, exc.message
        assert not re.search(r"\btab\b", exc.message) or "\t" in text, exc.message
        return
    distinct = text.count("[") + text.count("{") + text.count(",") + 2 * text.count("\n") + 10
    assert expanded_size(value, distinct + 2 * MAX_ALIAS_NODES) <= distinct + 2 * MAX_ALIAS_NODES
    yaml_values = [value]
    while yaml_values:
        item = yaml_values.pop()
        if isinstance(item, dict):
            assert all(isinstance(k, (str, int, float, bool)) or k is None for k in item)
            yaml_values.extend(item.values())
        elif isinstance(item, list):
            yaml_values.extend(item)
        else:  # only plain kinds of value reach the loader: no bytes, sets, dates
            assert item is None or isinstance(item, (str, int, float, bool)), repr(item)
            assert not (isinstance(item, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", item))


def test_the_alias_property_meets_bombs_and_cycles() -> None:
    """The strategy reaches the shapes it is there for (else the property above proves little)."""
    kinds: Counter[str] = Counter()

    @settings(max_examples=150, derandomize=True, database=None, deadline=None)
    @given(alias_documents())
    def classify(text: str) -> None:
        try:
            load(text, Path("q"))
            kinds["loaded"] += 1
        except YamlSyntaxError as exc:
            kinds[exc.message.split(" ")[1]] += 1

    classify()
    assert kinds["loaded"] and kinds["aliases"] and kinds["alias"], kinds


# --- numbers -------------------------------------------------------------------------------

NUMBER_FIELDS = [
    ("course.yml", "passing_score: 70", "passing_score: {}"),
    ("course.yml", "attempts: 0 ", "attempts: {} "),
    ("lessons/01-getting-started.md", "  answer: 3\n", "  answer: {}\n"),
    ("lessons/01-getting-started.md", "  answer: 3\n", "  answer: 3\n  tolerance: {}\n"),
    ("lessons/02-question-types.md", "  type: single ", "  points: {}\n  type: single "),
    ("lessons/02-question-types.md", "  lines: 6 ", "  lines: {} "),
]


@pytest.mark.parametrize("value", [".nan", ".NAN", ".inf", "-.Inf", "+.inf", "1" + "0" * 400])
@pytest.mark.parametrize("where", NUMBER_FIELDS, ids=lambda w: w[2].split(":")[0].strip())
def test_no_number_field_takes_nan_or_infinity(where: tuple[str, str, str], value: str, tmp_path: Path) -> None:
    name, old, new = where
    make_course({"replace": {name: [old, new.format(value)]}}, tmp_path / "course")
    record("bad_inputs")
    with pytest.raises(SourceError) as caught:
        load_course(tmp_path / "course")
    messages = [d.message for d in caught.value.diagnostics]  # type: ignore[attr-defined]
    assert len(messages) == 1 and "field '" in messages[0] and "must be" in messages[0], messages
    record("clean_errors")


# --- ids ---------------------------------------------------------------------------------

TRICKY = ["B1", "b 1", "fn1", "Fn 1", "fnref1", "fnref1-2", "term", "Balance", "balance", "question",
          "answer", "q1", "pdf", "cover", "ws", "Section 1", "***", "b.1", "Title", "glossary"]
LESSON_IDS = ["term", "question", "answer", "ws", "pdf", "b1", "glossary", "title", "l"]


@st.composite
def id_courses(draw: st.DrawFn) -> tuple[dict, list[tuple[str, str, str]]]:
    """Lessons whose ids and headings are chosen to collide with every generated id, links to
    each heading, glossary terms equal to headings; returns the course spec and the links
    (lesson, fragment, heading text) whose targets must be the headings."""
    lesson_ids = draw(st.lists(st.sampled_from(LESSON_IDS), min_size=1, max_size=3, unique=True))
    terms = draw(st.lists(st.sampled_from(["balance", "term", "question", "b1", "fn1"]), max_size=3, unique=True))
    files, links, names = {}, [], []
    for n, lid in enumerate(lesson_ids, start=1):
        headings = draw(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=5, unique=True))
        body = ["Some words about balance and question and term.[^n]", "[^n]: A note on b1 and fn1."]
        for h in headings:
            body += [f"## {h}", f"Text under {h}.[^{len(body)}]", f"[^{len(body) - 1}]: Note.", "- a\n- b"]
            slug = re.sub(r"[^\w]+", "-", h.lower()).strip("-_")
            if slug:
                body.append(f"[back to {h}](#{slug})")
                links.append((lid, slug, h))
        qid = draw(st.sampled_from(["q1", "b1", "balance", "fn1", "term"]))
        body.append(f"```quiz\n- id: {qid}-{n}\n  type: true-false\n  prompt: Is it?\n  answer: true\n```")
        name = f"lessons/{n:02d}-{lid}.md"
        names.append(name)
        files[name] = f"---\nid: {lid}\ntitle: Lesson {lid}\n---\n" + "\n\n".join(body) + "\n"
    files["glossary.yml"] = "".join(f"{t}: The meaning of {t}.\n" for t in terms) if terms else "{}\n"
    spec = {"delete": ["lessons/01-getting-started.md", "lessons/02-question-types.md", "glossary.yml"],
            "files": files, "replace": {"course.yml": ["  - lessons/01-getting-started.md\n  - lessons/02-question-types.md\n",
                                                       "".join(f"  - {n}\n" for n in names)]}}
    return spec, links


def _ids(root: etree._Element) -> list[str]:
    return [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]


@settings(max_examples=12, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(id_courses())
def test_ids_are_unique_in_every_document_and_links_land_on_their_heading(
        tmp_path_factory: pytest.TempPathFactory, case: tuple[dict, list]) -> None:
    spec, links = case
    root = tmp_path_factory.mktemp("ids")
    make_course(spec, root / "course")
    report = build(root / "course", root / "out", ["epub", "scorm"], BuildOptions(), jobs=1)
    course = report.course
    record("property_examples")
    model_ids = [i for lesson in course.lessons for i in _ids(etree.fromstring(f"<div>{lesson.html}</div>"))]
    model_ids += [lesson.id for lesson in course.lessons] + [e.id for e in course.glossary]
    model_ids += [f"question.{q.id}" for q in course.questions] + [f"answer.{q.id}" for q in course.questions]
    assert [i for i, n in Counter(model_ids).items() if n > 1] == []
    for lesson_id, slug, _heading in links:  # "[back](#slug)" goes to that lesson's heading, never elsewhere
        lesson = next(lesson for lesson in course.lessons if lesson.id == lesson_id)
        target = f"{lesson_id}--{slug}"
        assert target in {s.id for s in lesson.sections}
        assert course.anchor_owner(target) == lesson_id
        assert f'href="#{target}"' in lesson.html
    for path in report.written:
        with zipfile.ZipFile(path) as archive:
            docs = {name: _parse(name, archive.read(name)) for name in archive.namelist() if name.endswith((".xhtml", ".html"))}
        for name, doc in docs.items():
            assert [i for i, n in Counter(_ids(doc)).items() if n > 1] == [], (path.name, name)
            for a in doc.iter("{*}a", "a"):
                href = a.get("href") or ""
                if "#" not in href or href.startswith(("http:", "https:", "mailto:")):
                    continue
                file, _, anchor = href.partition("#")
                target = docs.get(str(Path(name).parent / file).removeprefix("./")) if file else doc
                assert target is not None and anchor in _ids(target), (path.name, name, href)


def _parse(name: str, data: bytes) -> etree._Element:
    return etree.fromstring(data) if name.endswith(".xhtml") else etree.HTML(data)


# --- Markdown depth ----------------------------------------------------------------------

@EXAMPLES
@given(st.lists(st.sampled_from(["list", "ordered", "quote"]), min_size=1, max_size=40))
def test_nested_markdown_keeps_every_word_or_names_the_line(kinds: list[str]) -> None:
    record("property_examples")
    lines, prefix = [], ""
    for depth, kind in enumerate(kinds):
        marker = {"list": "- ", "ordered": "1. ", "quote": "> "}[kind]
        lines.append(f"{prefix}{marker}word{depth}")
        prefix += "> " if kind == "quote" else " " * len(marker)
    text = "\n".join(lines) + "\n\nlast words\n"
    try:
        html = Renderer().block(text)
    except TooDeep as exc:
        assert 0 <= exc.line < len(lines)
        return
    for depth in range(len(kinds)):
        assert f"word{depth}" in html
    assert "last words" in html
