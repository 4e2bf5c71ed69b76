"""``coursepack serve``, driven as a user drives it: a child process on a free port over a copy of a
course, pages opened in Chromium, files edited on disk, raw requests for what must not be served."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOTS, load
from tests.preview.conftest import child_env, free_port, serve_command, start_server
from tests.scorm.moodle_rules import MOODLE_RULES, moodle_check
from tests.scorm.scorm_support import AXE, Learner

pytestmark = pytest.mark.validators

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`)"""
INSPECTOR = "#lms-inspector"
PROSE = "A lesson is Markdown: **bold**"


def violations(page) -> list[str]:  # noqa: ANN001
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def sco_frame(page):  # noqa: ANN001, ANN201
    """The SCO's frame of the current launch, once its first page shows."""
    frame = page.locator("#sco-holder iframe").element_handle().content_frame()
    frame.wait_for_selector(".cp-page:not([hidden])")
    return frame


def wait_attribute(page, name: str, value: str, timeout: float = 15000) -> None:  # noqa: ANN001
    page.wait_for_function("([name, value]) => document.querySelector('#lms-inspector').getAttribute(name) === value",
                           arg=[name, value], timeout=timeout)


# --- the views ----------------------------------------------------------------------------------


VIEWS = ["/", "/book/", "/book/lesson-getting-started.xhtml", "/book/glossary.xhtml", "/book/answers.xhtml",
         "/print/", "/print/workbook.html", "/print/answer-key.html", "/scorm/?version=1.2", "/scorm/?version=2004"]


@pytest.mark.parametrize("path", VIEWS)
def test_each_view_opens_with_no_axe_violation(shared_server, tab, path: str) -> None:
    response = tab.goto(shared_server.url(path))
    assert response.ok
    tab.wait_for_load_state("load")
    if path.startswith("/scorm/"):
        tab.frame(name="sco").wait_for_selector(".cp-page:not([hidden])")
    assert tab.locator("script[src='/_coursepack/live.js']").count() == 1
    assert violations(tab) == []


def test_the_starter_course_previews_in_every_view(serve_copy, starter_course) -> None:
    server = serve_copy(starter_course)
    assert server.status()["ok"] is True
    course = load(starter_course)
    paths = [*VIEWS[:2], *VIEWS[5:], "/scorm/1.2/index.html", "/scorm/2004/index.html", "/scorm/2004/imsmanifest.xml"]
    paths += [f"/book/lesson-{lesson.id}.xhtml" for lesson in course.lessons]
    paths += [f"/book/{key}" for key in course.media] + [f"/print/{key}" for key in course.media]
    assert {path: server.get(path)[0] for path in paths} == dict.fromkeys(paths, 200)


def test_the_book_links_its_glossary_and_answers(shared_server, tab) -> None:
    tab.goto(shared_server.url("/book/lesson-getting-started.xhtml"))
    hrefs = tab.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert any(h.startswith("glossary.xhtml#") for h in hrefs)
    assert any(h.startswith("answers.xhtml#") for h in hrefs)
    status, _ = shared_server.get("/book/" + next(h for h in hrefs if h.startswith("glossary.xhtml")).split("#")[0])
    assert status == 200


def test_the_home_page_lists_the_lessons_and_the_state(shared_server, tab) -> None:
    tab.goto(shared_server.url("/"))
    course = load(ROOTS / "all-features")
    items = tab.locator(".cp-lessons li").all_text_contents()
    assert [item.split(" (")[0] for item in items] == [lesson.title for lesson in course.lessons]
    assert tab.locator("#rebuild-state").get_attribute("data-ok") == "true"


# --- live reload and errors ---------------------------------------------------------------------------


def test_an_edit_shows_in_the_open_page(serve_copy, tab) -> None:
    server = serve_copy()
    tab.goto(server.url("/book/lesson-getting-started.xhtml"))
    tab.evaluate("window.scrollTo(0, 400)")
    tab.evaluate("window.notReloaded = true")
    before = server.edit("lessons/01-getting-started.md", PROSE, "Freshly edited prose: **bold**")
    server.wait_for(lambda s: s["generation"] > before and s["ok"])
    tab.wait_for_function("() => document.body.textContent.includes('Freshly edited prose')")
    tab.wait_for_function("() => window.notReloaded === undefined && window.scrollY > 0")


def test_a_broken_quiz_shows_the_overlay_and_the_fix_clears_it(serve_copy, tab) -> None:
    server = serve_copy()
    tab.goto(server.url("/book/lesson-getting-started.xhtml"))
    right = '    - {text: Markdown, correct: true, feedback: "Yes: plain text with light markup."}'
    before = server.edit("lessons/01-getting-started.md", right, right.replace(" correct: true,", ""))
    status = server.wait_for(lambda s: s["generation"] > before)
    assert status["ok"] is False
    [error] = status["errors"]
    assert (error["file"], error["line"], error["column"]) == ("lessons/01-getting-started.md", 51, 3)
    assert "has no correct option" in error["message"]
    check = subprocess.run([sys.executable, "-m", "builders", "check", server.course.name], cwd=server.cwd,
                           env=child_env(), capture_output=True, text=True, check=False)
    printed = check.stderr.splitlines()[0]
    overlay = tab.locator("#coursepack-overlay pre")
    overlay.wait_for()
    assert overlay.text_content() == printed
    assert tab.locator("h1").count() >= 1, "the last good page stays underneath"
    assert violations(tab) == []
    before = server.edit("lessons/01-getting-started.md", right.replace(" correct: true,", ""), right)
    assert server.wait_for(lambda s: s["generation"] > before)["ok"] is True
    tab.wait_for_function("() => !document.getElementById('coursepack-overlay')")


def test_half_saved_files_never_stop_the_server(serve_copy) -> None:
    server = serve_copy()
    lesson = server.course / "lessons" / "01-getting-started.md"
    whole = lesson.read_text(encoding="utf-8")
    before = server.status()["generation"]
    lesson.write_text(whole[: len(whole) // 3], encoding="utf-8")  # the editor is half-way through
    (server.course / "lessons" / ".01-getting-started.md.swp").write_bytes(b"\0binary")
    (server.course / "lessons" / "4913").write_text("")
    server.wait_for(lambda s: s["generation"] > before)
    lesson.unlink()  # rename-on-save: the file is gone for a moment
    temporary = lesson.with_name("01-getting-started.md.tmp")
    temporary.write_text(whole, encoding="utf-8")
    os.replace(temporary, lesson)
    status = server.wait_for(lambda s: s["ok"] and s["generation"] > before + 1)
    assert status["errors"] == []
    assert server.process.poll() is None


def test_editors_side_files_do_not_rebuild(serve_copy) -> None:
    server = serve_copy()
    before = server.status()["generation"]
    lessons = server.course / "lessons"
    for name in (".01-getting-started.md.swp", "01-getting-started.md~", ".#01-getting-started.md", "4913",
                 "#01-getting-started.md#", "01-getting-started.md.tmp"):
        (lessons / name).write_text("half")
    time.sleep(1)
    assert server.status()["generation"] == before
    (lessons / "01-getting-started.md").touch()
    server.wait_for(lambda s: s["generation"] == before + 1 and s["ok"])


def test_a_course_folder_that_disappears_and_comes_back(serve_copy) -> None:
    server = serve_copy()
    before = server.status()["generation"]
    aside = server.course.with_name("moved-away")
    server.course.rename(aside)
    status = server.wait_for(lambda s: s["generation"] > before and not s["ok"])
    assert status["errors"][0]["message"] == "no such course folder"
    assert server.get("/book/nav.xhtml")[0] == 200, "the last good preview stays"
    aside.rename(server.course)
    server.wait_for(lambda s: s["ok"], timeout=30)


# --- the SCORM view and its inspector -----------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_learner_who_answers_everything_right_gets_100_and_passes(shared_server, tab, version: str) -> None:
    course = load(ROOTS / "all-features")
    tab.goto(shared_server.url(f"/scorm/?version={version}"))
    tab.locator(f"{INSPECTOR} [data-lms=forget]").click()
    first, rest = course.lessons[0], course.lessons[1:]
    Learner(sco_frame(tab), course).take([first], lambda question: True)
    tab.locator(f"{INSPECTOR} [data-lms=relaunch]").click()  # half-way: the SCO suspends, then resumes
    learner = Learner(sco_frame(tab), course)
    assert tab.locator("#lms-calls .cp-launch").last.text_content().endswith("entry: resume")
    learner.open_quiz(first.id)
    for question in first.questions:
        expected = "Correct." if question.graded else "Your answer has been recorded."
        assert learner.fieldset(question).locator(".cp-result").text_content() == expected
    learner.take(rest, lambda question: True)
    wait_attribute(tab, "data-score-raw", "100")
    if version == "1.2":
        wait_attribute(tab, "data-lesson-status", "passed")
    else:
        wait_attribute(tab, "data-completion-status", "completed")
        wait_attribute(tab, "data-success-status", "passed")
    inspector = tab.locator(INSPECTOR)
    assert inspector.get_attribute("data-rejected-calls") == "0"
    assert inspector.get_attribute("data-grade") == "100"
    assert int(inspector.get_attribute("data-suspend-data-length")) > 0
    calls = tab.locator("#lms-calls li").all_text_contents()
    assert any(("LMSSetValue" if version == "1.2" else "SetValue") + '("cmi.' in c for c in calls)

    tab.locator(f"{INSPECTOR} [data-lms=new-attempt]").click()
    sco_frame(tab)
    assert tab.locator("#lms-calls .cp-launch").last.text_content().endswith("entry: ab-initio")
    assert inspector.get_attribute("data-score-raw") == "" and inspector.get_attribute("data-grade") == "100"


def test_calls_moodle_would_refuse_are_flagged_with_the_reason(shared_server, tab) -> None:
    tab.goto(shared_server.url("/scorm/?version=2004"))
    tab.frame(name="sco").wait_for_selector(".cp-page:not([hidden])")
    result = tab.evaluate("API_1484_11.SetValue('cmi.score.raw', '123456')")
    assert result == "true", "scorm-again takes it"
    wait_attribute(tab, "data-rejected-calls", "1")
    flagged = tab.locator("#lms-calls li.cp-rejected")
    assert "at most five digits" in flagged.text_content()
    assert flagged.evaluate("li => getComputedStyle(li).color") == "rgb(138, 0, 21)"


def test_lms_fails_to_save_makes_commits_return_false(shared_server, tab) -> None:
    course = load(ROOTS / "all-features")
    tab.goto(shared_server.url("/scorm/?version=1.2"))
    tab.locator(f"{INSPECTOR} [data-lms=forget]").click()
    tab.locator(f"{INSPECTOR} [data-lms=fail-save]").click()
    try:
        assert tab.locator(f"{INSPECTOR} [data-lms=fail-save]").get_attribute("aria-pressed") == "true"
        learner = Learner(sco_frame(tab), course)
        saved = tab.locator(INSPECTOR).get_attribute("data-suspend-data-length")
        learner.take(course.lessons[:1], lambda question: True)
        tab.wait_for_function("() => [...document.querySelectorAll('#lms-calls li')]"
                              ".some(li => li.textContent.startsWith('LMSCommit(\"\") → \"false\" error 101'))")
        assert tab.locator(INSPECTOR).get_attribute("data-suspend-data-length") == saved, "nothing was stored"
        assert tab.locator(INSPECTOR).get_attribute("data-score-raw") == ""
    finally:
        tab.locator(f"{INSPECTOR} [data-lms=fail-save]").click()


SAMPLES = [
    ("1.2", "cmi.core.score.raw", "100"), ("1.2", "cmi.core.score.raw", "100.5"), ("1.2", "cmi.core.score.raw", "-1"),
    ("1.2", "cmi.core.session_time", "0000:01:02.5"), ("1.2", "cmi.core.session_time", "PT1M"),
    ("1.2", "cmi.interactions.0.id", "has space"), ("1.2", "cmi.interactions.0.id", ""),
    ("1.2", "cmi.core.lesson_status", "not attempted"), ("1.2", "cmi.suspend_data", "x" * 4097),
    ("1.2", "cmi.interactions.0.weighting", "101"), ("1.2", "cmi.core.exit", "normal"),
    ("1.2", "cmi.launch_data", "x"),
    ("2004", "cmi.score.raw", "123456"), ("2004", "cmi.score.scaled", "1.5"), ("2004", "cmi.score.scaled", "0.7"),
    ("2004", "cmi.session_time", "PT1M2.5S"), ("2004", "cmi.session_time", "00:01:02"),
    ("2004", "cmi.interactions.0.learner_response", "a[,]b"), ("2004", "cmi.interactions.0.learner_response", "a b"),
    ("2004", "cmi.interactions.1.learner_response", "l0[.]a[,]l1[.]b"), ("2004", "cmi.interactions.1.learner_response", "l0-a"),
    ("2004", "cmi.interactions.2.correct_responses.0.pattern", "1[:]5"), ("2004", "cmi.interactions.2.learner_response", "1[:]5"),
    ("2004", "cmi.interactions.3.learner_response", "{lang=en}x"), ("2004", "cmi.interactions.9.learner_response", "x"),
    ("2004", "cmi.interactions.0.description", "d" * 300), ("2004", "cmi.location", "x" * 1001),
]
TYPES = {"0": "choice", "1": "matching", "2": "numeric", "3": "long-fill-in"}


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_inspector_and_the_tests_read_moodles_rules_alike(shared_server, tab, version: str) -> None:
    tab.goto(shared_server.url(f"/scorm/?version={version}"))
    samples = [s for s in SAMPLES if s[0] == version]
    in_js = tab.evaluate("([samples, types]) => samples.map(([v, e, x]) => window.coursepackPreview.moodleProblem(e, x, types))",
                         [samples, TYPES])
    in_python = [moodle_check(version, element, value, TYPES) for _v, element, value in samples]
    assert in_js == in_python
    assert sum(bool(p) for p in in_python) >= 5, "the samples include refused values"
    assert tab.evaluate("JSON.parse(document.getElementById('moodle-rules').textContent)") == MOODLE_RULES


# --- safety --------------------------------------------------------------------------------------------


def raw_get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_only_the_previews_and_the_media_are_served(serve_copy, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    server = serve_copy()
    media = server.course / "media"
    (media / "outside.svg").symlink_to(secret)
    (media / "folder").mkdir()
    time.sleep(0.3)
    assert raw_get(server.port, "/book/media/diagram.svg") == 200
    assert raw_get(server.port, "/print/media/diagram.svg") == 200
    attempts = [
        "/book/../course.yml", "/book/%2e%2e/course.yml", "/book/%2E%2E%2Fcourse.yml", "/book/..%2fcourse.yml",
        "/book/media/../../course.yml", "/print/media/%2e%2e/%2e%2e/course.yml", "/scorm/1.2/../../course.yml",
        "/scorm/1.2/%2e%2e/%2e%2e/lessons/01-getting-started.md", "/book//etc/passwd", "/book/%2fetc%2fpasswd",
        f"/book/{secret}", "//etc/passwd", "/book/media/outside.svg", "/print/media/outside.svg",
        "/scorm/1.2/media/outside.svg", "/book/media/", "/book/media/folder/", "/print/media/", "/scorm/1.2/",
        "/scorm/1.2/media/", "/course.yml", "/lessons/01-getting-started.md", "/_coursepack/../course.yml",
        "/_coursepack/%2e%2e%2fcourse.yml", "/_coursepack/files/../course.yml", "/_coursepack/state.py",
    ]
    assert {path: raw_get(server.port, path) for path in attempts} == dict.fromkeys(attempts, 404)


def test_nothing_is_written_into_the_course_folder(serve_copy, tab) -> None:
    server = serve_copy()

    def snapshot() -> dict[str, tuple[int, bytes]]:
        return {str(p.relative_to(server.course)): (p.stat().st_mtime_ns, p.read_bytes())
                for p in sorted(server.course.rglob("*")) if p.is_file()}

    before = snapshot()
    for path in VIEWS:
        assert server.get(path)[0] == 200
    tab.goto(server.url("/print/"))
    with tab.context.expect_event("request", lambda r: r.url.endswith("/all-features-workbook.pdf"), timeout=120000):
        tab.get_by_role("button", name="Render the real PDF").click()  # opens the PDF when it is ready
    links = tab.locator("[data-job-for=pdf] a")
    assert sorted(links.all_text_contents()) == ["all-features-answer-key.pdf", "all-features-workbook.pdf"]
    status, data = server.get(links.first.get_attribute("href"))
    assert status == 200 and data.startswith(b"%PDF-")
    assert snapshot() == before
    assert sorted(os.listdir(server.course)) == sorted(os.listdir(ROOTS / "all-features"))


# --- the command ----------------------------------------------------------------------------------------


def test_a_port_in_use_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(serve_command(ROOTS / "all-features", port), env=child_env(), capture_output=True,
                                text=True, timeout=60, cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert f"port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_another_host_than_loopback_gets_a_warning(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([*serve_command(ROOTS / "all-features", port), "--host", "0.0.0.0"], env=child_env(),
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stderr.readline()
        second = process.stderr.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert first.startswith("warning: --host 0.0.0.0: the preview is visible to the network")
    assert second == f'Serving "All Features & <Edge> Cases" at http://0.0.0.0:{port}/ (Ctrl+C to stop)\n'


def test_the_command_is_listed_and_documented() -> None:
    result = subprocess.run([sys.executable, "-m", "builders", "serve", "--help"], env=child_env(),
                            capture_output=True, text=True, check=True)
    for option in ("--port", "--host", "--open"):
        assert option in result.stdout


def children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found | {g for c in set(found) if Path(f"/proc/{c}").exists() for g in children_of(c)}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_its_build_cleanly(tmp_path: Path, stop: int) -> None:
    course = tmp_path / "course"
    shutil.copytree(ROOTS / "all-features", course)
    temporary = Path(os.environ.get("TMPDIR", "/tmp"))
    folders_before = set(temporary.glob("coursepack-preview-*"))
    server = start_server(course, tmp_path)
    server_pid = server.process.pid
    with urllib_post(server.url("/_coursepack/build?formats=pdf")) as response:
        assert response.status == 200
    deadline = time.monotonic() + 10
    while not children_of(server_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = children_of(server_pid)
    assert children, "a build runs in a child process"
    server.process.send_signal(stop)
    assert server.process.wait(timeout=20) == 0
    assert re.search(r"^stopped$", server.process.stderr.read(), re.MULTILINE)
    time.sleep(0.2)
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
    assert set(temporary.glob("coursepack-preview-*")) <= folders_before, "the build folder is removed"


def urllib_post(url: str):  # noqa: ANN201
    import urllib.request

    return urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10)


def test_builds_from_the_preview_share_one_store_of_laid_out_parts(starter_course: Path) -> None:
    """The second build (another folder, nothing edited) takes every PDF part from the store the
    first one filled: no entry is written again, and the files are the same."""
    from builders.incremental import CACHE_DIR
    from builders.preview.jobs import Jobs

    jobs = Jobs(starter_course)
    try:
        outs, stores = [], []
        for _ in range(2):
            jobs.start("pdf")
            deadline = time.monotonic() + 120
            while jobs.status()["state"] == "running" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert jobs.status()["state"] == "done", jobs.status()["log"]
            outs.append(jobs.out)
            store = (jobs.out / CACHE_DIR).resolve()
            stores.append({p.name: p.stat().st_ino for p in store.iterdir() if p.suffix != ".lock" and p.name != "lock"})
        assert outs[0] != outs[1] and (outs[0] / CACHE_DIR).resolve() == (outs[1] / CACHE_DIR).resolve()
        assert stores[0] and stores[1] == stores[0]  # reused as they were, none made again
        for pdf in outs[0].glob("*.pdf"):
            assert (outs[1] / pdf.name).read_bytes() == pdf.read_bytes()
    finally:
        jobs.close()


def test_the_preview_reads_again_only_the_lessons_that_changed(course_copy, all_features: Path,
                                                               tmp_path: Path, lessons_read: list[str]) -> None:
    from builders.preview.state import PreviewState

    read = lessons_read
    course = course_copy(all_features)
    state = PreviewState(course, store=tmp_path / "store")
    assert state.rebuild().ok and len(read) == 3
    read.clear()
    assert state.rebuild().ok and read == []
    lesson = course / "lessons/03-more.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("done.", "done, edited.", 1), encoding="utf-8")
    assert state.rebuild().ok and read == ["more-features"]
    assert "done, edited." in state.views.course.lessons[2].html
