"""Property tests of the loader: generated valid courses load with everything in them; random
corruptions of them give a clean SourceError (with file and line), never another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders.diagnostics import SourceError
from builders.source import load_course
from tests.hardening.figures import record

WORDS = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs"), exclude_characters="\x85\xa0\u2028\u2029"),
                min_size=1, max_size=30).map(str.strip).filter(bool)
LETTERS = st.characters(codec="utf-8", categories=("L", "N"), exclude_characters="\x85\xa0\u2028\u2029")
WORD = st.text(alphabet=LETTERS, min_size=1, max_size=10)
SYMBOL = st.sampled_from(["&", "<", ">", '"', "'", "—", "½", "€", "→", "%"])
SLUGS = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@st.composite
def sentence(draw: st.DrawFn, low: int = 2, high: int = 8) -> str:
    words = draw(st.lists(st.one_of(WORD, WORD, WORD, SYMBOL), min_size=low, max_size=high))
    text = " ".join(words).strip()
    return text if any(c.isalnum() for c in text) else "text " + text


@st.composite
def question(draw: st.DrawFn, qid: str, links: list[str]) -> str:
    kind = draw(st.sampled_from(["single", "multiple", "true-false", "fill-in", "numeric", "matching", "ordering", "essay"]))
    prompt = draw(sentence())
    if links and draw(st.booleans()):
        prompt += f" [see]({draw(st.sampled_from(links))})"
    lines = [f"- id: {qid}", f"  type: {kind}", f"  prompt: {q(prompt + ' ___' if kind == 'fill-in' else prompt)}",
             f"  points: {draw(st.integers(1, 5))}"]
    if draw(st.booleans()):
        lines.append(f"  explanation: {q(draw(sentence()) + (' [more](https://example.org/a?b=1&c=2)' if draw(st.booleans()) else ''))}")
    if kind in ("single", "multiple"):
        texts = draw(st.lists(sentence(1, 4), min_size=2, max_size=5, unique_by=lambda t: " ".join(t.split()).casefold()))
        correct = draw(st.sets(st.integers(0, len(texts) - 1), min_size=1, max_size=1 if kind == "single" else len(texts)))
        lines.append("  options:")
        for i, text in enumerate(texts):
            lines.append(f"    - {{text: {q(text)}, correct: {str(i in correct).lower()}, feedback: {q(draw(sentence()))}}}")
    elif kind == "true-false":
        lines.append(f"  answer: {str(draw(st.booleans())).lower()}")
    elif kind == "fill-in":
        lines.append(f"  answers: {json.dumps(draw(st.lists(WORD, min_size=1, max_size=3)), ensure_ascii=False)}")
    elif kind == "numeric":
        lines.append(f"  answer: {draw(st.integers(-5000, 5000))}")
        lines.append(f"  tolerance: {draw(st.sampled_from([0, 0.5, 2]))}")
    elif kind == "matching":
        lefts = draw(st.lists(sentence(1, 3), min_size=2, max_size=4, unique=True))
        rights = draw(st.lists(sentence(1, 3), min_size=len(lefts), max_size=len(lefts), unique=True))
        lines.append("  pairs:")
        lines += [f"    - {{left: {q(a)}, right: {q(b)}}}" for a, b in zip(lefts, rights)]
    elif kind == "ordering":
        lines.append(f"  items: {json.dumps(draw(st.lists(sentence(1, 3), min_size=2, max_size=5, unique=True)), ensure_ascii=False)}")
    else:
        lines.append(f"  model_answer: {q(draw(sentence(3, 12)))}")
    return "\n".join(lines)


@st.composite
def courses(draw: st.DrawFn) -> dict[str, str]:
    lesson_ids = draw(st.lists(SLUGS, min_size=1, max_size=4, unique=True))
    question_ids = iter(draw(st.lists(SLUGS, min_size=8, max_size=8, unique=True)))
    files = {"course.yml": f"id: generated\ntitle: {q(draw(WORDS))}\nlanguage: en\n"}
    for n, lesson_id in enumerate(lesson_ids, start=1):
        body = "\n\n".join(f"## {draw(WORDS)}\n\n{draw(WORDS)}" for _ in range(draw(st.integers(1, 3))))
        quiz = "\n".join(draw(question(next(question_ids), [])) for _ in range(draw(st.integers(0, 2))))
        fence = f"\n\n```quiz\n{quiz}\n```\n" if quiz else "\n"
        files[f"lessons/{n:02d}-{lesson_id}.md"] = f"---\nid: {lesson_id}\ntitle: {q(draw(WORDS))}\n---\n{body}{fence}"
    return files


def write(files: dict[str, str | bytes], root: Path) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(courses())
def test_generated_courses_load(files: dict[str, str]) -> None:
    record("property_examples")
    with tempfile.TemporaryDirectory() as tmp:
        write(files, Path(tmp))
        course, warnings = load_course(tmp)
    assert len(course.lessons) == len(files) - 1 and not warnings
    expected_questions = sum(text.count("\n- id: ") for text in files.values())
    assert len(course.questions) == expected_questions


@st.composite
def corruptions(draw: st.DrawFn) -> tuple[dict[str, str | bytes], str]:
    files: dict[str, str | bytes] = dict(draw(courses()))
    name = draw(st.sampled_from(sorted(files)))
    text = str(files[name])
    how = draw(st.sampled_from(["delete-line", "insert", "truncate", "bytes", "indent", "rename-field", "drop-colon"]))
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    if how == "delete-line":
        del lines[at]
        files[name] = "\n".join(lines)
    elif how == "insert":
        junk = draw(st.text(alphabet="-:{}[]'\"#&*!|>%@`\t ,?x1", min_size=1, max_size=6))
        files[name] = "\n".join(lines[:at] + [lines[at][:3] + junk + lines[at][3:]] + lines[at + 1:])
    elif how == "truncate":
        files[name] = text[: draw(st.integers(0, len(text)))]
    elif how == "bytes":
        raw = text.encode("utf-8")
        cut = draw(st.integers(0, len(raw)))
        files[name] = raw[:cut] + draw(st.binary(min_size=1, max_size=4)) + raw[cut:]
    elif how == "indent":
        lines[at] = draw(st.sampled_from(["  ", "\t", " "])) + lines[at]
        files[name] = "\n".join(lines)
    elif how == "rename-field":
        files[name] = text.replace(draw(st.sampled_from(["id:", "title:", "type:", "prompt:", "options:", "answer:"])), "idd:", 1)
    else:
        files[name] = text.replace(": ", " ", 1)
    return files, how


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corruptions())
def test_corrupted_courses_fail_cleanly(case: tuple[dict[str, str | bytes], str]) -> None:
    files, _how = case
    record("property_examples")
    with tempfile.TemporaryDirectory() as tmp:
        write(files, Path(tmp))
        try:
            load_course(tmp)
        except SourceError as exc:
            record("bad_inputs")
            record("clean_errors")
            assert exc.diagnostics
            for diagnostic in exc.diagnostics:
                assert Path(tmp) in diagnostic.pos.path.parents or diagnostic.pos.path == Path(tmp)
                assert ": error: " in str(diagnostic) or ": warning: " in str(diagnostic)
                assert diagnostic.message and "\n" not in diagnostic.message
