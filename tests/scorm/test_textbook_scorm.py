"""Callout boxes, formulas, rubrics and further reading on the SCORM pages, in Chromium.

axe-core checks these pages with every other page of the all-features course in
test_preview_a11y.py (its lesson 3 holds every kind of box, formulas and further reading; its
essay's rubric is shown once the quiz is answered); here: what a learner sees and when.
"""

from __future__ import annotations

from scorm_support import Learner
from test_preview_a11y import goto, violations


def test_boxes_formulas_and_further_reading_on_a_lesson_page(tab, web, packages) -> None:
    package = packages["all-features", "1.2"]
    tab.goto(web.url(f"/pkg/{package.url_name}/index.html"))
    tab.locator("[data-action=start]").click()
    goto(tab, "L:more-features")
    page = tab.locator('.cp-page[data-key="L:more-features"]')
    titles = page.locator(".callout-title").all_inner_texts()
    assert titles == ["Note: Callout boxes", "Tip", "Warning: Mind the gap", "Example: The Delian League treasury",
                      "Key takeaways", "Primary source", "Activity: Work it out"]
    assert page.locator("aside.callout-note[role=note]").get_attribute("aria-labelledby") == "more-features--callout1-title"
    assert tab.evaluate("getComputedStyle(document.querySelector('.callout-note')).borderLeftWidth") == "6px"
    display = page.locator(".math-display math")
    assert display.get_attribute("alttext") == "c = \\sqrt{a^2 + b^2} = \\frac{10}{2}"
    assert tab.evaluate("document.querySelector('.math-display math').namespaceURI") == "http://www.w3.org/1998/Math/MathML"
    assert display.bounding_box()["height"] > 20  # laid out as a formula (a fraction), not a line of text
    link = page.locator(".further-reading a.url")
    assert link.get_attribute("href") == link.inner_text() == "https://doi.org/10.2307/2538540"
    assert violations(tab) == []


def test_the_rubric_is_shown_for_self_assessment_once_the_essay_is_submitted(tab, web, packages) -> None:
    package = packages["all-features", "1.2"]
    tab.goto(web.url(f"/pkg/{package.url_name}/index.html"))
    learner = Learner(tab.main_frame, package.course)
    lesson = next(lesson for lesson in package.course.lessons if any(q.type == "essay" for q in lesson.questions))
    essay = next(q for q in lesson.questions if q.type == "essay")
    learner.open_quiz(lesson.id)
    rubric = learner.fieldset(essay).locator("table.cp-rubric")
    assert rubric.count() == 1 and rubric.is_hidden()
    assert learner.answer_and_check(essay, True) == package.course.strings.answer_recorded
    assert rubric.is_visible()
    assert rubric.locator("caption").inner_text().startswith("Rubric")
    assert rubric.locator("tbody th").all_inner_texts() == ["Names the single source", "Explains why the outputs agree"]
    assert "1: Says a correction reaches every output" in rubric.inner_text()
    assert violations(tab) == []
