"""Helpers of the SCORM tests: a local web server that records commits, an LMS session driven in
Chromium (scorm-again in tests/scorm/host.html, the SCO in an iframe), a scripted learner that
works only through the package's markup contract (Moodle's value checks: moodle_rules.py)."""

from __future__ import annotations

import functools
import itertools
import json
import math
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lxml import etree
from playwright.sync_api import Frame, Locator, Page

from builders.model import (
    ChoiceQuestion,
    Course,
    FillIn,
    Matching,
    Numeric,
    Ordering,
    Question,
    TrueFalse,
)
from builders.scorm.quiz import ALPHABET, LEFT_IDS, number_text

# --- the web server -------------------------------------------------------------------------


@dataclass
class Commit:
    path: str
    content_type: str
    data: dict


class Web:
    """Serves ``root`` on 127.0.0.1 and keeps every POST body (scorm-again's commits) by path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.commits: list[Commit] = []
        self.lock = threading.Lock()
        web = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                # headers and body leave in two writes: without this, Nagle's algorithm and
                # delayed ACKs make every synchronous commit wait ~40 ms
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with web.lock:
                    web.commits.append(Commit(self.path, self.headers.get("Content-Type", ""), json.loads(body)))
                reply = b'{"result": true, "errorCode": 0}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def commits_to(self, path: str) -> list[Commit]:
        with self.lock:
            return [c for c in self.commits if c.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- an LMS session ----------------------------------------------------------------------------

_session_ids = itertools.count(1)


class LmsSession:
    """One launch of a SCO inside the stand-in LMS."""

    def __init__(self, page: Page, web: Web, package: str, version: str, cmi: dict | None = None,
                 sco: str = "index.html") -> None:
        self.page, self.web, self.version = page, web, version
        self.commit_path = f"/commit/{next(_session_ids)}"
        page.goto(web.url("/lms/host.html"))
        page.evaluate("options => launch(options)", {
            "version": version, "sco": f"/pkg/{package}/{sco}", "commitUrl": self.commit_path, "cmi": cmi,
        })
        page.wait_for_function("() => window.calls.some(c => c[0] === 'LMSInitialize' || c[0] === 'Initialize')")
        self.frame: Frame = page.frame(name="sco")
        self.frame.wait_for_selector(".cp-page:not([hidden])")

    @property
    def calls(self) -> list:
        return self.page.evaluate("window.calls")

    @property
    def set_values(self) -> list[tuple[str, str]]:
        return [tuple(v) for v in self.page.evaluate("window.setValues")]

    def commits(self) -> list[Commit]:
        return self.web.commits_to(self.commit_path)

    def exit(self) -> dict:
        self.frame.locator("[data-action=exit]").click()
        return self.final_commit()

    def leave(self) -> dict:
        """The learner leaves the LMS page: the SCO's pagehide fires."""
        self.page.evaluate("closeSco()")
        return self.final_commit()

    def final_commit(self, timeout: float = 5.0) -> dict:
        """The commit sent with LMSFinish/Terminate (by sendBeacon, so it may take a moment)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            beacons = [c for c in self.commits() if c.content_type.startswith("text/plain")]
            if beacons:
                return beacons[-1].data["cmi"]
            time.sleep(0.05)
        raise AssertionError(f"no final commit arrived at {self.commit_path}")

    def method_results(self, *names: str) -> list[tuple[str, list, str]]:
        return [tuple(c) for c in self.calls if c[0] in names]


# --- the learner ----------------------------------------------------------------------------


class Learner:
    """Answers questions through the markup contract only (fieldset data-question-id, labels,
    native controls, data-action buttons); the answers come from the loaded course model.

    Playwright's real clicks and keystrokes by default; ``fast`` does the same steps in one
    script call per question (for the long example course)."""

    def __init__(self, frame: Frame, course: Course, fast: bool = False) -> None:
        self.frame, self.course, self.fast = frame, course, fast

    def fieldset(self, question: Question) -> Locator:
        return self.frame.locator(f'fieldset[data-question-id="{question.id}"]')

    def open_quiz(self, lesson_id: str) -> None:
        self.frame.locator("details.cp-toc summary").click()
        self.frame.locator(f'details.cp-toc a[data-goto="Q:{lesson_id}"]').click()
        self.frame.locator(f'[data-page="quiz"][data-key="Q:{lesson_id}"]').wait_for(state="visible")

    def answer(self, question: Question, right: bool) -> None:
        if self.fast:
            self.frame.evaluate(FAST_ANSWER, [question.id, steps(question, right), False])
            return
        box = self.fieldset(question)
        for kind, first, second in steps(question, right):
            if kind == "tick":
                box.get_by_label(first, exact=True).check()
            elif kind == "tick_value":
                box.locator(f'input[value="{first}"]').check()
            elif kind == "type":
                box.locator("input[type=text], textarea").fill(first)
            else:
                box.get_by_label(first, exact=True).select_option(label=second)

    def check(self, question: Question) -> str:
        box = self.fieldset(question)
        box.locator("[data-action=check]").click()
        return box.locator(".cp-result").text_content()

    def answer_and_check(self, question: Question, right: bool) -> str:
        if self.fast:
            return self.frame.evaluate(FAST_ANSWER, [question.id, steps(question, right), True])
        self.answer(question, right)
        return self.check(question)

    def take(self, lessons, plan) -> None:
        for lesson in lessons:
            if lesson.questions:
                self.open_quiz(lesson.id)
                for question in lesson.questions:
                    self.answer_and_check(question, plan(question))


def steps(question: Question, right: bool) -> list[tuple[str, str, str]]:
    """How to give a right or a wrong answer: (tick, label) (tick_value, value) (type, text)
    (choose, select label, option label)."""
    if isinstance(question, ChoiceQuestion):
        wanted = [(i, o) for i, o in enumerate(question.options) if o.correct == right]
        # a label that holds a formula has no plain text to find it by (MathML reads as its glyphs)
        return [("tick_value", ALPHABET[i], "") if "<math" in o.html else ("tick", o.text, "")
                for i, o in (wanted if right else wanted[:1])]
    if isinstance(question, TrueFalse):
        return [("tick_value", str(question.answer == right).lower(), "")]
    if isinstance(question, FillIn):
        return [("type", f"  {question.answers[0].upper()} " if right else "zzz wrong", "")]
    if isinstance(question, Numeric):
        value = question.answer if right else question.answer + question.tolerance + 1000
        return [("type", number_text(value), "")]
    if isinstance(question, Matching):
        rights = [p.right for p in question.pairs]
        chosen = rights if right else rights[1:] + rights[:1]
        return [("choose", p.left, target) for p, target in zip(question.pairs, chosen)]
    if isinstance(question, Ordering):
        n = len(question.items)
        return [("choose", item, str(i + 1 if right else n - i)) for i, item in enumerate(question.items)]
    return [("type", essay_text(question), "")]


FAST_ANSWER = """([id, steps, check]) => {
  const box = document.querySelector(`fieldset[data-question-id="${id}"]`);
  const text = node => node.textContent.replace(/\\s+/g, " ").trim();
  const labelled = wanted => {
    const label = [...box.querySelectorAll("label")].find(l => text(l) === wanted);
    return document.getElementById(label.htmlFor);
  };
  for (const [kind, first, second] of steps) {
    let control;
    if (kind === "tick") { control = labelled(first); control.checked = true; }
    else if (kind === "tick_value") { control = box.querySelector(`input[value="${first}"]`); control.checked = true; }
    else if (kind === "type") { control = box.querySelector("input[type=text], textarea"); control.value = first; }
    else { control = labelled(first); control.value = [...control.options].find(o => text(o) === second).value; }
    control.dispatchEvent(new Event(kind === "type" ? "input" : "change", {bubbles: true}));
  }
  if (!check) return "";
  box.querySelector("[data-action=check]").click();
  return box.querySelector(".cp-result").textContent;
}"""


def essay_text(question: Question) -> str:
    return f"My answer to {question.id}: one source, many outputs."[:40].strip()


def expected_raw(questions: list[Question], right: set[str]) -> float | None:
    graded = [q for q in questions if q.graded]
    total = sum(q.points for q in graded)
    if not total:
        return None
    earned = sum(q.points for q in graded if q.id in right)
    return math.floor(earned / total * 100 * 100 + 0.5) / 100


# --- what a commit says ------------------------------------------------------------------------


@dataclass
class Interaction:
    id: str
    type: str
    response: str
    result: str
    patterns: list[str] = field(default_factory=list)
    weighting: str = ""
    raw: dict = field(default_factory=dict)


def interactions(cmi: dict, version: str) -> list[Interaction]:
    found = []
    for index in sorted(cmi.get("interactions", {}), key=int):
        item = cmi["interactions"][index]
        patterns = [item["correct_responses"][k]["pattern"] for k in sorted(item.get("correct_responses", {}), key=int)]
        response = item["student_response" if version == "1.2" else "learner_response"]
        found.append(Interaction(item["id"], item["type"], response, item["result"], patterns, item.get("weighting", ""), item))
    return found


def status_of(cmi: dict, version: str) -> dict:
    if version == "1.2":
        core = cmi["core"]
        return {"status": core["lesson_status"], "raw": core["score"]["raw"], "min": core["score"]["min"],
                "max": core["score"]["max"], "exit": core["exit"], "location": core["lesson_location"]}
    return {"status": cmi["completion_status"], "success": cmi["success_status"], "raw": cmi["score"]["raw"],
            "min": cmi["score"]["min"], "max": cmi["score"]["max"], "scaled": cmi["score"]["scaled"],
            "exit": cmi["exit"], "location": cmi["location"]}


SCORM_TYPES = {
    "1.2": {"single": "choice", "multiple": "choice", "true-false": "true-false", "fill-in": "fill-in",
            "numeric": "numeric", "matching": "matching", "ordering": "sequencing", "essay": "fill-in"},
    "2004": {"single": "choice", "multiple": "choice", "true-false": "true-false", "fill-in": "fill-in",
             "numeric": "numeric", "matching": "matching", "ordering": "sequencing", "essay": "long-fill-in"},
}


def right_response(question: Question, version: str) -> str | None:
    """The learner response a right answer gives (None where it is free text)."""
    sep, pair = ("," , ".") if version == "1.2" else ("[,]", "[.]")
    if isinstance(question, ChoiceQuestion):
        return sep.join(ALPHABET[i] for i in question.correct_indexes)
    if isinstance(question, TrueFalse):
        word = "true" if question.answer else "false"
        return word[0] if version == "1.2" else word
    if isinstance(question, Numeric):
        return number_text(question.answer)
    if isinstance(question, Matching):
        return sep.join(f"{LEFT_IDS[i]}{pair}{ALPHABET[i]}" for i in range(len(question.pairs)))
    if isinstance(question, Ordering):
        return sep.join(ALPHABET[i] for i in range(len(question.items)))
    return None


# --- the official XSDs ------------------------------------------------------------------------

XSD = Path(__file__).resolve().parent / "xsd"
AXE = Path(__file__).resolve().parent.parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
DRIVERS = {
    "1.2": [("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "scorm12/imscp_rootv1p1p2.xsd"),
            ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "scorm12/adlcp_rootv1p2.xsd")],
    "2004": [("http://www.imsglobal.org/xsd/imscp_v1p1", "scorm2004-4th/imscp_v1p1.xsd"),
             ("http://www.adlnet.org/xsd/adlcp_v1p3", "scorm2004-4th/adlcp_v1p3.xsd"),
             ("http://www.adlnet.org/xsd/adlseq_v1p3", "scorm2004-4th/adlseq_v1p3.xsd"),
             ("http://www.adlnet.org/xsd/adlnav_v1p3", "scorm2004-4th/adlnav_v1p3.xsd"),
             ("http://www.imsglobal.org/xsd/imsss", "scorm2004-4th/imsss_v1p0.xsd")],
}


class _LocalXml(etree.Resolver):
    """The W3C xml: namespace schema (and SCORM 1.2's broken copy of it) -> the local xml.xsd."""

    def resolve(self, url, pubid, context):
        if url.endswith(("/xml.xsd", "ims_xml.xsd")):
            return self.resolve_filename(str(XSD / "scorm2004-4th" / "xml.xsd"), context)
        return None


@functools.cache
def manifest_schema(version: str) -> etree.XMLSchema:
    """One schema importing every namespace a manifest of this version may use (see xsd/SOURCE.md)."""
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{path}"/>' for ns, path in DRIVERS[version])
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXml())
    document = etree.fromstring(driver.encode(), parser, base_url=(XSD / "driver.xsd").as_uri())
    return etree.XMLSchema(etree.ElementTree(document))


def longest_answer(question: Question, max_length: int) -> list[tuple[str, str, str]]:
    """Steps that fill every control with the longest answer it takes."""
    if isinstance(question, ChoiceQuestion):
        if question.type == "multiple":
            return [("tick", o.text, "") for o in question.options]
        return [("tick", question.options[-1].text, "")]
    if isinstance(question, TrueFalse):
        return [("tick_value", "false", "")]
    if isinstance(question, Matching):
        return [("choose", p.left, question.pairs[0].right) for p in question.pairs]
    if isinstance(question, Ordering):
        return [("choose", item, str(n)) for n, item in enumerate(question.items, start=1)]
    return [("type", ("9" if isinstance(question, Numeric) else "é; x:,") * max_length, "")]
