"""Make docs/images/preview-inspector.png: ``coursepack serve`` on a copy of the example course,
the SCORM 1.2 view, a learner half-way through lesson 1 (one wrong answer), one value Moodle
refuses, and the inspector beside the SCO.

Run from the repository root: ``python docs/images/make_preview_screenshot.py`` (needs
/usr/bin/chromium and Playwright, as the tests do).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, load  # noqa: E402
from tests.preview.conftest import start_server  # noqa: E402
from tests.scorm.scorm_support import Learner  # noqa: E402

OUT = Path(__file__).resolve().parent / "preview-inspector.png"


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="coursepack-shot-"))
    course_dir = base / "course"
    shutil.copytree(REPO / "course", course_dir)
    course = load(course_dir)
    server = start_server(course_dir, base)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(server.url("/scorm/?version=1.2"))
            page.locator("#lms-inspector [data-lms=forget]").click()
            frame = page.locator("#sco-holder iframe").element_handle().content_frame()
            frame.wait_for_selector(".cp-page:not([hidden])")
            learner = Learner(frame, course)
            lesson = course.lessons[0]
            learner.open_quiz(lesson.id)
            for n, question in enumerate(lesson.questions[:3]):
                learner.answer_and_check(question, n != 1)
            page.evaluate("API.LMSSetValue('cmi.core.score.raw', '100.5')")
            page.evaluate("API.LMSCommit('')")
            page.screenshot(path=str(OUT))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
