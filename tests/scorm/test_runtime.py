"""The package played by a real SCORM runtime (scorm-again in Chromium), as Moodle would play it.

A scripted learner answers through the markup contract; the tests read what was committed to
the stand-in LMS and check every SetValue against Moodle's stricter rules."""

from __future__ import annotations

import pytest
from moodle_rules import moodle_problems
from scorm_support import (
    FAST_ANSWER,
    SCORM_TYPES,
    Learner,
    LmsSession,
    essay_text,
    expected_raw,
    interactions,
    longest_answer,
    right_response,
    status_of,
)

from builders.model import (
    Essay,
    FillIn,
    Question,
)
from builders.scorm.quiz import question_key

VERSIONS = ["1.2", "2004"]
SET = {"1.2": "LMSSetValue", "2004": "SetValue"}
INIT = {"1.2": "LMSInitialize", "2004": "Initialize"}
FINISH = {"1.2": "LMSFinish", "2004": "Terminate"}
COMMIT = {"1.2": "LMSCommit", "2004": "Commit"}
WRONG = {"1.2": "wrong", "2004": "incorrect"}


def moodle_launch_data(package, entry: str = "ab-initio") -> dict:
    """What Moodle gives a SCO at launch: learner, mode, credit, and the pass mark from the manifest."""
    passing = package.course.assessment.passing_score
    if package.version == "1.2":
        data = {"core": {"student_id": "s1", "student_name": "Learner, Ada", "lesson_mode": "normal",
                         "credit": "credit", "entry": entry}}
        if passing is not None:
            data["student_data"] = {"mastery_score": f"{passing:g}"}
        return data
    data = {"learner_id": "s1", "learner_name": "Learner, Ada", "mode": "normal", "credit": "credit", "entry": entry}
    if passing is not None:
        data["scaled_passing_score"] = f"{passing / 100:g}"
    return data


def launch(page, web, package, cmi: dict | None = None, sco: str = "index.html") -> tuple[LmsSession, Learner]:
    session = LmsSession(page, web, package.url_name, package.version, cmi or moodle_launch_data(package), sco)
    return session, Learner(session.frame, package.course)


def assert_clean(session: LmsSession, finished: bool = True) -> None:
    """Every SetValue accepted by scorm-again and by Moodle's rules; one Initialize, one Finish."""
    v = session.version
    refused = [c for c in session.calls if c[0] == SET[v] and c[2] != "true"]
    assert refused == []
    assert session.set_values, "scorm-again reported no SetValue"
    assert moodle_problems(v, session.set_values) == []
    assert len(session.method_results(INIT[v])) == 1
    assert len(session.method_results(FINISH[v])) == (1 if finished else 0)
    assert all(c[2] == "true" for c in session.method_results(INIT[v], FINISH[v], COMMIT[v]))


def assert_full_marks(cmi: dict, version: str) -> None:
    state = status_of(cmi, version)
    assert (state["raw"], state["min"], state["max"]) == ("100", "0", "100")
    assert state["status" if version == "1.2" else "success"] == "passed"


def assert_interactions(cmi: dict, version: str, questions: list[Question], right: set[str]) -> None:
    found = interactions(cmi, version)
    assert [i.id for i in found] == [q.id for q in questions], "one interaction per answered question"
    for item, question in zip(found, questions):
        assert item.type == SCORM_TYPES[version][question.type], question.id
        if isinstance(question, Essay):
            assert item.result == "neutral" and item.patterns == [] and item.weighting == "0"
            assert item.response == essay_text(question)
            continue
        assert item.result == ("correct" if question.id in right else WRONG[version]), question.id
        assert item.patterns, question.id
        if question.id in right:
            expected = right_response(question, version)
            if expected is not None:
                assert item.response == expected, question.id
            if isinstance(question, FillIn):
                assert item.response.lower() == question.answers[0].lower()
        if version == "2004":
            assert item.raw["description"] and item.raw["timestamp"].endswith("Z")


@pytest.mark.parametrize("version", VERSIONS)
def test_all_right_passes_with_100(fresh_page, web, packages, version) -> None:
    package = packages["all-features", version]
    session, learner = launch(fresh_page, web, package)
    course = package.course
    learner.take(course.lessons, lambda q: True)
    results = learner.frame.locator("[data-page=results]")
    learner.frame.locator("details.cp-toc summary").click()
    learner.frame.locator('details.cp-toc a[data-goto="results"]').click()
    assert "100 %" in results.locator('[data-result="score"]').inner_text()
    cmi = session.exit()
    assert_full_marks(cmi, version)
    state = status_of(cmi, version)
    if version == "1.2":
        assert state["exit"] == ""
    else:
        assert (state["status"], state["scaled"], state["exit"]) == ("completed", "1", "normal")
    right = {q.id for q in course.questions}
    assert_interactions(cmi, version, list(course.questions), right)
    assert_clean(session)
    checks = len(course.questions)
    assert len(session.method_results(COMMIT[version])) >= checks + 1, "a commit after every answer"


@pytest.mark.parametrize("version", VERSIONS)
def test_all_wrong_fails_with_0(fresh_page, web, packages, version) -> None:
    package = packages["all-features", version]
    session, learner = launch(fresh_page, web, package)
    course = package.course
    learner.take(course.lessons, lambda q: False)
    cmi = session.exit()
    state = status_of(cmi, version)
    assert state["raw"] == "0"
    assert state["status"] == ("failed" if version == "1.2" else "completed")
    if version == "2004":
        assert state["success"] == "failed"
    assert_interactions(cmi, version, list(course.questions), set())
    assert_clean(session)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_mix_gives_the_exact_score_and_trying_again_keeps_one_interaction(fresh_page, web, packages, version) -> None:
    package = packages["all-features", version]
    session, learner = launch(fresh_page, web, package)
    course = package.course
    questions = list(course.questions)
    right = {q.id for i, q in enumerate(questions) if i % 3 == 0}
    retried = next(q for i, q in enumerate(questions) if i % 3 == 1 and q.graded)
    for lesson in course.lessons:
        learner.open_quiz(lesson.id)
        for question in lesson.questions:
            message = learner.answer_and_check(question, question.id in right)
            if question is retried:
                assert message.startswith("Incorrect")
                box = learner.fieldset(question)
                assert box.locator("[data-action=check]").get_attribute("aria-disabled") == "true"
                box.locator("[data-action=retry]").click()
                assert box.locator(".cp-result").text_content() == ""
                assert learner.answer_and_check(question, True) == "Correct."
    right.add(retried.id)
    cmi = session.exit()
    raw = expected_raw(questions, right)
    assert raw not in (0, 100)
    state = status_of(cmi, version)
    assert float(state["raw"]) == raw
    passed = raw >= course.assessment.passing_score
    assert state["status" if version == "1.2" else "success"] == ("passed" if passed else "failed")
    assert_interactions(cmi, version, questions, right)
    assert_clean(session)


@pytest.mark.parametrize("version", VERSIONS)
def test_leaving_half_way_and_coming_back_resumes_exactly(fresh_page, web, packages, version) -> None:
    package = packages["all-features", version]
    course = package.course
    first, second, third = course.lessons
    done = list(first.questions) + list(second.questions[:3])
    draft = second.questions[3]

    session, learner = launch(fresh_page, web, package)
    learner.take([first], lambda q: True)
    learner.open_quiz(second.id)
    for question in second.questions[:3]:
        learner.answer_and_check(question, True)
    learner.answer(draft, True)
    cmi = session.leave()
    state = status_of(cmi, version)
    assert state["exit"] == "suspend" and state["location"] == f"Q:{second.id}"
    assert state["status"] == "incomplete" and state["raw"] == ""
    assert cmi["suspend_data"].startswith("cp1;")
    assert_clean(session)

    cmi["core" if version == "1.2" else "entry"] = (
        {**cmi["core"], "entry": "resume"} if version == "1.2" else "resume")
    again, learner = launch(fresh_page, web, package, cmi=cmi)
    frame = again.frame
    visible = frame.locator(".cp-page:not([hidden])")
    assert visible.get_attribute("data-key") == f"Q:{second.id}"
    for question in done:
        box = learner.fieldset(question)
        assert box.locator(".cp-result").text_content() == ("Your answer has been recorded." if not question.graded else "Correct.")
        assert box.locator("[data-action=check]").get_attribute("aria-disabled") == "true"
    draft_box = learner.fieldset(draft)
    assert draft_box.locator(".cp-result").text_content() == ""
    assert draft_box.locator("[data-action=check]").get_attribute("aria-disabled") is None
    learner.check(draft)
    for question in second.questions[4:]:
        learner.answer_and_check(question, True)
    learner.take([third], lambda q: True)
    final = again.exit()
    assert_full_marks(final, version)
    assert_interactions(final, version, list(course.questions), {q.id for q in course.questions})
    assert_clean(again)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", ["starter", "example"])
def test_other_courses_pass_with_100(fresh_page, web, packages, name, version) -> None:
    if (name, version) not in packages:
        pytest.skip("the example course does not load yet")
    package = packages[name, version]
    session, learner = launch(fresh_page, web, package)
    learner.fast = name == "example"  # 90 questions: the same steps, one script call each
    learner.take(package.course.lessons, lambda q: True)
    cmi = session.exit()
    assert_full_marks(cmi, version)
    assert_interactions(cmi, version, list(package.course.questions), {q.id for q in package.course.questions})
    assert_clean(session)


@pytest.mark.parametrize("version", VERSIONS)
def test_one_try_and_no_pass_mark(fresh_page, web, packages, version) -> None:
    """attempts: 1 reveals the correct answer after a wrong one; without a pass mark: completed."""
    package = packages["one-try", version]
    session, learner = launch(fresh_page, web, package)
    course = package.course
    right = {q.id for q in course.questions if q.type in ("single", "numeric")}
    for lesson in course.lessons:
        learner.open_quiz(lesson.id)
        for question in lesson.questions:
            message = learner.answer_and_check(question, question.id in right)
            box = learner.fieldset(question)
            if question.graded and question.id not in right:
                assert message == "Incorrect. No attempts left."
                assert box.locator("[data-action=retry]").is_hidden()
                assert box.locator(f"[id=\"answer.{question.id}\"]").is_visible()
    cmi = session.exit()
    state = status_of(cmi, version)
    assert float(state["raw"]) == expected_raw(list(course.questions), right)
    assert state["status"] == "completed"
    if version == "2004":
        assert state["success"] == "unknown"
    assert_clean(session)


@pytest.mark.parametrize("version", VERSIONS)
def test_one_sco_per_lesson(fresh_page, web, packages, version) -> None:
    package = packages["per-lesson", version]
    lesson = package.course.lessons[1]
    session, learner = launch(fresh_page, web, package, sco=f"{lesson.id}.html")
    learner.take([lesson], lambda q: True)
    assert learner.frame.locator("[data-page=title]").count() == 0
    cmi = session.exit()
    assert_full_marks(cmi, version)
    assert_interactions(cmi, version, list(lesson.questions), {q.id for q in lesson.questions})
    assert_clean(session)


@pytest.mark.parametrize("version", VERSIONS)
def test_garbage_suspend_data_is_ignored(fresh_page, web, packages, version) -> None:
    package = packages["all-features", version]
    for garbage in ("", "cp1;", "cp1;Q:nowhere;zzzzz,1,c,0,5:abc", "{not ours}", "cp1;title;abcde,1,c,,9999:x;"):
        cmi = moodle_launch_data(package, entry="resume")
        cmi["suspend_data"] = garbage
        session, _learner = launch(fresh_page, web, package, cmi=cmi)
        assert session.frame.locator(".cp-page:not([hidden])").get_attribute("data-page") == "title"
        session.leave()
        assert_clean(session)


def test_the_longest_answers_fit_in_scorm_12_suspend_data(fresh_page, web, packages) -> None:
    """The build-time budget holds in practice: every answer at its longest, all checked."""
    package = packages.get(("example", "1.2")) or packages["all-features", "1.2"]
    session, learner = launch(fresh_page, web, package)
    for lesson in package.course.lessons:
        if not lesson.questions:
            continue
        learner.open_quiz(lesson.id)
        for question in lesson.questions:
            limit = learner.fieldset(question).locator("input[type=text], textarea")
            max_length = int(limit.get_attribute("maxlength")) if limit.count() else 0
            session.frame.evaluate(FAST_ANSWER, [question.id, longest_answer(question, max_length), True])
    cmi = session.leave()
    saved = cmi["suspend_data"]
    assert len(saved) <= 4096
    assert package.name != "example" or len(saved) > 3800, "the example course uses most of the space"
    assert all(f"{question_key(q.id)},1,c," in saved for q in package.course.questions)
    assert_clean(session)
