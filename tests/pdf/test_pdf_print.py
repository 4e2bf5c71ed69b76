"""Print and accessibility quality of the built PDFs, read back with poppler and pypdf."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import pypdf
import pytest
from pdf_helpers import (
    Built,
    contents_pages,
    first_page_with,
    flat,
    lesson_heading,
    outline,
    pdffonts,
    pdfinfo,
    printed_number,
    squash,
)

PAGE_POINTS = {"A4": (595.276, 841.89), "letter": (612.0, 792.0)}
EDITIONS = ("workbook", "answer-key")


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata_size_and_tags(any_pdf: Built, edition: str) -> None:
    info = pdfinfo(any_pdf.files[edition])
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (width, height) == pytest.approx(PAGE_POINTS[any_pdf.size], abs=0.01)
    assert info["Title"].startswith(any_pdf.course.title)
    assert info["Author"] == ", ".join(any_pdf.course.authors)
    assert info["Tagged"] == "yes"
    assert int(info["Pages"]) % 2 == 0, "duplex printing needs an even page count"
    root = pypdf.PdfReader(any_pdf.files[edition]).trailer["/Root"]
    assert root["/Lang"] == any_pdf.course.language
    assert "/StructTreeRoot" in root


def test_every_font_is_a_shipped_face_embedded_and_subset(any_pdf: Built) -> None:
    """The @font-face families are named "Workbook …": any other name is a system fallback."""
    for edition, pdf in any_pdf.files.items():
        fonts = pdffonts(pdf)
        assert fonts
        for row in fonts:
            name, emb, sub = row[0], row[-5], row[-4]
            assert re.fullmatch(r"[A-Z]{6}\+Workbook-(Serif|Sans)(-[A-Za-z-]+)?", name), f"{edition}: fallback font {name}"
            assert (emb, sub) == ("yes", "yes"), f"{edition}: {row}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_stated_page_count_is_the_real_one(any_pdf: Built, edition: str) -> None:
    strings = any_pdf.course.strings
    before, _, after = strings.page_count.partition("{count}")
    stated = re.search(re.escape(before) + r"(\d+)" + re.escape(after), any_pdf.pages(edition)[1])
    assert stated, "the contents page states the page count"
    labels = pypdf.PdfReader(any_pdf.files[edition]).page_labels
    body = [label for label in labels if label.isdigit()]
    assert len(labels) == len(any_pdf.pages(edition)) == int(pdfinfo(any_pdf.files[edition])["Pages"])
    assert int(stated.group(1)) == len(body) == int(body[-1]), "the numbered pages, front matter aside"
    assert labels[:len(labels) - len(body)] == ["i", "ii", "iii", "iv", "v", "vi"][:len(labels) - len(body)]


def test_contents_page_numbers_are_where_the_lessons_start(any_pdf: Built) -> None:
    listed = contents_pages(any_pdf)
    assert set(listed) == {lesson.title for lesson in any_pdf.course.lessons}
    for lesson in any_pdf.course.lessons:
        start = first_page_with(any_pdf, lesson_heading(any_pdf, lesson))
        assert listed[lesson.title] == printed_number(any_pdf, start), lesson.title
    for edition in ("workbook", "answer-key"):
        assert ".." not in any_pdf.pages(edition)[1], "the dots between titles and numbers are drawn, not read out"


def test_lessons_start_on_right_hand_pages_and_worksheets_on_new_pages(any_pdf: Built) -> None:
    worksheet = any_pdf.course.strings.worksheet
    for lesson in any_pdf.course.lessons:
        start = first_page_with(any_pdf, lesson_heading(any_pdf, lesson))
        assert start % 2 == 1, f"{lesson.title} starts on a left-hand page"
        if lesson.questions:
            sheet_page = first_page_with(any_pdf, f"{worksheet} · {lesson.title}")
            assert sheet_page > start
            page = squash(any_pdf.pages()[sheet_page - 1])
            assert page.index(squash(f"{worksheet} · {lesson.title}")) < page.index(
                squash(f"{any_pdf.course.strings.name}:")), "the worksheet has a Name / Class / Date line"


def test_bookmarks_hold_every_lesson_and_worksheet(any_pdf: Built) -> None:
    marks = outline(any_pdf.files["workbook"])
    by_title = {title: page for _depth, title, page in marks}
    worksheet = any_pdf.course.strings.worksheet
    for lesson in any_pdf.course.lessons:
        assert by_title[lesson_heading(any_pdf, lesson)] == first_page_with(any_pdf, lesson_heading(any_pdf, lesson))
        if lesson.questions:
            assert f"{worksheet} · {lesson.title}" in by_title
    key_titles = " | ".join(title for _depth, title, _page in outline(any_pdf.files["answer-key"]))
    for lesson in any_pdf.course.lessons:
        assert (lesson.title in key_titles) == bool(lesson.questions)


def test_running_header_and_page_number(any_pdf: Built) -> None:
    strings = any_pdf.course.strings
    pages = any_pdf.pages()
    labels = pypdf.PdfReader(any_pdf.files["workbook"]).page_labels
    for number, text in enumerate(pages, start=1):
        if number == 1 or not text.strip():
            continue  # the cover and the blank pages carry no header or footer
        label = labels[number - 1]
        assert re.search(rf"\b{re.escape(strings.page)} {label}\b", flat(text)), f"page {number} ({label})"
        assert len(re.findall(rf"\b{re.escape(strings.page)} [0-9ivx]+\b", flat(text))) == 1, f"page {number}"
        assert any_pdf.course.title in flat(text)


def test_answer_key_says_teachers_copy_on_every_page(any_pdf: Built) -> None:
    """Every printed page; a blank left-hand page (before a run of worksheets that starts on the
    right, or at the very end) stays blank."""
    for number, text in enumerate(any_pdf.pages("answer-key"), start=1):
        if text.strip():
            assert any_pdf.course.strings.teacher_copy in flat(text), f"page {number}"
        else:
            assert number % 2 == 0, f"page {number} is a blank right-hand page"


def test_svg_figures_stay_vectors(features_pdf: Built) -> None:
    """Only the PNG images appear as raster images; the SVG cover and diagram are vector paths."""
    listed = subprocess.run(["pdfimages", "-list", str(features_pdf.files["workbook"])],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    raster = [key for key, m in features_pdf.course.media.items() if m.media_type != "image/svg+xml"]
    expected = sum(lesson.html.count(f'src="{key}"') for lesson in features_pdf.course.lessons for key in raster)
    assert len(listed) == expected
    assert any(m.media_type == "image/svg+xml" for m in features_pdf.course.media.values())


def test_footnotes_sit_at_the_foot_of_their_page(features_pdf: Built) -> None:
    page = flat(features_pdf.pages()[first_page_with(features_pdf, "Footnotes are collected at the end") - 1])
    assert "In the EPUB they open as pop-up notes" in page
    assert page.index("Footnotes are collected") < page.index("In the EPUB they open")


def structure(pdf: Path) -> tuple[set[str], list[str]]:
    """The structure types of the tag tree, and the alt text of every figure."""
    types, alts = set(), []

    def walk(node: object) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            types.add(str(node.get("/S", "")))
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    walk(pypdf.PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return types, alts


def test_tags_give_screen_readers_headings_lists_tables_and_alt_text(features_pdf: Built) -> None:
    types, alts = structure(features_pdf.files["workbook"])
    assert {"/H1", "/H2", "/L", "/LI", "/Table", "/TH", "/TD", "/Figure", "/Caption"} <= types
    lessons = features_pdf.course.lessons
    html = " ".join(lesson.html for lesson in lessons)
    written = [unescape(alt) for alt in re.findall(r'alt="([^"]*)"', html)]
    printed = " ".join([html, *(o for lesson in lessons for o in lesson.objectives)]
                       + [q.prompt_html for q in features_pdf.course.questions]
                       + [o.html for q in features_pdf.course.questions for o in getattr(q, "options", ())])
    written += [unescape(tex) for tex in re.findall(r'alttext="([^"]*)"', printed)]  # formulas are images too
    assert sorted(alts) == sorted(written + [f"{features_pdf.course.strings.cover}: {features_pdf.course.title}"])
