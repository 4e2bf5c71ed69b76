"""What a reader finds in the book: every lesson, question, answer and term, and links that work."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import pytest
from epubtools import EPUB_TYPE, NS, XML_LANG, Book, spoken_text
from lxml import etree

from builders.model import (
    ChoiceQuestion,
    Essay,
    FillIn,
    Matching,
    Numeric,
    Ordering,
    TrueFalse,
)
from builders.shared.xhtml import plain_text

ALL = ("example", "all-features", "all-features-pages", "rtl", "starter")
ROLE_OF_TYPE = {
    "abstract": "doc-abstract", "acknowledgments": "doc-acknowledgments", "afterword": "doc-afterword",
    "appendix": "doc-appendix", "backlink": "doc-backlink", "bibliography": "doc-bibliography",
    "biblioref": "doc-biblioref", "chapter": "doc-chapter", "colophon": "doc-colophon",
    "conclusion": "doc-conclusion", "cover": "doc-cover", "credit": "doc-credit", "credits": "doc-credits",
    "dedication": "doc-dedication", "endnotes": "doc-endnotes", "epigraph": "doc-epigraph",
    "epilogue": "doc-epilogue", "errata": "doc-errata", "example": "doc-example", "footnote": "doc-footnote",
    "foreword": "doc-foreword", "glossary": "doc-glossary", "glossref": "doc-glossref", "index": "doc-index",
    "introduction": "doc-introduction", "noteref": "doc-noteref", "notice": "doc-notice",
    "pagebreak": "doc-pagebreak", "page-list": "doc-pagelist", "part": "doc-part", "preface": "doc-preface",
    "prologue": "doc-prologue", "pullquote": "doc-pullquote", "qna": "doc-qna", "subtitle": "doc-subtitle",
    "tip": "doc-tip", "toc": "doc-toc",
}
"""EPUB structural semantics that have a DPUB-ARIA role (https://www.w3.org/TR/dpub-aria-1.1/)."""


@pytest.fixture(scope="module", params=ALL)
def book(request, books) -> Book:
    return books[request.param]


def text_of(element: etree._Element) -> str:
    return spoken_text(element)


def without_blanks(text: str) -> str:
    return " ".join(text.replace("_", "").split())


def by_id(book: Book) -> dict[str, etree._Element]:
    return {el.get("id"): el for root in book.documents().values() for el in root.iter() if el.get("id")}


def test_every_lesson_question_answer_and_term_is_in_the_book(book: Book) -> None:
    text = without_blanks(book.text())
    course = book.course
    missing = [lesson.title for lesson in course.lessons if lesson.title not in text]
    missing += [q.prompt for q in course.questions if without_blanks(q.prompt) not in text]
    missing += [entry.term for entry in course.glossary if entry.term not in text]
    assert missing == []


def expected_answers(question) -> list[str]:
    """Texts the answer key must show for a question."""
    strings = []
    if isinstance(question, ChoiceQuestion):
        strings = [plain_text(o.html) for o in question.options if o.correct]
        strings += [plain_text(o.feedback_html) for o in question.options if o.feedback_html]
    elif isinstance(question, TrueFalse):
        strings = ["True" if question.answer else "False"]
    elif isinstance(question, FillIn):
        strings = list(question.answers)
    elif isinstance(question, Numeric):
        strings = [f"{question.answer:g}"]
    elif isinstance(question, Matching):
        strings = [f"{p.left} → " for p in question.pairs] + [p.right for p in question.pairs]
    elif isinstance(question, Ordering):
        strings = list(question.items)
    elif isinstance(question, Essay):
        strings = [question.model_answer] if question.model_answer else []
    if question.explanation_html:
        strings.append(plain_text(question.explanation_html))
    return strings


def test_every_answer_is_in_the_answer_key(books) -> None:
    book = books["all-features"]
    elements = by_id(book)
    problems = []
    for q in book.course.questions:
        answer = elements.get(f"answer.{q.id}")
        if answer is None:
            problems.append(f"no answer.{q.id}")
            continue
        shown = text_of(answer)
        problems += [f"{q.id}: {s!r} not in {shown!r}" for s in expected_answers(q) if s not in shown]
    assert problems == []


def test_every_internal_link_resolves(book: Book) -> None:
    docs = book.documents()
    names = set(book.names())
    ids = {name: {el.get("id") for el in root.iter() if el.get("id")} for name, root in docs.items()}
    broken = []
    for name, root in docs.items():
        for el in root.iter():
            for attr in ("href", "src"):
                target = el.get(attr)
                if target is None or urlsplit(target).scheme:
                    continue
                parts = urlsplit(target)
                file = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) if parts.path else name
                if f"EPUB/{file}" not in names:
                    broken.append(f"{name}: {target} (no file)")
                elif parts.fragment and parts.fragment not in ids.get(file, set()):
                    broken.append(f"{name}: {target} (no id)")
    ncx = book.xml("toc.ncx")
    for content in ncx.iterfind(".//ncx:content", NS):
        file, _, fragment = content.get("src").partition("#")
        if f"EPUB/{file}" not in names or (fragment and fragment not in ids.get(file, set())):
            broken.append(f"toc.ncx: {content.get('src')}")
    assert broken == []


def test_ids_are_unique_in_each_document(book: Book) -> None:
    for name, root in book.documents().items():
        found = [el.get("id") for el in root.iter() if el.get("id")]
        assert len(found) == len(set(found)), name


def test_every_document_has_the_course_language_and_direction(book: Book) -> None:
    course = book.course
    for name, root in book.documents().items():
        assert (root.get("lang"), root.get(XML_LANG), root.get("dir")) == (course.language, course.language, course.direction), name


def test_headings_never_skip_a_level(book: Book) -> None:
    for name, root in book.documents().items():
        levels = [int(etree.QName(h).localname[1]) for h in root.iter() if etree.QName(h).localname in
                  ("h1", "h2", "h3", "h4", "h5", "h6")]
        assert all(b <= a + 1 for a, b in zip([0] + levels, levels)), (name, levels)
        if name.startswith("lesson-"):
            assert levels.count(1) == 1, name


def test_every_epub_type_with_a_role_carries_it(book: Book) -> None:
    missing = []
    for name, root in book.documents().items():
        for el in root.iter():
            if el.get(EPUB_TYPE) is None or el.xpath("ancestor::x:nav[@epub:type='landmarks']", namespaces=NS):
                continue
            roles = (el.get("role") or "").split()
            missing += [f"{name}: <{etree.QName(el).localname} epub:type={t}>"
                        for t in el.get(EPUB_TYPE).split() if t in ROLE_OF_TYPE and ROLE_OF_TYPE[t] not in roles]
    assert missing == []


def test_questions_and_answers_link_to_each_other(book: Book) -> None:
    docs = book.documents()
    for lesson in book.course.lessons:
        chapter = docs[f"lesson-{lesson.id}.xhtml"]
        for q in lesson.questions:
            question = chapter.find(f".//x:section[@id='question.{q.id}']", NS)
            assert question is not None and question.get("data-question-id") == q.id
            assert question.find(f".//x:a[@href='answers.xhtml#answer.{q.id}']", NS) is not None
            answer = docs["answers.xhtml"].find(f".//x:section[@id='answer.{q.id}']", NS)
            assert answer.find(f".//x:a[@href='lesson-{lesson.id}.xhtml#question.{q.id}']", NS) is not None


def test_footnotes_are_epub_footnotes_with_back_links(books) -> None:
    chapter = books["all-features"].documents()["lesson-more-features.xhtml"]
    notes = chapter.findall(".//x:aside[@epub:type='footnote']", NS)
    assert [(n.get("id"), n.get(EPUB_TYPE), n.get("role")) for n in notes] == [
        ("more-features--fn.1", "footnote", "doc-footnote"), ("more-features--fn.2", "footnote", "doc-footnote")]
    assert "First note, with emphasis." in text_of(notes[0])
    refs = chapter.findall(".//x:a[@role='doc-noteref']", NS)
    assert [(r.get("href"), r.get(EPUB_TYPE)) for r in refs] == [
        ("#more-features--fn.1", "noteref"), ("#more-features--fn.2", "noteref")]
    back = notes[1].find(".//x:a[@role='doc-backlink']", NS)
    assert back.get("href") == "#more-features--fnref.2"
    assert not chapter.xpath("//*[@role='doc-endnote' or @role='doc-endnotes']")


def test_glossary_is_a_glossary_and_terms_link_to_it(books) -> None:
    book = books["all-features"]
    docs = book.documents()
    section = docs["glossary.xhtml"].find(".//x:section", NS)
    assert (section.get(EPUB_TYPE), section.get("role")) == ("glossary", "doc-glossary")
    terms = section.findall(".//x:dt", NS)
    assert [(t.get("id"), t.get(EPUB_TYPE), text_of(t.find("x:dfn", NS))) for t in terms] == [
        (e.id, "glossterm", e.term) for e in book.course.glossary]
    assert {dd.get(EPUB_TYPE) for dd in section.findall(".//x:dd", NS)} == {"glossdef"}
    link = docs["lesson-getting-started.xhtml"].find(".//x:a[@class='glossary-link']", NS)
    assert (link.get("href"), link.get(EPUB_TYPE), link.get("role")) == (
        "glossary.xhtml#term.worksheet", "glossref", "doc-glossref")


def test_questions_read_without_scripting(books) -> None:
    book = books["all-features"]
    chapter = book.documents()["lesson-question-types.xhtml"]
    assert not chapter.xpath("//x:script | //x:input | //x:form", namespaces=NS)

    def question(qid: str) -> etree._Element:
        return chapter.find(f".//x:section[@id='question.{qid}']", NS)

    assert [text_of(li) for li in question("pick-one").findall(".//x:ul[@class='options']/x:li", NS)] == [
        "A. The PDF workbook", "B. The SCORM package"]
    assert [text_of(li) for li in question("true-or-false").findall(".//x:li", NS)] == ["A. True", "B. False"]
    assert "Lessons are written in ________." in text_of(question("fill-the-blank"))
    matching = question("match-them")
    left = [text_of(li) for li in matching.findall(".//x:ul[@class='match-left']/x:li", NS)]
    right = [text_of(li) for li in matching.findall(".//x:ul[@class='match-right']/x:li", NS)]
    assert left == ["1. EPUB ____", "2. PDF ____", "3. SCORM ____"]
    assert sorted(r[3:] for r in right) == ["A PDF viewer or a printer", "An LMS such as Moodle", "An e-book reader"]
    order = [text_of(li).removeprefix("____ ") for li in question("put-in-order").findall(".//x:li", NS)]
    assert sorted(order) == sorted(book.course.lessons[1].questions[6].items)
    assert order != list(book.course.lessons[1].questions[6].items)
    assert "Why is one source better than three separate documents?" in text_of(question("explain-it"))


def test_reading_order_and_landmarks(books) -> None:
    book = books["all-features"]
    opf = book.xml("content.opf")
    manifest = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:item", NS)}
    spine = [manifest[ref.get("idref")] for ref in opf.iterfind(".//opf:itemref", NS)]
    assert spine == ["cover.xhtml", "title-page.xhtml", "nav.xhtml", "lesson-getting-started.xhtml",
                     "lesson-question-types.xhtml", "lesson-more-features.xhtml", "answers.xhtml", "bibliography.xhtml",
                     "glossary.xhtml"]
    nav = book.xml("nav.xhtml")
    marks = {a.get(EPUB_TYPE): a.get("href") for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)}
    assert marks == {"cover": "cover.xhtml", "titlepage": "title-page.xhtml", "toc": "nav.xhtml#toc",
                     "bodymatter": "lesson-getting-started.xhtml", "backmatter": "answers.xhtml",
                     "bibliography": "bibliography.xhtml", "glossary": "glossary.xhtml"}
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    assert toc.get("role") == "doc-toc"
    assert [text_of(a) for a in toc.findall("x:ol/x:li/x:a", NS)] == [
        "Title page", "1. Getting Started", "2. Every Question Type",
        "3. More Features: Unicode, Images & Links", "Answers", "Bibliography", "Glossary"]
    sections = [a.get("href") for a in toc.findall("x:ol/x:li[2]/x:ol/x:li/x:a", NS)]
    assert sections == ["lesson-getting-started.xhtml#getting-started--one-source-three-outputs",
                        "lesson-getting-started.xhtml#getting-started--tables-and-lists",
                        "lesson-getting-started.xhtml#check_getting-started"]


def test_title_page_has_authors_version_and_licence(books) -> None:
    book = books["all-features"]
    text = text_of(book.documents()["title-page.xhtml"])
    for part in ("All Features & <Edge> Cases", "Ada Lovelace, Émile Durkheim", "1.0.0", "CC BY 4.0"):
        assert part in text
