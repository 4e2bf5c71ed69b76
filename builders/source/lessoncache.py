"""A lesson as loaded, kept in the build's store: a rebuild reads the lessons it did not edit.

Reading a lesson (Markdown, its quizzes' YAML, formulas, glossary links) costs about 3 ms; a
100-lesson course spends most of its load there. A lesson that loaded without errors is kept
under a key of everything its reading depends on besides other files: its file's path and
text, the glossary's terms, the course's words (``Strings``), and this package's code with
the libraries it reads with. The rest of the course reaches a lesson only through the
loader's hooks (an image, a link to another lesson), so the record lists each hook call with
what it returned; the loader makes those calls again (they check the media files and the
other lessons as they are now, and add to the course's media and pending links as a fresh
read would), and uses the record only if every call returns what it did (else it reads the
lesson). What the record adds besides the lesson is replayed too: its warnings, its question
ids (checked for duplicates across the course), the ids it defines and the glossary terms it
links to. The lesson's number is not part of it (it is set anew), so a lesson added before
it does not make it read again.

The record is plain JSON (:mod:`builders.model.plain`), read back with every type checked.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Report
from ..incremental import Entry, Store, key
from ..model import Lesson, SourcePos, Strings
from ..model.plain import PlainError, from_plain, to_plain
from .links import Links
from .media import MediaLoader

_CODE = ("source", "model", "shared")
"""The packages (under ``builders``) whose code reads a lesson."""


@dataclass(frozen=True, slots=True)
class Call:
    """One call of a loader hook while the lesson was read, and what it returned."""

    hook: str
    """``image`` or ``link`` (a target and a line), ``link_at`` (a target and a position)."""
    target: str
    at: int | SourcePos
    result: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """A lesson as read, and what reading it did besides (replayed on a hit)."""

    lesson: Lesson
    calls: tuple[Call, ...]
    warnings: tuple[Diagnostic, ...]
    question_ids: tuple[tuple[str, SourcePos], ...]
    """The position of each question's ``id:``, in order (the first use of an id)."""
    ids: tuple[str, ...]
    """Every id the lesson's text defines."""
    linked: tuple[str, ...]
    """The glossary anchors it links to."""


class Checks:
    """The checks of one lesson's images and links (the loader's hooks), each call kept as a
    :class:`Call` with what it returned; the loader's ``replay`` makes them again by name."""

    def __init__(self, report: Report, media: MediaLoader, links: Links, path: Path, lesson_id: str) -> None:
        self.report, self.media_loader, self.links, self.path, self.lesson_id = report, media, links, path, lesson_id
        self.calls: list[Call] = []
        self.media: list[str] = []
        """The media keys the lesson uses, in order, each once."""
        self.reported: set[int] = set()
        """Indexes in ``report`` of what the calls reported."""

    def image(self, src: str, line: int) -> str | None:
        key = self._kept("image", src, line, lambda: self.media_loader.image(
            src, self.path.parent, SourcePos(self.path, line), "image"))
        if key and key not in self.media:
            self.media.append(key)
        return key

    def link(self, href: str, line: int) -> str | None:
        return self._kept("link", href, line, lambda: self._link(href, SourcePos(self.path, line)))

    def link_at(self, href: str, pos: SourcePos) -> str | None:
        return self._kept("link_at", href, pos, lambda: self._link(href, pos))

    def _link(self, href: str, pos: SourcePos) -> str | None:
        return self.links.target(href, pos, self.path.parent, self.lesson_id)

    def _kept(self, hook: str, target: str, at: int | SourcePos, check: Callable[[], str | None]) -> str | None:
        """``check()``, kept as a :class:`Call` with what it reported."""
        first = len(self.report.items)
        result = check()
        self.reported.update(range(first, len(self.report.items)))
        self.calls.append(Call(hook, target, at, result))
        return result


def course_key(terms: dict[str, str], strings: Strings) -> str:
    """What every lesson of a course is read with: the glossary's ``terms`` (term -> anchor),
    the course's ``strings`` and the code."""
    return key(_code_digest(), json.dumps(sorted(terms.items())), json.dumps(to_plain(strings), sort_keys=True))


class LessonCache:
    """Records in ``store``; new ones are written by :meth:`save` (a build calls it once it has
    published, holding the output folder's lock: a failed build leaves the folder as it was)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: dict[str, bytes] = {}

    @staticmethod
    def name(course: str, path: Path, rel: str, text: str) -> str:
        """``course``: see :func:`course_key`."""
        return key("lesson", course, str(path), rel, text)

    def get(self, name: str) -> Record | None:
        entry = self.store.get(name)
        if entry is None:
            return None
        try:
            return _record(json.loads(entry.data))
        except (ValueError, TypeError, KeyError, PlainError):  # ValueError covers bad JSON and UTF-8
            return None

    def put(self, name: str, record: Record) -> None:
        plain = {
            "lesson": to_plain(record.lesson),
            "calls": [[c.hook, c.target, to_plain(c.at), c.result] for c in record.calls],
            "warnings": [[to_plain(d.pos), d.message] for d in record.warnings],
            "question_ids": [[qid, to_plain(pos)] for qid, pos in record.question_ids],
            "ids": list(record.ids),
            "linked": list(record.linked),
        }
        self.pending[name] = json.dumps(plain, ensure_ascii=False).encode("utf-8")

    def save(self) -> None:
        for name in sorted(self.pending):
            self.store.put(name, Entry({}, self.pending[name]))
        self.pending.clear()


def _record(plain: dict[str, Any]) -> Record:
    lesson = from_plain(plain["lesson"])
    calls = tuple(Call(hook, target, from_plain(at), result) for hook, target, at, result in plain["calls"])
    warnings = tuple(Diagnostic(from_plain(pos), "warning", message) for pos, message in plain["warnings"])
    question_ids = tuple((qid, from_plain(pos)) for qid, pos in plain["question_ids"])
    ids, linked = tuple(plain["ids"]), tuple(plain["linked"])
    if not isinstance(lesson, Lesson) \
            or not all(c.hook in ("image", "link", "link_at") and isinstance(c.target, str)
                       and isinstance(c.at, int if c.hook != "link_at" else SourcePos)
                       and isinstance(c.result, (str, type(None))) for c in calls) \
            or not all(isinstance(d.pos, SourcePos) and isinstance(d.message, str) for d in warnings) \
            or not all(isinstance(qid, str) and isinstance(pos, SourcePos) for qid, pos in question_ids) \
            or not all(isinstance(i, str) for i in ids + linked):
        raise PlainError("a record of other types")
    return Record(lesson, calls, warnings, question_ids, ids, linked)


@functools.cache
def _code_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    files = sorted(path for name in _CODE for path in (root / name).glob("*.py")) + [root / "diagnostics.py"]
    digest = hashlib.sha256("\n".join([sys.version, *_installed(_LIBRARIES)]).encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_LIBRARIES = ("markdown_it", "mdit_py_plugins", "yaml", "nh3", "latex2mathml", "lxml")
"""What reads a lesson besides this package."""


def _installed(modules: tuple[str, ...]) -> list[str]:
    """The packages installed where ``modules`` are (their dist-info names, with versions):
    an upgrade of any of them makes every lesson read again. Found without importing them."""
    folders = set()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            folders.add(Path(spec.origin).resolve().parent.parent)
    return sorted(f"{folder}/{entry}" for folder in folders for entry in os.listdir(folder)
                  if entry.endswith((".dist-info", ".egg-info")))
