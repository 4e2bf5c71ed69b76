"""Reading one source file as text, with every way it can be unreadable reported."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..diagnostics import Report
from ..model import SourcePos

MAX_TEXT_BYTES = 5 * 1024 * 1024
FORBIDDEN_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters no XML document (e-book, web page) may hold, and DEL: never text a person meant."""


class NotAFile(OSError):
    """The path names a folder, a FIFO, a socket or a device: reading it could block or never end."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def special_kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """The first ``limit + 1`` bytes of a regular file. Anything else raises :class:`NotAFile`
    before it is opened (checked again on the open file, which is opened non-blocking)."""
    kind = special_kind(os.stat(path).st_mode)
    if kind is None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            kind = special_kind(os.fstat(fh.fileno()).st_mode)
            if kind is None:
                return fh.read(limit + 1)
    raise NotAFile(kind)


def read_text(path: Path, report: Report, missing: str) -> str | None:
    """A source file as text: UTF-8 (a BOM is fine), any line endings; None after an error."""
    try:
        size = path.stat().st_size
        data = read_regular(path, MAX_TEXT_BYTES)
        if len(data) > MAX_TEXT_BYTES:
            report.error(SourcePos(path), f"file is {size / 1e6:.1f} MB; text files are limited to {MAX_TEXT_BYTES // 2**20} MB")
            return None
    except FileNotFoundError:
        report.error(SourcePos(path), missing)
        return None
    except NotAFile as exc:
        report.error(SourcePos(path), f"this is {exc.kind}, not a file: a course is made of ordinary files")
        return None
    except OSError as exc:
        report.error(SourcePos(path), f"cannot read file: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        report.error(SourcePos(path, line, col), "the file is not UTF-8 text: save it with UTF-8 encoding")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = FORBIDDEN_CHAR.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        report.error(SourcePos(path, line, col),
                     f"the file contains a control character (U+{ord(control.group()):04X}); is it really a text file?")
        return None
    return text
