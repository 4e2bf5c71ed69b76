"""The package without an LMS (opened from disk), and axe-core on every kind of page."""

from __future__ import annotations

from scorm_support import AXE, Learner

from builders.model import Question
from builders.scorm.quiz import encode_header, encode_record
from tests.conftest import TEST_OUTPUT

AXE_RUN = """async (skip) => {
  const rules = Object.fromEntries(skip.map(id => [id, {enabled: false}]));
  return (await axe.run(document, {resultTypes: ["violations"], rules})).violations
    .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`);
}"""


def violations(page, skip: tuple[str, ...] = ()) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, list(skip))


def goto(page, key: str) -> None:
    page.locator("details.cp-toc summary").click()
    page.locator(f'details.cp-toc a[data-goto="{key}"]').click()
    page.locator(f'.cp-page[data-key="{key}"]').wait_for(state="visible")


def test_without_an_lms_the_course_works_and_records_nothing(tab, packages) -> None:
    package = packages["all-features", "1.2"]
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto((package.folder / "index.html").as_uri())
    notice = tab.locator(".cp-preview")
    assert notice.is_visible() and notice.inner_text() == package.course.strings.preview_notice
    assert tab.locator("[data-action=exit]").is_hidden()
    tab.locator("[data-action=start]").click()
    assert tab.locator(".cp-page:not([hidden])").get_attribute("data-page") == "lesson"
    learner = Learner(tab.main_frame, package.course)
    lesson = package.course.lessons[1]
    learner.open_quiz(lesson.id)
    first, second = lesson.questions[:2]
    assert learner.answer_and_check(first, True) == "Correct."
    assert learner.answer_and_check(second, False) == "Incorrect."
    assert learner.fieldset(second).locator("[data-action=retry]").is_visible()
    assert tab.evaluate("typeof window.API === 'undefined' && typeof window.API_1484_11 === 'undefined'")
    record = {"key": "ab12x", "attempts": 2, "state": "c", "interaction": 11, "payload": "héllo;:,"}
    encoded = tab.evaluate("r => Coursepack.state.encode('Q:x', [r])", record)
    assert encoded == encode_header("Q:x") + encode_record("ab12x", 2, "c", 11, "héllo;:,")
    assert tab.evaluate("t => Coursepack.state.decode(t).records.ab12x.payload", encoded) == "héllo;:,"
    assert requests and all(url.startswith("file://") for url in requests), requests


def _answer_page(learner: Learner, questions: tuple[Question, ...]) -> None:
    for i, question in enumerate(questions):
        learner.answer_and_check(question, i % 2 == 0)


SHOW_ALL = "() => document.querySelectorAll('.cp-page').forEach(page => { page.hidden = false; })"
"""Every page at once (as printed): one axe run covers a whole course. Each lesson's "Learning
objectives" and "Notes" regions then appear several times, which a learner never sees (one page
is shown at a time, and the single pages above are checked with every rule): skip that rule."""
ALL_PAGES_SKIP = ("landmark-unique",)


def test_axe_finds_nothing_on_any_page(tab, web, packages) -> None:
    found = {}
    package = packages["all-features", "1.2"]
    tab.goto(web.url(f"/pkg/{package.url_name}/index.html"))
    found["title page"] = violations(tab)
    tab.locator("[data-action=start]").click()
    found["lesson page"] = violations(tab)
    learner = Learner(tab.main_frame, package.course)
    for lesson in package.course.lessons:
        learner.open_quiz(lesson.id)
        _answer_page(learner, lesson.questions)
    assert tab.locator("[data-action=retry]:not([hidden])").count() > 0
    found["quiz page with feedback"] = violations(tab)
    goto(tab, "results")
    found["results page"] = violations(tab)
    tab.evaluate(SHOW_ALL)
    found["all pages"] = violations(tab, ALL_PAGES_SKIP)

    one_try = packages["one-try", "1.2"]
    tab.goto(web.url(f"/pkg/{one_try.url_name}/index.html"))
    learner = Learner(tab.main_frame, one_try.course)
    lesson = one_try.course.lessons[1]
    learner.open_quiz(lesson.id)
    _answer_page(learner, lesson.questions)
    assert tab.locator(".cp-answer:not([hidden])").count() > 0
    found["quiz page with correct answers shown"] = violations(tab)

    if ("example", "1.2") in packages:
        tab.goto(web.url(f"/pkg/{packages['example', '1.2'].url_name}/index.html"))
        tab.evaluate(SHOW_ALL)
        found["every page of the example course"] = violations(tab, ALL_PAGES_SKIP)
    assert {name: v for name, v in found.items() if v} == {}


def test_phone_sized_screen_and_keyboard_only(tab, packages) -> None:
    package = packages["all-features", "1.2"]
    tab.set_viewport_size({"width": 360, "height": 740})
    tab.goto((package.folder / "index.html").as_uri())
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.tagName") == "SUMMARY"
    tab.locator("[data-action=start]").focus()
    tab.keyboard.press("Enter")
    focused = tab.evaluate("document.activeElement.closest('.cp-page').getAttribute('data-page')")
    assert focused == "lesson"
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") in ("solid", "auto", "none")
    question = package.course.lessons[1].questions[0]
    goto(tab, f"Q:{package.course.lessons[1].id}")
    box = tab.locator(f'fieldset[data-question-id="{question.id}"]')
    box.locator("input").first.focus()
    tab.keyboard.press("Space")
    box.locator("[data-action=check]").focus()
    tab.keyboard.press("Enter")
    assert box.locator(".cp-result").text_content() in ("Correct.", "Incorrect.")
    TEST_OUTPUT.mkdir(exist_ok=True)
    tab.screenshot(path=TEST_OUTPUT / "scorm-phone-quiz.png")
