"""A course -> the files of its preview, rendered the way the outputs render them.

The book is the EPUB's XHTML and stylesheet (:mod:`builders.epub.documents`), the print
editions are the HTML the PDFs are made from (:mod:`builders.pdf.html`), the SCORM view serves
the package's members (:mod:`builders.scorm.builder`). Each view is rendered on first request
and kept until the next rebuild, so a rebuild costs only the course's load. Pages get the live
reload script; the SCO pages stay exactly as packaged.
"""

from __future__ import annotations

import re
import threading
from functools import cached_property
from pathlib import PurePosixPath

from ..epub.documents import cover_svg, documents
from ..epub.layout import STYLESHEET, Layout
from ..model import Course
from ..pdf.html import document_html
from ..scorm.builder import package_members
from ..scorm.quiz import LIMITS
from ..shared.templating import asset, templates_dir

MEDIA_TYPES = {
    ".xhtml": "application/xhtml+xml", ".html": "text/html; charset=utf-8", ".css": "text/css",
    ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".ttf": "font/ttf", ".xml": "application/xml",
}
EDITIONS = {"workbook.html": "workbook", "answer-key.html": "answer-key"}
LIVE_SCRIPT = "/_coursepack/live.js"
File = tuple[bytes, str]
"""The bytes of a served file and its Content-Type."""


def media_type(path: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def live_tag(generation: int) -> str:
    """The script that reloads the page after a rebuild and shows the errors of a broken one."""
    return f'<script src="{LIVE_SCRIPT}" data-generation="{generation}"></script>'


_BODY_RE = re.compile(r"(<body\b[^>]*>)(.*)(</body>)", re.DOTALL)


def with_live_script(page: str, generation: int) -> str:
    """The page with the live script in its head, and its body's content in a ``main``
    landmark: a reading system's or a PDF viewer's chrome gives the book and the print editions
    their landmarks; in a browser tab, this one element does (no stylesheet selects it)."""
    head, marker, rest = page.partition("</head>")
    if not marker:
        return page
    rest = _BODY_RE.sub(lambda m: f"{m[1]}<main>{m[2]}</main>{m[3]}", rest, count=1)
    return head + live_tag(generation) + marker + rest


class Views:
    """The preview of one loaded course (one generation)."""

    def __init__(self, course: Course, generation: int) -> None:
        self.course = course
        self.generation = generation
        self._lock = threading.Lock()
        self._scorm: dict[str, dict[str, File]] = {}

    def _media(self) -> dict[str, File]:
        return {key: (item.data, item.media_type) for key, item in self.course.media.items()}

    @cached_property
    def book(self) -> dict[str, File]:
        """The EPUB's content documents, stylesheet and images, by their path in the package."""
        course = self.course
        layout = Layout(course)
        files = self._media()
        if course.cover is None:
            files[layout.cover_image] = (cover_svg(course), "image/svg+xml")
        files[STYLESHEET] = (asset(f"epub/{STYLESHEET}"), "text/css")
        for document in documents(course, layout, None):
            text = with_live_script(document.content.decode("utf-8"), self.generation)
            files[document.file] = (text.encode("utf-8"), "application/xhtml+xml")
        return files

    @cached_property
    def print(self) -> dict[str, File]:
        """The workbook and the answer key as HTML (with their print CSS), images and fonts."""
        files = self._media()
        fonts = templates_dir() / "pdf" / "fonts"
        files.update({f"fonts/{p.name}": (p.read_bytes(), "font/ttf") for p in sorted(fonts.glob("*.ttf"))})
        for name, edition in EDITIONS.items():
            page = document_html(self.course, edition, self.course.pdf.page_size)
            files[name] = (with_live_script(page, self.generation).encode("utf-8"), media_type(name))
        return files

    def scorm(self, version: str) -> dict[str, File]:
        """The members of the SCORM package of ``version``, as the zip would hold them."""
        with self._lock:
            if version not in self._scorm:
                members = package_members(self.course, LIMITS[version])
                self._scorm[version] = {name: (data, media_type(name)) for name, data in members.items()}
            return self._scorm[version]

    def warm(self) -> None:
        """Render every view of the course's own settings now."""
        _ = self.book, self.print, self.scorm(self.course.scorm.version)
