"""Reading one source file as text, with every way it can be unreadable reported."""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import Report
from ..model import SourcePos

MAX_TEXT_BYTES = 5 * 1024 * 1024
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_text(path: Path, report: Report, missing: str) -> str | None:
    """A source file as text: UTF-8 (a BOM is fine), any line endings; None after an error."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            report.error(SourcePos(path), f"file is {size / 1e6:.1f} MB; text files are limited to {MAX_TEXT_BYTES // 2**20} MB")
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        report.error(SourcePos(path), missing)
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
    control = _CONTROL_CHAR.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        report.error(SourcePos(path, line, col),
                     f"the file contains a control character (U+{ord(control.group()):04X}); is it really a text file?")
        return None
    return text
