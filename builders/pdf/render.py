"""HTML -> laid-out pages -> PDF bytes, with WeasyPrint; the only module that imports it.

In: the HTML of one part of an edition (:mod:`builders.pdf.html`), the edition's stylesheet
and the course media. Out: a laid-out ``weasyprint.Document`` (its pages give the page count,
the pages of its anchors and the page map), then the part as a tagged PDF/UA-1 document whose
dates come from the source, never the clock (:mod:`builders.pdf.merge` joins the parts).
Images and fonts are served from memory (course media, the course's fonts, templates/pdf/fonts):
nothing else is fetched, so a build never touches the network or the course folder.

WeasyPrint copies every ``@font-face`` font into a temporary folder (one per
``FontConfiguration``) and removes it only when the configuration is garbage-collected, which a
worker process that exits never does. So the :class:`Renderer` gives WeasyPrint a folder of its
own, named after the process (``coursepack-fonts-PID-…``), and removes it when it closes, on
success or failure; a folder whose process was killed is removed by the next build.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Self, TypeVar
from urllib.parse import unquote

from lxml import etree

from .. import __version__
from ..incremental import key
from ..model import Media
from ..shared import ids
from ..shared.templating import templates_dir
from .fonts import FontSet, stack
from .libraries import found_quickly
from .math import DRAWN, IMAGE_FOLDER

with found_quickly():
    import weasyprint
    from weasyprint import CSS, HTML, Document
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://coursepack.invalid/"
"""Relative URLs in the HTML resolve against this; :class:`MemoryFetcher` answers them all."""
PDF_VARIANT = "pdf/ua-1"
ID_RE = re.compile(r'\sid="([^"]+)"')
"""The ids of our HTML (every anchor a page can begin with)."""
_FONT_RE = re.compile(r"font-family\s*:\s*([^;}]*)")
FONT_FOLDER_PREFIX = "coursepack-fonts-"
T = TypeVar("T")


class MemoryFetcher(URLFetcher):
    """Serves ``media/…`` from the course, ``fonts/…`` from the :class:`FontSet` and ``math/…``
    from the formulas drawn (:mod:`builders.pdf.math`); refuses the rest."""

    def __init__(self, media: Mapping[str, Media], fonts: FontSet | None = None) -> None:
        super().__init__(fail_on_errors=True)
        self.media = media
        self.fonts = fonts or FontSet()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = unquote(url.removeprefix(BASE_URL))
        if path in self.media:
            item = self.media[path]
            data = (svg_with_workbook_fonts(item.data, self.fonts) if item.media_type == "image/svg+xml"
                    else item.data)
            return URLFetcherResponse(url, data, {"Content-Type": item.media_type})
        if path.startswith(IMAGE_FOLDER) and path.removeprefix(IMAGE_FOLDER) in DRAWN:
            return URLFetcherResponse(url, DRAWN[path.removeprefix(IMAGE_FOLDER)], {"Content-Type": "image/svg+xml"})
        font = self.fonts.file(path)
        if font is not None:
            return URLFetcherResponse(url, font, {"Content-Type": "font/sfnt"})
        raise ValueError(f"{url} is not part of the course")


def svg_with_workbook_fonts(data: bytes, fonts: FontSet) -> bytes:
    """An SVG whose text is set in the workbook's faces (serif stays serif), never a system font."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    sans, serif = stack(fonts.sans, "'"), stack(fonts.serif, "'")

    def family(families: str) -> str:
        first = families.split(",")[0].strip().strip("'\"").lower()
        return serif if "serif" in first and "sans" not in first else sans

    def declaration(match: re.Match) -> str:
        return f"font-family: {family(match.group(1))}"

    if not root.get("font-family"):
        root.set("font-family", sans)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("font-family"):
            element.set("font-family", family(element.get("font-family")))
        if "font-family" in (element.get("style") or ""):
            element.set("style", _FONT_RE.sub(declaration, element.get("style")))
        if element.tag.endswith("}style") and element.text:
            element.text = _FONT_RE.sub(declaration, element.text)
    return etree.tostring(root)


class Renderer:
    """Lays out the parts of one edition and writes each as a PDF/UA-1 document.

    The stylesheet (with its ``@font-face`` fonts) is parsed once for every part, when the
    first part is laid out (an edition whose parts all come from the store never parses it),
    and images are decoded once: a part costs its own layout and little more. Use it in a
    ``with`` block: leaving it removes WeasyPrint's copies of the fonts (after the last
    :meth:`pdf`, which embeds them from there).
    """

    def __init__(self, media: Mapping[str, Media], css: str, *, forms: bool = False,
                 fonts: FontSet | None = None) -> None:
        self.fetcher = MemoryFetcher(media, fonts)
        self.css = css
        self.fonts: FontConfiguration | None = None
        self._stylesheet: CSS | None = None
        self.forms = forms or None
        self.images: dict = {}
        # everything besides a part's HTML that decides what layout() and pdf() make of it
        self.identity = key("renderer", __version__, weasyprint.__version__, css, str(forms), _code_digest(),
                            *(f"{path}\n{item.media_type}\n{hashlib.sha256(item.data).hexdigest()}"
                              for path, item in sorted(media.items())),
                            *(f"{url}\n{hashlib.sha256(font.data).hexdigest()}"
                              for url, font in sorted((fonts.course if fonts else {}).items())))

    @property
    def stylesheet(self) -> CSS:
        if self._stylesheet is None:
            self.fonts = FontConfiguration()
            self.fonts._folder = _font_folder()  # where add_font_face writes, instead of its own mkdtemp
            self._stylesheet = _fetching(lambda: CSS(string=self.css, base_url=BASE_URL, url_fetcher=self.fetcher,
                                                     font_config=self.fonts))
        return self._stylesheet

    def prepare(self) -> None:
        """Parse the stylesheet now (forked processes then share it) rather than at the first layout."""
        _ = self.stylesheet

    def layout(self, html: str) -> Document:
        page_html = HTML(string=html, base_url=BASE_URL, url_fetcher=self.fetcher)
        stylesheet = self.stylesheet
        return _fetching(lambda: page_html.render(
            font_config=self.fonts, stylesheets=[stylesheet], pdf_variant=PDF_VARIANT,
            pdf_forms=self.forms, cache=self.images))

    def pdf(self, document: Document) -> bytes:
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_forms=self.forms)

    def untagged(self, html: str) -> Document:
        """Pages drawn over others (:mod:`builders.pdf.stamps`, :mod:`builders.pdf.slots`): no
        tags of their own."""
        page_html = HTML(string=html, base_url=BASE_URL, url_fetcher=self.fetcher)
        stylesheet = self.stylesheet
        return _fetching(lambda: page_html.render(font_config=self.fonts, stylesheets=[stylesheet],
                                                  cache=self.images))

    def untagged_pdf(self, html: str) -> bytes:
        return self.untagged(html).write_pdf()

    def close(self) -> None:
        """Remove the folder where WeasyPrint keeps its copies of the ``@font-face`` fonts."""
        folder = getattr(self.fonts, "_folder", None)  # no fonts yet: nothing was laid out
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            self.fonts._folder = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


WARM_UP_HTML = ('<!DOCTYPE html><html lang="en"><head><title>warm-up</title></head><body><h1>A</h1>'
                '<p>B <b>c</b> <i>d</i> <a href="#x">e</a><sup>1</sup></p><ul><li id="x">f</li></ul>'
                '<table><tr><th>g</th><td>h</td></tr></table></body></html>')


def warm_up() -> None:
    """Lay out and write a page in the bundled fonts, in the process the build's jobs are forked
    from while it waits for the course (:mod:`builders.forkpool`): what WeasyPrint and cffi do
    only the first time (about 0.1 s: cffi parses each C type at its first use, with every type
    name WeasyPrint declares) is then done once for every job, not once in each."""
    from .html import fonts_css

    fonts = FontSet()
    with Renderer({}, fonts_css(fonts), fonts=fonts) as renderer:
        renderer.pdf(renderer.layout(WARM_UP_HTML))


@functools.cache
def _code_digest() -> str:
    """This package's code and the shipped fonts (a changed renderer must not reuse old layouts)."""
    files = sorted(Path(__file__).parent.glob("*.py")) + sorted((templates_dir() / "pdf" / "fonts").glob("*"))
    return key(*(f"{path.name}\n{hashlib.sha256(path.read_bytes()).hexdigest()}" for path in files))


def _font_folder() -> Path:
    """A new temporary folder for one renderer's fonts, after removing those of dead processes."""
    temp = Path(tempfile.gettempdir())
    for folder in temp.glob(f"{FONT_FOLDER_PREFIX}*-*"):
        pid = folder.name.removeprefix(FONT_FOLDER_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{FONT_FOLDER_PREFIX}{os.getpid()}-", dir=temp))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def render(html: str, media: Mapping[str, Media], *, forms: bool = False) -> Document:
    """Lay out one self-contained HTML document (its stylesheet inside it); for tests. Its fonts
    stay in a ``coursepack-fonts-PID-*`` folder until the process ends (the next build removes
    folders of dead processes): use :class:`Renderer` in a ``with`` block to build."""
    return Renderer(media, "", forms=forms).layout(html)


def _fetching(step: Callable[[], T]) -> T:
    try:
        return step()
    except FatalURLFetchingError as exc:  # a BaseException: make it an ordinary, reported failure
        raise ValueError(f"{exc} (a build fetches nothing outside the course)") from exc


def _marks_a_page(anchor: str, anchors: Mapping[str, object]) -> bool:
    """Model anchors and questions (ids every output shares); not footnotes, which float
    to the foot of the page in print but sit at the end of the chapter in an e-book."""
    if ids.is_footnote(anchor):
        return False
    return anchor in anchors or anchor.startswith(ids.QUESTION_PREFIX)


def page_map(document: Document, html: str, anchors: Mapping[str, object], first_page: int = 1) -> dict[str, str]:
    """For each page, the first model anchor (in document order) that begins there -> its label.

    A split element is listed in ``page.anchors`` of every page it spans; only its first page
    counts. Labels are the printed page numbers (the footer's ``counter(page)``), counted from
    ``first_page``.
    """
    order = {anchor: i for i, anchor in enumerate(ID_RE.findall(html)) if _marks_a_page(anchor, anchors)}
    seen: set[str] = set()
    pages: dict[str, str] = {}
    for number, page in enumerate(document.pages, start=first_page):
        starting = [a for a in page.anchors if a in order and a not in seen]
        seen.update(page.anchors)
        if starting:
            pages[min(starting, key=order.__getitem__)] = str(number)
    return pages
