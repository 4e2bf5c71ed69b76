"""The SCORM runtime under the faults real LMSs show: no learner's answer is ever lost.

scorm-again plays the LMS in headless Chromium (the harness of tests/scorm); a fault layer
wraps its API before the SCO loads: commits refused for a while, SetValue answering "false"
with error 0, suspend_data wiped between sessions, the page closed mid-quiz, the course updated
between sessions, and SCORM 1.2's 4096 characters filled by the largest course the build accepts.
Every scenario counts the answers it gave and the ones it finds again (figures: answers lost).
"""

from __future__ import annotations

import itertools
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from builders.base import BuildContext, BuildOptions
from builders.model import Question
from builders.scorm.builder import ScormBuilder
from builders.scorm.quiz import question_key
from builders.source import load_course
from tests.conftest import ROOTS
from tests.hardening.figures import record
from tests.scorm.scorm_support import (
    FAST_ANSWER,
    Learner,
    LmsSession,
    Web,
    interactions,
    longest_answer,
)

REPO = Path(__file__).resolve().parents[2]
SCORM_AGAIN = REPO / "tests" / "js" / "node_modules" / "scorm-again" / "dist"
VERSIONS = ("1.2", "2004")
_ids = itertools.count(1)

INSTALL = """({options, faults}) => {
  launch(options);
  const v12 = options.version === "1.2";
  const api = v12 ? window.API : window.API_1484_11;
  const n = v12 ? {commit: "LMSCommit", set: "LMSSetValue", error: "LMSGetLastError"}
                : {commit: "Commit", set: "SetValue", error: "GetLastError"};
  window.faultLog = [];
  let silent = false;
  if (faults.refuseCommits) {
    const real = api[n.commit];
    let left = faults.refuseCommits;
    api[n.commit] = function (arg) {
      if (left > 0) { left -= 1; window.faultLog.push("commit refused"); return "false"; }
      window.faultLog.push("commit passed");
      return real.call(api, arg);
    };
  }
  if (faults.falseSetEvery) {
    const real = api[n.set];
    const realError = api[n.error];
    let count = 0;
    api[n.set] = function (element, value) {
      const result = real.call(api, element, value);
      count += 1;
      silent = count % faults.falseSetEvery === 0;
      if (silent) { window.faultLog.push("set false"); return "false"; }
      return result;
    };
    api[n.error] = function () { return silent ? "0" : realError.call(api); };
  }
}"""


class FaultySession(LmsSession):
    """An LMS session whose API misbehaves as ``faults`` says (see INSTALL)."""

    def __init__(self, page, web: Web, package: str, version: str, cmi: dict, faults: dict) -> None:  # noqa: ANN001
        self.page, self.web, self.version = page, web, version
        self.commit_path = f"/commit/faults-{next(_ids)}"
        page.goto(web.url("/lms/host.html"))
        options = {"version": version, "sco": f"/pkg/{package}/index.html", "commitUrl": self.commit_path, "cmi": cmi}
        page.evaluate(INSTALL, {"options": options, "faults": faults})
        page.wait_for_function("() => window.calls.some(c => c[0] === 'LMSInitialize' || c[0] === 'Initialize')")
        self.frame = page.frame(name="sco")
        self.frame.wait_for_selector(".cp-page:not([hidden])")

    @property
    def fault_log(self) -> list[str]:
        return self.page.evaluate("window.faultLog")


def launch_data(version: str, learner: str, entry: str = "ab-initio", saved: dict | None = None) -> dict:
    """What the LMS hands the SCO: who, which entry, and (on resume) what it kept."""
    kept = dict(saved or {})
    if version == "1.2":
        core = {**kept.pop("core", {}), "student_id": learner, "student_name": "Learner, Ada", "entry": entry,
                "lesson_mode": "normal", "credit": "credit"}
        return {**{k: v for k, v in kept.items() if k in ("suspend_data", "interactions")}, "core": core}
    return {**{k: v for k, v in kept.items() if k in ("suspend_data", "interactions", "location")},
            "learner_id": learner, "learner_name": "Learner, Ada", "entry": entry, "mode": "normal", "credit": "credit"}


def records(suspend_data: str) -> dict[str, str]:
    """Question key -> state ("c" checked, "d" draft, "r" retrying) in a cp1 suspend_data."""
    found, pos = {}, suspend_data.find(";", 4) + 1
    while 0 < pos < len(suspend_data):
        colon = suspend_data.index(":", pos)
        key, _attempts, state, _index, length = suspend_data[pos:colon].split(",")
        found[key] = state
        pos = colon + 2 + int(length, 36)
    return found


def lost(cmi: dict, version: str, checked: list[Question], drafts: list[Question] = ()) -> int:
    """How many answers the LMS does not hold: checked ones need an interaction and a checked
    record in suspend_data, drafts a record."""
    saved = records(cmi.get("suspend_data", ""))
    recorded = {i.id for i in interactions(cmi, version)}
    missing = [q for q in checked if q.id not in recorded or saved.get(question_key(q.id)) != "c"]
    missing += [q for q in drafts if question_key(q.id) not in saved]
    record("answers_checked", len(checked) + len(drafts))
    record("answers_lost", len(missing))
    return len(missing)


def shows_checked(learner: Learner, question: Question) -> bool:
    return learner.fieldset(question).locator("[data-action=check]").get_attribute("aria-disabled") == "true"


# --- fixtures -----------------------------------------------------------------------------------


def _updated(target: Path) -> Path:
    """all-features, version 1.1: a question removed, one added, one changed (options reordered)."""
    shutil.copytree(ROOTS / "all-features", target)
    lesson = target / "lessons" / "02-question-types.md"
    text = lesson.read_text()
    start = text.index("- id: true-or-false")
    end = text.index("- id: fill-the-blank")
    text = text[:start] + text[end:]
    text = text.replace("- id: fill-the-blank", "- id: added-later\n  type: true-false\n  prompt: Was this "
                        "question added after the first release?\n  answer: true\n\n- id: fill-the-blank", 1)
    lesson.write_text(text)
    yml = target / "course.yml"
    yml.write_text(yml.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    return target


def _largest_generated(root: Path) -> Path:
    """The biggest benchmarks/coursegen.py course whose SCORM 1.2 build the budget check accepts."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from coursegen import generate
    finally:
        sys.path.pop(0)
    best = None
    for lessons in range(10, 17):
        folder = generate(root / f"generated-{lessons}", lessons)
        course, _ = load_course(folder)
        if any(d.severity == "error" for d in ScormBuilder().check(course, BuildOptions(scorm_versions=("1.2",)))):
            break
        best = folder
    assert best is not None
    return best


@pytest.fixture(scope="module")
def faults_web(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("faults-web")
    (root / "lms").mkdir()
    shutil.copy(REPO / "tests" / "scorm" / "host.html", root / "lms" / "host.html")
    (root / "scorm-again").mkdir()
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(SCORM_AGAIN / name, root / "scorm-again" / name)
    sources = {"all-features": ROOTS / "all-features", "updated": _updated(root / "src-updated"),
               "largest": _largest_generated(root / "src-generated")}
    courses = {}
    for name, folder in sources.items():
        course, _ = load_course(folder)
        courses[name] = course
        versions = ("1.2",) if name == "largest" else VERSIONS
        staging = root / "build" / name
        staging.mkdir(parents=True)
        result = ScormBuilder().build(course, staging, BuildContext(BuildOptions(scorm_versions=versions)))
        for path, version in zip(result.paths, versions):
            with zipfile.ZipFile(path) as archive:
                archive.extractall(root / "pkg" / f"{name}-{version}")
    web = Web(root)
    web.courses = courses
    yield web
    web.close()


def start(tab, web: Web, name: str, version: str, learner: str, faults: dict | None = None,
          entry: str = "ab-initio", saved: dict | None = None) -> tuple[FaultySession, Learner]:
    session = FaultySession(tab, web, f"{name}-{version}", version, launch_data(version, learner, entry, saved), faults or {})
    return session, Learner(session.frame, web.courses[name], fast=True)


# --- the faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_refused_commits_are_retried_until_one_passes(tab, faults_web: Web, version: str) -> None:
    session, learner = start(tab, faults_web, "all-features", version, f"commit-{version}", {"refuseCommits": 3})
    lesson = faults_web.courses["all-features"].lessons[1]
    learner.open_quiz(lesson.id)
    answered = list(lesson.questions[:2])
    for question in answered:
        learner.answer_and_check(question, True)
    tab.wait_for_function("() => window.faultLog.includes('commit passed')", timeout=30_000)
    record("faults_injected", session.fault_log.count("commit refused"))
    assert session.fault_log.count("commit refused") == 3
    committed = [c.data["cmi"] for c in session.commits() if not c.content_type.startswith("text/plain")]
    assert committed, "a retried commit reached the LMS before the learner left"
    assert lost(committed[-1], version, answered) == 0
    final = session.leave()
    assert lost(final, version, answered) == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_set_value_false_without_an_error_is_a_warning(tab, faults_web: Web, version: str) -> None:
    session, learner = start(tab, faults_web, "all-features", version, f"set-{version}", {"falseSetEvery": 3})
    course = faults_web.courses["all-features"]
    learner.take(course.lessons, lambda q: True)
    final = session.exit()
    record("faults_injected", session.fault_log.count("set false"))
    assert session.fault_log.count("set false") > 10
    assert lost(final, version, list(course.questions)) == 0
    assert any("taken as stored" in w for w in tab.warnings)
    assert final["core"]["lesson_status"] == "passed" if version == "1.2" else final["success_status"] == "passed"


@pytest.mark.parametrize("version", VERSIONS)
def test_suspend_data_reset_by_the_lms_comes_back_from_the_browser(tab, faults_web: Web, version: str) -> None:
    learner_id = f"reset-{version}"
    course = faults_web.courses["all-features"]
    first, second, _third = course.lessons
    session, learner = start(tab, faults_web, "all-features", version, learner_id)
    learner.take([first], lambda q: True)
    learner.open_quiz(second.id)
    learner.answer_and_check(second.questions[0], False)
    draft = second.questions[1]
    learner.answer(draft, True)
    session.leave()

    # the LMS says "resume" but kept nothing (Canvas-like): no suspend_data, no interactions
    again, learner = start(tab, faults_web, "all-features", version, learner_id, entry="resume")
    record("faults_injected")
    checked = list(first.questions) + [second.questions[0]]
    assert all(shows_checked(learner, q) for q in checked)
    assert not shows_checked(learner, draft)
    final = again.leave()
    assert lost(final, version, [], checked + [draft]) == 0

    # a new attempt starts empty, whatever the browser remembers
    fresh, learner = start(tab, faults_web, "all-features", version, learner_id, entry="ab-initio")
    assert not any(shows_checked(learner, q) for q in checked)
    fresh.leave()


@pytest.mark.parametrize("version", VERSIONS)
def test_closing_the_page_mid_quiz_keeps_the_last_answer(tab, faults_web: Web, version: str) -> None:
    course = faults_web.courses["all-features"]
    lesson = course.lessons[1]
    session, learner = start(tab, faults_web, "all-features", version, f"close-{version}")
    learner.open_quiz(lesson.id)
    learner.answer_and_check(lesson.questions[0], True)
    last = lesson.questions[2]
    learner.answer(last, True)  # typed, never checked: then the tab goes away (pagehide only)
    cmi = session.leave()
    record("faults_injected")
    assert lost(cmi, version, [lesson.questions[0]], [last]) == 0

    tab.evaluate("localStorage.clear()")  # only the LMS's copy may bring it back
    again, learner = start(tab, faults_web, "all-features", version, f"close-{version}", entry="resume", saved=cmi)
    assert shows_checked(learner, lesson.questions[0])
    assert learner.fieldset(last).locator("input:checked, input[type=text]").count() > 0
    again.leave()


@pytest.mark.parametrize("version", VERSIONS)
def test_an_updated_course_keeps_the_answers_to_unchanged_questions(tab, faults_web: Web, version: str) -> None:
    old = faults_web.courses["all-features"]
    new = faults_web.courses["updated"]
    session, learner = start(tab, faults_web, "all-features", version, f"update-{version}")
    learner.take(old.lessons[:2], lambda q: True)
    cmi = session.leave()
    tab.evaluate("localStorage.clear()")

    again, learner = start(tab, faults_web, "updated", version, f"update-{version}", entry="resume", saved=cmi)
    record("faults_injected")
    old_ids = {q.id for lesson in old.lessons[:2] for q in lesson.questions}
    kept = [q for q in new.questions if q.id in old_ids]
    assert len(kept) == len(old_ids) - 1  # true-or-false was removed
    assert all(shows_checked(learner, q) for q in kept)
    added = next(q for q in new.questions if q.id == "added-later")
    assert not shows_checked(learner, added)
    learner.open_quiz(new.lessons[1].id)
    learner.answer_and_check(added, True)
    final = again.leave()
    assert lost(final, version, kept + [added]) == 0
    refused = [c for c in again.calls if c[0] in ("LMSSetValue", "SetValue") and c[2] != "true"]
    assert refused == []


def test_the_largest_generated_course_fits_scorm_12_suspend_data(tab, faults_web: Web) -> None:
    course = faults_web.courses["largest"]
    session, learner = start(tab, faults_web, "largest", "1.2", "largest")
    for lesson in course.lessons:
        learner.open_quiz(lesson.id)
        for question in lesson.questions:
            box = learner.fieldset(question).locator("input[type=text], textarea")
            limit = int(box.get_attribute("maxlength")) if box.count() else 0
            session.frame.evaluate(FAST_ANSWER, [question.id, longest_answer(question, limit), True])
    cmi = session.leave()
    assert 3500 < len(cmi["suspend_data"]) <= 4096, len(cmi["suspend_data"])
    assert lost(cmi, "1.2", list(course.questions)) == 0
