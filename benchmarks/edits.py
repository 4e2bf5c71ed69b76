"""The edits the benchmark times after a build (see ``benchmarks/run.py``): each changes one
lesson file of a course folder in place, as a teacher would.

- ``word``: one word of the lesson's prose (written in capitals);
- ``prompt``: the prompt of the lesson's first question;
- ``push``: about 900 words of new prose before the lesson's first section heading, which moves
  every later page of the workbook by a page or more.
"""

from __future__ import annotations

import re
from pathlib import Path

FILLER = ("The envoys met again in the spring and read the treaty aloud, clause by clause, before the "
          "council of every member state, so that no ally could later claim not to have heard it. ")


def body_start(lines: list[str]) -> int:
    """The first line after the front matter."""
    return lines.index("---", 1) + 1 if lines and lines[0] == "---" else 0


def edit_word(path: Path) -> None:
    """Write the first lower-case word (of four letters or more) of the prose in capitals: each
    call changes another word."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i in range(body_start(lines), len(lines)):
        line = lines[i]
        word = re.search(r"(?<![\w/#.(\[-])([a-z]{4,})(?![\w/.)\]-])", line) if line[:1].isalpha() else None
        if word:
            lines[i] = line[:word.start()] + word.group(1).upper() + line[word.end():]
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise ValueError(f"{path}: no prose line with a lower-case word")


def edit_prompt(path: Path) -> None:
    """Put a word at the front of the first question's one-line prompt."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r'^(\s*prompt:\s*)("?)(?=[A-Za-z])', text, flags=re.MULTILINE)
    if match is None:
        raise ValueError(f"{path}: no one-line prompt")
    path.write_text(text[:match.end()] + "In short, " + text[match.end():], encoding="utf-8")


def push_pages(path: Path, words: int = 900) -> None:
    """Add paragraphs before the first ``## `` heading (or at the end of the prose)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = body_start(lines)
    at = next((i for i in range(start, len(lines)) if lines[i].startswith("## ") or lines[i].startswith("```")),
              len(lines))
    sentences = max(1, words // len(FILLER.split()))
    paragraphs = [FILLER * 4 for _ in range(max(1, sentences // 4))]
    lines[at:at] = [p for paragraph in paragraphs for p in (paragraph.strip(), "")]
    path.write_text("\n".join(lines), encoding="utf-8")


EDITS = {"word": edit_word, "prompt": edit_prompt, "push": push_pages}
