"""Make the pictures of the README and docs/ from a real build of the example course.

    python docs/images/make_screenshots.py                 # builds course/ into a temporary folder
    python docs/images/make_screenshots.py --dist /tmp/d   # uses a build already in /tmp/d

Writes, next to this file:

- pdf-worksheet.png, pdf-contents.png, pdf-answer-key.png: pages of the workbook and the answer
  key, rasterised by poppler's pdftoppm;
- epub-reader.png: a chapter of the EPUB (its own XHTML and style sheet, unchanged) in a
  reader-like frame, drawn by Chromium (the engine Thorium Reader is built on; not a
  screenshot of Thorium itself);
- scorm-quiz.png: the SCORM 1.2 package played by scorm-again (the real SCORM runtime the tests
  use) in the tests' stand-in LMS page (tests/scorm/host.html), a question answered and checked.

Needs what the tests need (tests/setup.sh): poppler-utils, /usr/bin/chromium, Playwright and
tests/js/node_modules (scorm-again). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.scorm.scorm_support import Web  # noqa: E402

SCORM_AGAIN = REPO / "tests" / "js" / "node_modules" / "scorm-again" / "dist"
OPF = "{http://www.idpf.org/2007/opf}"
READER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{book}</title>
<style>
  body {{ margin: 0; background: #e9e6df; font-family: DejaVu Sans, sans-serif; }}
  header {{ display: flex; justify-content: space-between; align-items: center; padding: 8px 18px;
           background: #fbfaf7; border-bottom: 1px solid #cfcabf; color: #444; font-size: 13px; }}
  .page {{ width: 720px; height: 760px; margin: 18px auto; background: #fffdf8;
           box-shadow: 0 2px 10px rgba(0,0,0,.18); }}
  iframe {{ width: 100%; height: 100%; border: 0; }}
</style></head>
<body><header><span>&#9776; Contents</span><span>{book}</span><span>Aa</span></header>
<div class="page"><iframe src="{chapter}" title="chapter"></iframe></div></body></html>
"""
LMS_BAR = """() => {
  const bar = document.createElement('div');
  bar.textContent = 'Stand-in LMS (tests/scorm/host.html) \u2014 scorm-again SCORM 1.2 runtime';
  bar.style.cssText = 'font: 13px DejaVu Sans, sans-serif; padding: 8px 14px; background: #1f4e79; color: #fff';
  document.body.style.margin = '0';
  document.body.prepend(bar);
}"""


def build(dist: Path) -> None:
    subprocess.run([sys.executable, "-m", "builders", "-q", "build", str(REPO / "course"), "--out", str(dist)],
                   cwd=REPO, check=True)


def only(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"expected one {pattern} in {dist}, found {[p.name for p in found]}")
    return found[0]


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")


def first_page(pages: list[str], pattern: str, start: int = 0) -> int:
    """The 1-based number of the first page from ``start`` whose text matches ``pattern``."""
    for number, text in enumerate(pages[start:], start=start + 1):
        if re.search(pattern, text, re.M):
            return number
    raise SystemExit(f"no page matches {pattern!r}")


def rasterise(pdf: Path, page: int, target: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True)
    print(f"wrote {target.relative_to(REPO)} (page {page} of {pdf.name})")


def pdf_pictures(dist: Path) -> None:
    workbook = only(dist, "*-workbook.pdf")
    key = only(dist, "*-answer-key.pdf")
    pages = pages_text(workbook)
    rasterise(workbook, first_page(pages, r"^\s*Contents\s*$"), HERE / "pdf-contents.png")
    worksheet = first_page(pages, r"^\s*Worksheet\b[\s\S]*^\s*Name:")
    rasterise(workbook, worksheet, HERE / "pdf-worksheet.png")
    prompt = next(line.split()[1:] for line in pages[worksheet - 1].splitlines() if re.match(r"\s*1\.\s", line))
    key_pages = pages_text(key)
    after_glance = first_page(key_pages, r"Answers at a glance")
    rasterise(key, first_page(key_pages, r"Worksheet[\s\S]*" + r"\s+".join(map(re.escape, prompt)), after_glance),
              HERE / "pdf-answer-key.png")


def second_chapter(book: Path) -> str:
    """The path, inside the unzipped book, of the second lesson in reading order."""
    container = etree.parse(str(book / "META-INF" / "container.xml"))
    opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = etree.parse(str(book / opf_path))
    hrefs = {item.get("id"): item.get("href") for item in opf.iter(f"{OPF}item")}
    spine = [hrefs[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]
    lessons = [href for href in spine if Path(href).name.startswith("lesson-")]
    return str(Path(opf_path).parent / lessons[1])


def browser_pictures(dist: Path, root: Path, scorm_again: Path) -> None:
    from playwright.sync_api import sync_playwright

    with zipfile.ZipFile(only(dist, "*.epub")) as epub:
        epub.extractall(root / "book")
    title = etree.parse(str(root / "book" / second_chapter(root / "book"))).findtext(".//{*}title") or ""
    (root / "reader.html").write_text(READER.format(book=title, chapter=f"book/{second_chapter(root / 'book')}"),
                                      encoding="utf-8")
    with zipfile.ZipFile(only(dist, "*-scorm12.zip")) as scorm:
        scorm.extractall(root / "pkg" / "example")
    (root / "lms").mkdir()
    shutil.copy(REPO / "tests" / "scorm" / "host.html", root / "lms" / "host.html")
    (root / "scorm-again").mkdir()
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(scorm_again / name, root / "scorm-again" / name)
    web = Web(root)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 900, "height": 840})
            page.goto(web.url("/reader.html"))
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(HERE / "epub-reader.png"))
            print(f"wrote {(HERE / 'epub-reader.png').relative_to(REPO)}")
            scorm_quiz(page, web)
            browser.close()
    finally:
        web.close()


def scorm_quiz(page, web: Web) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 900, "height": 860})
    page.goto(web.url("/lms/host.html"))
    page.evaluate("options => launch(options)",
                  {"version": "1.2", "sco": "/pkg/example/index.html", "commitUrl": "/commit", "cmi": None})
    page.evaluate(LMS_BAR)
    frame = page.frame(name="sco")
    frame.wait_for_selector(".cp-page:not([hidden])")
    frame.locator("details.cp-toc summary").click()
    frame.locator('details.cp-toc a[data-goto^="Q:"]').first.click()
    question = frame.locator('[data-page="quiz"]:not([hidden]) fieldset[data-question-type="single"]').first
    question.locator("input[type=radio]").first.check()
    question.locator("[data-action=check]").click()
    question.locator(".cp-result").wait_for(state="visible")
    page.wait_for_timeout(300)
    page.screenshot(path=str(HERE / "scorm-quiz.png"))
    print(f"wrote {(HERE / 'scorm-quiz.png').relative_to(REPO)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, help="a build of course/ to use instead of building one")
    parser.add_argument("--scorm-again", type=Path, default=SCORM_AGAIN,
                        help="scorm-again's dist/ folder (default: tests/js/node_modules/scorm-again/dist)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coursepack-shots-") as tmp:
        dist = args.dist or Path(tmp) / "dist"
        if args.dist is None:
            build(dist)
        pdf_pictures(dist)
        browser_pictures(dist, Path(tmp) / "web", args.scorm_again)
    return 0


if __name__ == "__main__":
    sys.exit(main())
