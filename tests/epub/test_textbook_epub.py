"""Callout boxes, formulas, rubrics and further reading in the EPUB (EPUBCheck and Ace check the
same books in test_validators.py: the all-features and starter courses hold every feature)."""

from __future__ import annotations

import dataclasses

from epubtools import EPUB_TYPE, NS, Book

from builders.epub.documents import documents, landmarks
from builders.epub.layout import Layout

M = "{http://www.w3.org/1998/Math/MathML}"
NS_M = {**NS, "m": "http://www.w3.org/1998/Math/MathML"}


def lesson(book: Book) -> object:
    return book.documents()["lesson-more-features.xhtml"]


def test_boxes_are_labelled_asides_and_sections(books: dict[str, Book]) -> None:
    chapter = lesson(books["all-features"])
    boxes = chapter.xpath("//*[contains(concat(' ', @class, ' '), ' callout ')]")
    found = [(b.tag.split("}")[1], b.get("class").split()[1], b.get("role"), b.get(EPUB_TYPE)) for b in boxes]
    assert found == [
        ("aside", "callout-note", "note", None), ("aside", "callout-tip", "doc-tip", "tip"),
        ("aside", "callout-warning", "note", None), ("section", "callout-example", "doc-example", None),
        ("section", "callout-key-takeaways", None, None), ("section", "callout-primary-source", None, None),
        ("section", "callout-activity", None, None)]
    for box in boxes:
        first, *more = box.get("aria-labelledby").split()
        title = chapter.xpath(f"//*[@id='{first}']")
        assert title and title[0].getparent() is box and title[0].get("class") == "callout-title"
        if more:  # a primary source is named by its heading and its attribution
            assert more == [f"{box.get('id')}-source"] and box.get("class").split()[1] == "callout-primary-source"
            assert chapter.xpath(f"//*[@id='{more[0]}']")[0].get("class") == "callout-attribution"
    source = boxes[5]
    assert source.find("x:blockquote", NS) is not None
    assert source.findtext("x:p[@class='callout-attribution']/x:cite", namespaces=NS).startswith("Thucydides")
    assert boxes[0].find("x:ul", NS) is not None and boxes[2].find("x:table", NS) is not None
    assert boxes[3].find("x:figure/x:img", NS) is not None


def test_formulas_are_mathml_with_alttext_and_declared_in_the_manifest(books: dict[str, Book]) -> None:
    book = books["all-features"]
    documents = book.documents()
    with_math = {name for name, root in documents.items() if root.find(f".//{M}math") is not None}
    assert with_math == {"lesson-more-features.xhtml", "answers.xhtml"}
    opf = book.xml("content.opf")
    properties = {item.get("href"): (item.get("properties") or "").split() for item in opf.iterfind(".//opf:item", NS)}
    assert {href for href, props in properties.items() if "mathml" in props} == with_math
    chapter = documents["lesson-more-features.xhtml"]
    display = chapter.find(".//x:div[@class='math-display']/m:math", NS_M)
    assert display.get("display") == "block" and display.get("alttext") == "c = \\sqrt{a^2 + b^2} = \\frac{10}{2}"
    assert all(m.get("alttext") for m in chapter.iter(f"{M}math"))
    objectives = chapter.find(".//x:section[@class='objectives']", NS)
    assert objectives.find(f".//{M}math").get("alttext") == "a^2 + b^2 = c^2"


def test_the_answers_show_rubrics_and_feedback_with_formulas(books: dict[str, Book]) -> None:
    answers = books["all-features"].documents()["answers.xhtml"]
    essay = answers.find(".//x:section[@id='answer.explain-it']", NS)
    table = essay.find("x:table[@class='rubric']", NS)
    assert table.findtext("x:caption", namespaces=NS) == "Rubric"
    rows = [["".join(cell.itertext()) for cell in tr] for tr in table.iterfind("x:tbody/x:tr", NS)]
    assert rows == [["Names the single source", "1", ""],
                    ["Explains why the outputs agree", "1", "1: Says a correction reaches every output0: Does not say why"]]
    assert [th.get("scope") for th in table.iterfind(".//x:th", NS)] == ["col", "col", "col", "row", "row"]
    choice = answers.find(".//x:section[@id='answer.symbols-choice']", NS)
    feedback = choice.find("x:ul[@class='feedback']", NS)
    assert feedback.find(f".//{M}math[@alttext='x = x']") is not None


def test_further_reading_ends_the_lesson_and_fills_the_bibliography(books: dict[str, Book]) -> None:
    book = books["all-features"]
    chapter = lesson(book)
    reading = chapter.find(".//x:section[@class='further-reading']", NS)
    assert reading.getparent()[-1] is reading  # the last thing in the chapter
    assert reading.findtext("x:h2", namespaces=NS) == "Further reading"
    link = reading.find(".//x:a[@class='url']", NS)
    assert link.get("href") == link.text == "https://doi.org/10.2307/2538540"
    bibliography = book.documents()["bibliography.xhtml"].find(".//x:section", NS)
    assert (bibliography.get(EPUB_TYPE), bibliography.get("role")) == ("bibliography", "doc-bibliography")
    entries = ["".join(li.itertext()) for li in bibliography.iterfind(".//x:li", NS)]
    assert entries[0] == "Kennedy, Paul (1987). The Rise and Fall of the Great Powers. New York: Random House."
    assert entries[1].startswith("Walt, Stephen M. (1985). Alliance Formation and the Balance of World Power. "
                                 "International Security. https://doi.org/10.2307/2538540")


def test_a_book_without_further_reading_has_no_bibliography(books: dict[str, Book]) -> None:
    course = books["all-features"].course
    bare = dataclasses.replace(course, lessons=tuple(
        dataclasses.replace(lesson, further_reading=()) for lesson in course.lessons))
    layout = Layout(bare)
    assert [d.file for d in documents(bare, layout, None) if "bibliograph" in d.file] == []
    assert [m.type for m in landmarks(bare, layout) if m.type == "bibliography"] == []
    assert "Bibliography" not in [entry.title for entry in layout.toc()]
