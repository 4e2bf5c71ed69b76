"""The package: metadata, goldens of content.opf / nav / NCX, reproducible zips, page-list, RTL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from epubtools import (
    EPUB_TYPE,
    GOLDEN,
    NS,
    PAGE_MAP,
    REPO,
    UPDATE_GOLDENS,
    XML_LANG,
    Book,
)

from builders.base import BuildContext
from builders.epub.builder import make_epub
from builders.epub.layout import UUID_NAMESPACE
from builders.epub.xhtml import manifest_properties, parse


def metas(book: Book, prop: str) -> list[str]:
    return [m.text for m in book.xml("content.opf").iterfind(f".//opf:meta[@property='{prop}']", NS)]


@pytest.mark.parametrize("name", ["content.opf", "nav.xhtml", "toc.ncx"])
def test_golden_package_files(books, name: str) -> None:
    """The package document, nav and NCX of all-features, byte for byte (UPDATE_GOLDENS=1 rewrites)."""
    actual = books["all-features"].read(f"EPUB/{name}").decode("utf-8")
    golden = GOLDEN / "all-features" / name
    if UPDATE_GOLDENS:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden {golden}: run with UPDATE_GOLDENS=1 and review the diff"
    assert actual == golden.read_text(encoding="utf-8")


def test_same_source_gives_the_same_bytes(books, tmp_path) -> None:
    book = books["all-features-pages"]
    again = make_epub(book.course, BuildContext(page_map=PAGE_MAP))
    assert again == book.path.read_bytes()
    # another process, another hash seed, another day: still the same bytes
    script = ("import sys; from pathlib import Path; from epubtools import PAGE_MAP, build_book, ROOTS; "
              "build_book(ROOTS / 'all-features', Path(sys.argv[1]), PAGE_MAP)")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "SOURCE_DATE_EPOCH": "1",
           "PYTHONPATH": os.pathsep.join([str(REPO), str(Path(__file__).parent)])}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env, cwd=REPO)
    assert (tmp_path / book.path.name).read_bytes() == again


def test_zip_is_a_valid_reproducible_container(books) -> None:
    with zipfile.ZipFile(books["example"].path) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
        assert z.read("mimetype") == b"application/epub+zip"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_package_metadata(books) -> None:
    book = books["all-features"]
    course = book.course
    opf = book.xml("content.opf")
    assert opf.get(XML_LANG) == "en" and opf.get("dir") == "ltr"
    identifier = opf.find(".//dc:identifier", NS)
    assert identifier.text == f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, 'all-features')}"
    assert opf.get("unique-identifier") == identifier.get("id")
    assert opf.find(".//dc:title", NS).text == "All Features & <Edge> Cases"
    assert opf.find(".//dc:language", NS).text == "en"
    creators = opf.findall(".//dc:creator", NS)
    assert [c.text for c in creators] == ["Ada Lovelace", "Émile Durkheim"]
    assert len({c.get("id") for c in creators}) == 2
    assert opf.find(".//dc:publisher", NS).text == "Your School"
    assert opf.find(".//dc:rights", NS).text == "CC BY 4.0"
    assert opf.find(".//dc:description", NS).text.startswith("A two-lesson example")
    assert metas(book, "dcterms:modified") == [course.modified]


def test_accessibility_metadata(books) -> None:
    book = books["all-features"]
    assert metas(book, "schema:accessMode") == ["textual", "visual"]
    assert metas(book, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert set(metas(book, "schema:accessibilityFeature")) >= {
        "structuralNavigation", "alternativeText", "tableOfContents", "readingOrder", "displayTransformability"}
    assert metas(book, "schema:accessibilityHazard") == ["none"]
    assert metas(book, "schema:accessibilitySummary")[0].strip()
    assert metas(book, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_no_page_map_means_no_page_list(books) -> None:
    book = books["all-features"]
    assert book.xml("nav.xhtml").find(".//x:nav[@epub:type='page-list']", NS) is None
    assert metas(book, "pageBreakSource") == []
    assert not {"pageNavigation", "printPageNumbers"} & set(metas(book, "schema:accessibilityFeature"))
    assert b"pagebreak" not in b"".join(book.read(n) for n in book.names() if n.endswith(".xhtml"))


def test_page_map_gives_page_breaks_and_a_page_list(books) -> None:
    book = books["all-features-pages"]
    nav = book.xml("nav.xhtml").find(".//x:nav[@epub:type='page-list']", NS)
    assert nav.get("role") == "doc-pagelist" and nav.get("hidden") is not None
    entries = [(a.text, a.get("href")) for a in nav.iterfind(".//x:a", NS)]
    assert [label for label, _ in entries] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    docs = book.documents()
    for label, href in entries:
        file, _, marker_id = href.partition("#")
        marker = docs[file].find(f".//*[@id='{marker_id}']")
        assert (marker.get(EPUB_TYPE), marker.get("role"), marker.get("aria-label")) == ("pagebreak", "doc-pagebreak", label)
    # each marker sits just before the element the page map names
    chapter = docs["lesson-getting-started.xhtml"]
    assert chapter.find(".//*[@id='page-2']").getnext().get("id") == "getting-started--tables-and-lists"
    assert chapter.find(".//*[@id='page-1']").getnext().get("id") == "getting-started"
    assert chapter.find(".//*[@id='page-4']").getnext().get("id") == "getting-started--fn.1"
    assert metas(book, "pageBreakSource") == ["all-features-workbook.pdf"]
    assert book.xml("content.opf").find(".//dc:source", NS).text == "all-features-workbook.pdf"
    assert {"pageNavigation", "printPageNumbers"} <= set(metas(book, "schema:accessibilityFeature"))


def test_right_to_left_course(books) -> None:
    book = books["rtl"]
    opf = book.xml("content.opf")
    assert opf.find(".//opf:spine", NS).get("page-progression-direction") == "rtl"
    assert opf.get("dir") == "rtl" and opf.get(XML_LANG) == "ar"
    assert {root.get("dir") for root in book.documents().values()} == {"rtl"}
    assert books["all-features"].xml("content.opf").find(".//opf:spine", NS).get("page-progression-direction") == "ltr"


def test_cover_image_page_and_generated_cover(books) -> None:
    book = books["all-features"]
    opf = book.xml("content.opf")
    cover = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover.get("href") == "media/cover.svg"
    img = book.documents()["cover.xhtml"].find(".//x:img", NS)
    assert (img.get("src"), img.get("role")) == ("media/cover.svg", "doc-cover") and img.get("alt")
    starter = books["starter"]
    generated = starter.xml("content.opf").find(".//opf:item[@properties='cover-image']", NS)
    assert generated.get("href") == "cover-image.svg"
    svg = starter.xml("cover-image.svg")
    assert svg.get("viewBox") == "0 0 1200 1600"
    assert starter.course.title in "".join(svg.itertext())


def test_media_are_copied_byte_for_byte(books) -> None:
    book = books["all-features"]
    for key, media in book.course.media.items():
        assert book.read(f"EPUB/{key}") == media.data


def test_inline_svg_and_mathml_set_manifest_properties() -> None:
    page = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p>{}</body></html>')
    assert manifest_properties(parse(page.format(""))) == []
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'
    math = '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'
    assert manifest_properties(parse(page.format(svg + math))) == ["mathml", "svg"]
