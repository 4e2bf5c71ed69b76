"""builders.pdf.slots: the contents' page numbers and page count are drawn in after the body is
placed, so that a lesson that grows lays out nothing but itself; they read (tags, text) and look
as the browser would set them. And an edition whose parts are all as they were is not joined
again (builders.pdf.builder)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest
from edits import edit_word, push_pages
from pdf_helpers import (
    Built,
    contents_pages,
    first_page_with,
    lesson_heading,
    printed_number,
)
from PIL import Image, ImageChops

from builders import build as build_module
from builders.base import BuildOptions, PageMap
from builders.incremental import Entry
from builders.pdf import merge as merge_module
from builders.pdf.fonts import FontSet
from builders.pdf.html import lesson_views, stylesheet
from builders.pdf.parts import EditionLayout, link_across_parts
from builders.pdf.render import Renderer
from builders.pdf.slots import _digits_from_entry
from tests.conftest import load


def _lessons(course: Path) -> list[Path]:
    return sorted((course / "lessons").glob("*.md"))


def test_a_lesson_that_grows_by_pages_lays_out_nothing_else(small: Path, tmp_path: Path,
                                                            laid_out: list[str]) -> None:
    """The contents' numbers and page count change; the contents is not laid out again, and
    what it prints is where the lessons now start."""
    out = tmp_path / "out"
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    assert any('class="contents"' in html for html in laid_out)
    before = contents_pages(_built(small, out))
    laid_out.clear()
    push_pages(_lessons(small)[0])
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    assert 'class="contents"' not in "".join(laid_out)
    assert 'class="lesson-body"' in laid_out[0], "the grown lesson"
    assert all('class="lesson continued"' in html for html in laid_out[1:]) and len(laid_out) <= 2, \
        "and its worksheet only if it now begins on the other side"
    after = _built(small, out)
    listed = contents_pages(after)
    assert all(listed[title] > before[title] for title in list(listed)[1:]), "later lessons moved"
    for lesson in after.course.lessons:
        assert listed[lesson.title] == printed_number(after, first_page_with(after, lesson_heading(after, lesson)))
    count = re.search(r"(\d+) pages", after.pages()[1])
    numbered = sum(label.isdigit() for label in pypdf.PdfReader(after.files["workbook"]).page_labels)
    assert count and int(count.group(1)) == numbered, "the front matter aside"


def _built(course: Path, out: Path) -> Built:
    files = {"workbook": out / "small-workbook.pdf", "answer-key": out / "small-answer-key.pdf"}
    return Built(load(course), "A4", files, PageMap(source=""), [])


def test_contents_numbers_are_tagged_in_their_entries(example_in_parts_pdf: Built) -> None:
    """Each entry's number is a Span at the end of its Link; the page count is the paragraph
    after the list: both marked content on the page, drawn from a slot sheet."""
    with pikepdf.open(example_in_parts_pdf.files["workbook"]) as pdf:
        tree = pdf.Root.StructTreeRoot
        nav = next(kid for kid in tree.K[0].K if kid.get("/S") == pikepdf.Name.NonStruct)
        kinds = [str(kid.S) for kid in nav.K]
        assert kinds[:3] == ["/H1", "/L", "/P"], kinds
        entries = [item.K[0].K[0] for item in nav.K[1].K]  # LI > LBody > Link
        assert len(entries) == len(example_in_parts_pdf.course.lessons) * 2 + 2  # + worksheets, glossary, bibliography
        drawn = {}
        for entry in entries:
            assert entry.S == pikepdf.Name.Link
            number = entry.K[-1]
            assert number.S == pikepdf.Name.Span and isinstance(number.K, int), repr(number)
            drawn.setdefault(number.Pg.objgen, set()).add(int(number.K))
        count = nav.K[2]
        drawn.setdefault(count.Pg.objgen, set()).add(int(count.K[0]))
        for page in pdf.pages:
            wanted = drawn.pop(page.obj.objgen, set())
            if wanted:
                assert wanted <= _marked_with_slot_forms(page), "each tagged number draws a slot sheet"
        assert not drawn


def _marked_with_slot_forms(page: pikepdf.Page) -> set[int]:
    """The MCIDs of marked content that draws a /Slot form."""
    found, current = set(), []
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            current.append(int(operands[1].MCID))
        elif name in ("BDC", "BMC"):
            current.append(None)
        elif name == "EMC":
            current.pop()
        elif name == "Do" and str(operands[0]).startswith("/Slot") and current and current[-1] is not None:
            found.add(current[-1])
    return found


@pytest.mark.parametrize("edition", ["workbook", "answer-key"])
def test_contents_numbers_look_as_if_laid_out_with_the_page(example_in_parts_pdf: Built, edition: str,
                                                            tmp_path: Path) -> None:
    """The contents page with its numbers drawn in, and the same page laid out by WeasyPrint
    with the numbers written into its HTML: the same pixels (but for a sliver of a dot)."""
    built = example_in_parts_pdf
    course = built.course
    labels = _destination_labels(built.files[edition])
    count = sum(label.isdigit() for label in pypdf.PdfReader(built.files[edition]).page_labels)
    with Renderer(course.media, stylesheet(course, edition, built.size), fonts=FontSet(course.pdf.fonts)) as renderer:
        layout = EditionLayout(course, edition, built.size, lesson_views(course), renderer)
        html = link_across_parts(layout.drafts[0], {a: labels[a] for a in layout.outside[0]})
        html = html.replace('<p class="page-count" data-slot="count"></p>',
                            f'<p class="page-count">{course.strings.page_count.replace("{count}", str(count))}</p>')
        reference = tmp_path / "reference.pdf"
        reference.write_bytes(renderer.pdf(renderer.layout(html)))
    images = []
    for name, pdf in (("drawn-in", built.files[edition]), ("reference", reference)):
        subprocess.run(["pdftoppm", "-r", "150", "-f", "2", "-l", "2", "-png", "-singlefile", str(pdf),
                        str(tmp_path / name)], check=True)
        images.append(Image.open(tmp_path / f"{name}.png").convert("L"))
    difference = ImageChops.difference(*images)
    changed = sum(1 for value in difference.get_flattened_data() if value)
    # a number's white box may end a fraction of a pixel off WeasyPrint's (its digits' advances
    # are added up here): the edge of a leader dot beside it, no more
    assert changed < 50, f"{changed} pixels differ, in {difference.getbbox()}"


def _destination_labels(pdf: Path) -> dict[str, str]:
    """Each named destination -> the label of its page."""
    labels = pypdf.PdfReader(pdf).page_labels
    with pikepdf.open(pdf) as document:
        index = {page.objgen: n for n, page in enumerate(document.pages)}
        return {name: labels[index[destination[0].objgen]]
                for name, destination in pikepdf.NameTree(document.Root.Names.Dests).items()}


def test_a_right_to_left_contents_prints_its_numbers_on_the_left(small: Path, tmp_path: Path) -> None:
    config = small / "course.yml"
    config.write_text(config.read_text().replace("language: en", "language: he"))
    out = tmp_path / "out"
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    course = load(small)
    words = _words(out / "small-workbook.pdf", 2)
    for lesson in course.lessons:
        title = next(w for w in words if w[4] == lesson.title.split()[-1])
        line = [w for w in words if abs(w[1] - title[1]) < 2 and w[4].isdigit()]
        number = min(line, key=lambda w: w[0])
        assert number[2] < title[0], f"{lesson.title}: the number is left of the title"


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), word) for a, b, c, d, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def test_an_edition_whose_parts_are_as_they_were_is_not_joined_again(small: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    joined: list[str] = []
    original = merge_module.merge

    def merge(parts: object, target: Path, *args: object) -> None:  # a spy on the real function
        joined.append(target.name)
        original(parts, target, *args)

    monkeypatch.setattr(merge_module, "merge", merge)
    out = tmp_path / "out"
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    assert sorted(joined) == ["small-answer-key.pdf", "small-workbook.pdf"]
    key_before = (out / "small-answer-key.pdf").read_bytes()
    joined.clear()
    edit_word(_lessons(small)[1])  # prose: the answer key does not print it
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    assert joined == ["small-workbook.pdf"]
    assert (out / "small-answer-key.pdf").read_bytes() == key_before


def test_stored_digits_with_wrong_facts_are_not_used() -> None:
    good = {"lefts": [0.0] * 10, "widths": [5.0] * 10, "bottoms": [9.0] * 10, "pad": 5.6, "height": 13.0,
            "page_height": 113.0}
    assert _digits_from_entry(Entry(good, b"%PDF-1.7")) is not None
    for name, wrong in (("lefts", [0.0] * 9), ("widths", "5"), ("pad", None), ("bottoms", [True] * 10)):
        assert _digits_from_entry(Entry({**good, name: wrong}, b"%PDF-1.7")) is None, name
