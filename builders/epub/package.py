"""Finished documents + the Course -> the bytes of a valid, reproducible EPUB 3 file.

ebooklib (the owner's choice of package assembler) holds the manifest items, writes the
package document (metadata, manifest, spine, EPUB 2 guide), builds the NCX for older
readers from our contents tree, and writes the zip. Our XHTML goes in as raw items
(``EpubItem`` with bytes), never as ``EpubHtml``, so ebooklib neither re-parses it
(it would lowercase SVG attributes such as viewBox) nor scans it for a page-list.

Where ebooklib 0.20 falls short, this module steps in:
- the package element gets ``xml:lang`` (and ``dir``) through a small writer subclass;
- each creator gets its own id (``add_author`` defaults every one to ``creator``);
- the nav document is ours (a raw item with ``properties="nav"``); the NCX is always added,
  since ebooklib's spine always names one;
- ``dcterms:modified`` comes from the course (``mtime``), never the clock;
- write errors raise (``raise_exceptions`` only covers ``write_epub``; we call the writer);
- the zip is rewritten: mimetype first and stored, entries sorted, fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import PurePosixPath

from ebooklib import epub
from lxml import etree

from ..base import PageMap
from ..model import Course
from ..shared.templating import asset
from .documents import Document
from .layout import NAV, STYLESHEET, Layout, TocEntry, book_identifier

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
A11Y_FEATURES = (
    "alternativeText", "displayTransformability", "readingOrder", "structuralNavigation",
    "tableOfContents",
)
PAGE_FEATURES = ("pageNavigation", "printPageNumbers")
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class _Book(epub.EpubBook):
    """ebooklib's book, finding items by id in a dict: its own lookup scans every item, once
    per spine entry, which grows with the square of the lesson count."""

    def get_item_with_id(self, uid: str) -> epub.EpubItem | None:
        by_id, count = self.__dict__.get("_by_id", ({}, 0))
        if count != len(self.items):  # items were added since the index was made
            by_id = {}
            for item in self.items:
                by_id.setdefault(item.id, item)  # the first one wins, as in ebooklib
            self._by_id = (by_id, len(self.items))
        return by_id.get(uid)


class _Writer(epub.EpubWriter):
    """ebooklib's writer, plus the package attributes it cannot set itself."""

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, options: dict, course: Course) -> None:
        super().__init__(out, book, options)
        self.course = course

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set(XML_LANG, self.course.language)
        root.set("dir", self.course.direction)
        super()._write_opf_file(root)


def package(course: Course, layout: Layout, documents: list[Document], media: dict[str, bytes],
            page_map: PageMap | None) -> bytes:
    """The EPUB file. ``media``: package path -> bytes of every image (the cover included)."""
    book = _Book()
    _metadata(book, course, page_map)
    _items(book, layout, documents, media)
    book.toc = [_toc_item(entry, f"np-{n}") for n, entry in enumerate(layout.toc(), start=1)]
    book.spine = [doc.uid for doc in documents]
    book.guide = _guide(course, documents)
    book.set_direction(course.direction)
    out = io.BytesIO()
    # compresslevel 0: normalize_zip compresses every entry anyway, once is enough
    options = {"mtime": dt.datetime.strptime(course.modified, "%Y-%m-%dT%H:%M:%SZ"), "compresslevel": 0}
    writer = _Writer(out, book, options, course)
    writer.process()
    writer.write()
    return normalize_zip(out.getvalue())


def _metadata(book: epub.EpubBook, course: Course, page_map: PageMap | None) -> None:
    book.set_identifier(book_identifier(course))
    book.set_title(course.title)
    book.set_language(course.language)
    for n, author in enumerate(course.authors, start=1):
        book.add_author(author, role="aut", uid=f"creator-{n}")
    for name, value in (("publisher", course.publisher), ("rights", course.license),
                        ("description", course.description), ("date", course.date)):
        if value:
            book.add_metadata("DC", name, value)
    features = A11Y_FEATURES
    if page_map is not None:
        book.add_metadata("DC", "source", page_map.source)
        _meta(book, "pageBreakSource", page_map.source)
        features = tuple(sorted(A11Y_FEATURES + PAGE_FEATURES))
    _accessibility(book, course, features)


def _accessibility(book: epub.EpubBook, course: Course, features: Iterable[str]) -> None:
    for mode in ("textual", "visual"):
        _meta(book, "schema:accessMode", mode)
    for sufficient in ("textual", "textual,visual"):
        _meta(book, "schema:accessModeSufficient", sufficient)
    for feature in features:
        _meta(book, "schema:accessibilityFeature", feature)
    _meta(book, "schema:accessibilityHazard", "none")
    _meta(book, "schema:accessibilitySummary", course.strings.accessibility_summary)
    _meta(book, "dcterms:conformsTo", CONFORMS_TO)
    _meta(book, "a11y:certifiedBy", course.publisher or ", ".join(course.authors) or course.title)


def _meta(book: epub.EpubBook, prop: str, value: str) -> None:
    book.add_metadata(None, "meta", value, {"property": prop})


def _items(book: epub.EpubBook, layout: Layout, documents: list[Document], media: dict[str, bytes]) -> None:
    cover = layout.cover_image
    # What set_cover(create_page=False) does, with the media type given: left to ebooklib, it
    # comes from the system's mime.types, whose reading alone takes longer than a small book.
    image = epub.EpubCover(file_name=cover)
    image.content, image.media_type = media[cover], _media_type(cover)
    book.add_item(image)
    book.add_metadata(None, "meta", "", OrderedDict([("name", "cover"), ("content", "cover-img")]))
    for n, (path, data) in enumerate(sorted((p, d) for p, d in media.items() if p != cover), start=1):
        book.add_item(epub.EpubImage(uid=f"img-{n}", file_name=path, content=data, media_type=_media_type(path)))
    book.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                                content=asset("epub/style.css")))
    book.add_item(epub.EpubNcx())
    for doc in documents:
        item = epub.EpubItem(uid=doc.uid, file_name=doc.file, media_type="application/xhtml+xml",
                             content=doc.content)
        item.properties = doc.properties + (["nav"] if doc.file == NAV else [])
        book.add_item(item)


def _media_type(path: str) -> str:
    return IMAGE_TYPES[PurePosixPath(path).suffix.lower()]


def _toc_item(entry: TocEntry, uid: str) -> object:
    link = epub.Link(entry.href, entry.title, uid)
    if not entry.children:
        return link
    return (link, [_toc_item(child, f"{uid}-{n}") for n, child in enumerate(entry.children, start=1)])


def _guide(course: Course, documents: list[Document]) -> list[dict[str, str]]:
    """The EPUB 2 guide, for readers that predate the nav document."""
    by_uid = {doc.uid: doc for doc in documents}
    guide = [{"type": "cover", "href": by_uid["cover"].file, "title": course.strings.cover},
             {"type": "toc", "href": NAV, "title": course.strings.contents}]
    if course.lessons:
        first = by_uid[f"lesson-{course.lessons[0].id}"]
        guide.append({"type": "text", "href": first.file, "title": first.title})
    return guide


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an EPUB zip reproducibly: mimetype first and stored, then sorted, fixed-time entries."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(_info("mimetype", zipfile.ZIP_STORED), entries.pop("mimetype"))
        for name in sorted(entries):
            target.writestr(_info(name, zipfile.ZIP_DEFLATED), entries[name])
    return out.getvalue()


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = compression
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info
