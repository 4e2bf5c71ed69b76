"""Synthetic courses of any size, from a seed: lessons with sections, figures, tables,
footnotes, glossary terms, links within and across lessons, and every question type. Same seed,
same course.

    python benchmarks/coursegen.py OUT_DIR --lessons 100 [--seed 1] [--questions 8] [--sco-per-lesson]

``--sco-per-lesson`` makes a SCORM 2004 package with one SCO per lesson: a big course's saved
answers do not fit in one SCO's suspend_data (SCORM 1.2 keeps 4096 characters, about 12 lessons).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = (
    "alliance league treaty pact coalition empire city state fleet tribute treasury council "
    "congress summit member ally rival balance power defence security trade frontier army navy "
    "envoy crown republic charter pledge guarantee neutrality bloc partner union crisis war peace"
).split()
TERMS = ["collective defence", "balance of power", "casus foederis", "entente", "satellite state",
         "deterrence", "hegemony", "sovereignty", "neutrality", "containment"]
FIGURE = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120">
<title>Figure {n}</title><rect x="10" y="10" width="{w}" height="100" fill="#0072b2"/>
<text x="200" y="65" font-family="DejaVu Sans, sans-serif" font-size="16">Figure {n}</text></svg>
"""


def glossary_terms(lessons: int) -> list[str]:
    """The fixed terms plus one more for every two lessons, so linking grows with the course."""
    extra = min(lessons // 2, len(WORDS) ** 2)
    return TERMS + [f"{WORDS[i // len(WORDS)]} {WORDS[i % len(WORDS)]} accord" for i in range(extra)]


def q(text: str) -> str:
    return json.dumps(text)


class Generator:
    def __init__(self, seed: int, terms: list[str] | None = None) -> None:
        self.rng = random.Random(seed)
        self.terms = terms or []

    def sentence(self, low: int = 8, high: int = 18) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        return " ".join(words).capitalize() + "."

    def paragraph(self, terms: bool = True) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))
        if terms and self.rng.random() < 0.5:
            text += f" This is an example of {self.rng.choice(TERMS)}."
        return text

    def question(self, qid: str, kind: str) -> str:
        lines = [f"- id: {qid}", f"  type: {kind}", f"  prompt: {q(self.sentence(6, 12)[:-1] + '?')}",
                 f"  explanation: {q(self.sentence())}"]
        if kind in ("single", "multiple"):
            lines.append("  options:")
            correct = {0} if kind == "single" else {0, 2}
            for i in range(4):
                flag = ", correct: true" if i in correct else ""
                lines.append(f"    - {{text: {q(f'Option {i + 1}: ' + self.sentence(2, 5))}{flag}, feedback: {q(self.sentence(4, 8))}}}")
        elif kind == "true-false":
            lines.append(f"  answer: {self.rng.choice(['true', 'false'])}")
        elif kind == "fill-in":
            lines[2] = f"  prompt: {q('The ' + self.rng.choice(WORDS) + ' was kept at ___.')}"
            lines.append(f"  answers: [{self.rng.choice(WORDS)}, {self.rng.choice(WORDS)}x]")
        elif kind == "numeric":
            lines.append(f"  answer: {self.rng.randint(-500, 2000)}")
            lines.append(f"  tolerance: {self.rng.choice([0, 1, 5])}")
        elif kind == "matching":
            lines.append("  pairs:")
            lines += [f"    - {{left: {q(f'Left {i} ' + self.rng.choice(WORDS))}, right: {q(f'Right {i} ' + self.rng.choice(WORDS))}}}" for i in range(4)]
        elif kind == "ordering":
            lines.append("  items: [" + ", ".join(q(f"Step {i} {self.rng.choice(WORDS)}") for i in range(5)) + "]")
        else:
            lines.append(f"  model_answer: {q(self.paragraph(terms=False))}")
            lines.append("  lines: 6")
        return "\n".join(lines)

    def lesson(self, n: int, questions: int) -> str:
        kinds = ["single", "multiple", "true-false", "fill-in", "numeric", "matching", "ordering", "essay"]
        parts = [f"---\nid: lesson-{n}\ntitle: {q(f'Lesson {n}: ' + self.sentence(2, 5)[:-1])}\nobjectives:\n"
                 f"  - {q(self.sentence(5, 9))}\n  - {q(self.sentence(5, 9))}\n---\n", self.paragraph()]
        if self.terms:
            parts[-1] += f" The {self.terms[n % len(self.terms)]} matters here."
        for s in range(1, 4):
            parts.append(f"## Section {s} of lesson {n}")
            parts += [self.paragraph() for _ in range(2)]
        parts.append(f'![A bar chart for lesson {n}](../media/figure-{n % 10}.svg "Figure for lesson {n}")')
        parts.append("| Year | Event |\n|---|---|\n" + "\n".join(f"| {1800 + i * n % 200} | {self.sentence(3, 6)} |" for i in range(4)))
        parts.append(f"A claim that needs a source.[^1]\n\n[^1]: {self.sentence()}")
        parts.append(f"See [section 2](#section-2-of-lesson-{n})" + (
            f" and [the lesson before](../lessons/{n - 1:04d}.md#section-1-of-lesson-{n - 1})." if n > 1 else "."))
        quiz = "\n".join(self.question(f"l{n}-q{i}", kinds[(n + i) % len(kinds)]) for i in range(questions))
        parts.append(f"```quiz\n{quiz}\n```")
        return "\n\n".join(parts) + "\n"


def generate(out: Path, lessons: int, seed: int = 1, questions: int = 8, sco_per_lesson: bool = False) -> Path:
    terms = glossary_terms(lessons)
    gen = Generator(seed, terms)
    scorm = 'scorm: {version: "2004", sco_per_lesson: true}\n' if sco_per_lesson else ""
    (out / "lessons").mkdir(parents=True, exist_ok=True)
    (out / "media").mkdir(exist_ok=True)
    (out / "course.yml").write_text(
        f"id: generated-{lessons}\ntitle: Generated Course of {lessons} Lessons\nlanguage: en\n"
        "authors: [coursepack benchmarks]\nversion: 1.0.0\ndate: 2026-01-01\n"
        "assessment: {passing_score: 60, attempts: 0}\n" + scorm, encoding="utf-8")
    (out / "glossary.yml").write_text("".join(f"{t}: {q(gen.sentence())}\n" for t in terms), encoding="utf-8")
    for n in range(10):
        (out / "media" / f"figure-{n}.svg").write_text(FIGURE.format(n=n, w=40 + 30 * n), encoding="utf-8")
    for n in range(1, lessons + 1):
        (out / "lessons" / f"{n:04d}.md").write_text(gen.lesson(n, questions), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--lessons", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--sco-per-lesson", action="store_true")
    args = parser.parse_args()
    generate(args.out, args.lessons, args.seed, args.questions, args.sco_per_lesson)


if __name__ == "__main__":
    main()
