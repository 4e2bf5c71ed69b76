"""An edition is laid out in parts and joined (builders.pdf.parts, builders.pdf.merge): the joined
file must read exactly as one document would, numbers, links, bookmarks and tags included."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from pdf_helpers import (
    Built,
    contents_pages,
    first_page_with,
    lesson_heading,
    outline,
    printed_number,
    squash,
)

from builders.pdf.html import lesson_views
from builders.pdf.merge import XREF_URL
from builders.pdf.parts import link_across_parts, plan
from tests.conftest import load


def test_more_parts_print_the_very_same_pages(example_pdf: Built, example_in_parts_pdf: Built) -> None:
    """Each lesson alone or all lessons together: the workbook has the same text on every page
    (lessons start on right-hand pages either way) and the same page map; the answer key's
    worksheets, one part each, then each start on a right-hand page."""
    assert example_in_parts_pdf.pages() == example_pdf.pages()
    assert example_in_parts_pdf.page_map.pages == example_pdf.page_map.pages

    def printed(built: Built) -> list[list[str]]:
        """The lines of each printed page, numbers aside; sorted, as the footer changes sides."""
        return [sorted(re.sub(r"\d+", "#", page).splitlines())
                for page in built.pages("answer-key") if page.strip()]

    assert printed(example_in_parts_pdf) == printed(example_pdf)
    assert len(example_in_parts_pdf.pages("answer-key")) % 2 == 0
    assert outline(example_in_parts_pdf.files["workbook"]) == outline(example_pdf.files["workbook"])


def _tag_tree(path: Path) -> list[tuple[int, str]]:
    """Each structure element's depth and type, in order."""
    found: list[tuple[int, str]] = []

    def walk(element: object, depth: int) -> None:
        if isinstance(element, pikepdf.Array):
            for kid in element:
                walk(kid, depth)
        elif isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.append((depth, str(element.S)))
            walk(element.get("/K", pikepdf.Array()), depth + 1)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot.K, 0)
        return found


def test_worksheets_laid_out_apart_from_their_lessons_print_as_if_laid_out_with_them(
        example_pdf: Built, example_in_parts_pdf: Built) -> None:
    """Each lesson's worksheet is a part of its own, going on from the lesson's last page, left
    or right: same pages, running heads, bookmarks (under the lesson's) and tags (in the
    lesson's section) as a workbook laid out in one piece; a worksheet after a lesson of an odd
    number of pages begins on a left-hand page."""
    whole, apart = example_pdf.files["workbook"], example_in_parts_pdf.files["workbook"]
    assert example_in_parts_pdf.pages() == example_pdf.pages()  # running heads and page numbers included
    assert _tag_tree(apart) == _tag_tree(whole)
    assert outline(apart) == outline(whole)
    with pikepdf.open(whole) as one, pikepdf.open(apart) as other:
        assert repr(one.Root.PageLabels) == repr(other.Root.PageLabels)
    strings = example_in_parts_pdf.course.strings
    sides = {printed_number(example_in_parts_pdf, first_page_with(example_in_parts_pdf, f"{strings.worksheet} · {lesson.title}")) % 2
             for lesson in example_in_parts_pdf.course.lessons if lesson.questions}
    assert sides == {0, 1}, "worksheets on both sides: the left-hand start is tried"


def test_many_parts_are_really_many(example_course: Path) -> None:
    course = load(example_course)
    lessons = lesson_views(course)
    sheets = sum(bool(lv.questions) for lv in lessons)
    assert len(plan(course, "workbook", lessons, part_bytes=1)) == len(course.lessons) + sheets + 2
    assert len(plan(course, "answer-key", lessons, part_bytes=1)) == 2 + sum(bool(lv.questions) for lv in lessons)
    assert len(plan(course, "workbook", lessons)) == len(course.lessons) + sheets + 2, \
        "a build: one part per lesson, one per worksheet"
    assert len(plan(course, "workbook", lessons, part_bytes=10**9)) == 3, "front matter, lessons, glossary"


def test_contents_numbers_are_where_the_lessons_start(example_in_parts_pdf: Built) -> None:
    built = example_in_parts_pdf
    listed = contents_pages(built)
    assert len(listed) == len(built.course.lessons)
    for lesson in built.course.lessons:
        assert listed[lesson.title] == printed_number(built, first_page_with(built, lesson_heading(built, lesson)))
    strings = built.course.strings
    listed_in_key = list(contents_pages(built, "answer-key").values())
    grid = next(n for n, text in enumerate(built.pages("answer-key"), start=1)
                if n > 2 and squash(strings.answers_at_a_glance) in squash(text))
    starts = [grid] + [
        first_page_with(built, f"{strings.lesson} {lesson.number} · {strings.worksheet} {lesson.title}", "answer-key")
        for lesson in built.course.lessons if lesson.questions]
    assert listed_in_key == [printed_number(built, start, "answer-key") for start in starts]


@pytest.fixture(params=["example", "example_in_parts", "features"])
def joined(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(f"{request.param}_pdf")


def test_links_across_parts_lead_to_their_target(joined: Built) -> None:
    for edition, path in joined.files.items():
        pdf = pikepdf.open(path)
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        internal = 0
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link":
                    continue
                assert not str(annotation.get("/A", {}).get("/URI", "")).startswith(XREF_URL), edition
                if "/Dest" in annotation:
                    internal += 1
                    name = str(annotation.Dest)
                    assert name in names, f"{edition}: link to missing destination {name}"
                    destination = names[name]
                    if isinstance(destination, pikepdf.Dictionary):
                        destination = destination.D
                    assert destination[0].objgen in pages
        assert internal, f"{edition} has no internal links"


def _mcids(page: pikepdf.Page) -> set[int]:
    found = set()
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            found.add(int(operands[1].MCID))
    return found


def _kids(element: pikepdf.Dictionary) -> list:
    kids = element.get("/K", [])
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def structure_problems(path: Path) -> list[str]:
    """What is wrong in the tag tree of a PDF: ParentTree entries, MCIDs, parents, annotations."""
    pdf = pikepdf.open(path)
    tree = pdf.Root.StructTreeRoot
    nums = list(tree.ParentTree.Nums)
    keys = [int(k) for k in nums[::2]]
    parent_tree = dict(zip(keys, nums[1::2]))
    problems = [] if len(keys) == len(set(keys)) and keys == sorted(keys) else ["ParentTree keys repeat or are unsorted"]
    if int(tree.get("/ParentTreeNextKey", max(keys) + 1)) <= max(keys):
        problems.append("ParentTreeNextKey is taken")
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    annotations = {a.objgen: n for n, page in enumerate(pdf.pages, start=1) for a in page.obj.get("/Annots", [])}
    for n, page in enumerate(pdf.pages, start=1):
        marked = _mcids(page)
        if not marked:
            continue
        owners = parent_tree.get(int(page.obj.get("/StructParents", -1)))
        if owners is None:
            problems.append(f"page {n}: marked content but no ParentTree entry")
            continue
        for mcid in marked:
            element = owners[mcid]
            if mcid not in [int(k) for k in _kids(element) if isinstance(k, int)]:
                problems.append(f"page {n}: MCID {mcid} is not a kid of its element")
            if element.get("/Pg") is None or element.Pg.objgen != page.obj.objgen:
                problems.append(f"page {n}: MCID {mcid}'s element is on page {pages.get(element.get('/Pg').objgen)}")
    for key, value in parent_tree.items():
        if isinstance(value, pikepdf.Dictionary):  # an annotation's element
            objects = [k.Obj.objgen for k in _kids(value) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            if not any(o in annotations for o in objects):
                problems.append(f"ParentTree {key}: its annotation is on no page")

    def walk(element: pikepdf.Dictionary, parent: object) -> None:
        if element.get("/P") is not None and parent is not None and element.P.objgen != parent.objgen:
            problems.append(f"{element.get('/S')}: /P is not its parent")
        if element.get("/Pg") is not None and element.Pg.objgen not in pages:
            problems.append(f"{element.get('/S')}: /Pg is not a page of the file")
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                if kid.Obj.objgen not in annotations:
                    problems.append(f"{element.get('/S')}: annotation on no page")
            elif isinstance(kid, pikepdf.Dictionary):
                walk(kid, element)

    documents = _kids(tree)
    if len(documents) != 1 or documents[0].get("/S") != "/Document":
        problems.append("the tree has no single Document element")
    for document in documents:
        walk(document, None)
    return problems


def test_tag_tree_of_the_joined_file_is_whole(joined: Built) -> None:
    for edition, path in joined.files.items():
        assert structure_problems(path) == [], edition


def test_form_fields_of_every_part_are_in_the_form(features_pdf: Built) -> None:
    pdf = pikepdf.open(features_pdf.files["fillable"])
    widgets = {a.objgen for page in pdf.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget"}
    fields = set()

    def walk(field: pikepdf.Dictionary) -> None:
        fields.add(field.objgen)
        for kid in field.get("/Kids", []):
            walk(kid)

    for field in pdf.Root.AcroForm.Fields:
        walk(field)
    assert widgets and widgets <= fields


def test_links_to_other_parts_carry_the_page_they_print() -> None:
    html = ('<p><a href="#sec-a">A</a> <a class="glossary-link" href="#term.d%C3%A9tente">d</a> '
            '<a href="#here">h</a> <a href="https://example.org/">w</a></p>')
    linked = link_across_parts(html, {"sec-a": "12", "term.détente": ""})
    assert f'href="{XREF_URL}sec-a" data-page="12"' in linked
    assert f'href="{XREF_URL}term.d%C3%A9tente" data-page=""' in linked
    assert 'href="#here"' in linked and 'href="https://example.org/"' in linked
