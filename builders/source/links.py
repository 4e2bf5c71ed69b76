"""Link targets as a course writes them -> the model's targets, each mistake reported.

A link to a heading is checked once every lesson's ids are known (:meth:`Links.check`).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import Report
from ..model import SourcePos
from ..shared import ids as id_of


class Links:
    """The links of one course as its files are read; each mistake goes to ``report``."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.pending: list[tuple[str, SourcePos, str]] = []
        """Links to headings (anchor, position, target as written), checked by :meth:`check`."""
        self.lesson_ids: dict[Path, str] = {}
        """Lesson file (resolved) -> its id."""
        self.unreadable: set[Path] = set()
        """Lesson files that failed to load: links to them are not reported again."""

    def target(self, href: str, pos: SourcePos, base: Path, lesson_id: str | None) -> str | None:
        """A link target as written in a file of ``base`` -> the model's ``#id``, a web URL, or
        None after reporting why not. ``lesson_id``: the lesson a bare ``#heading`` is in."""
        if not href or href == "#":
            return href
        parts = urlsplit(href)
        fragment = unquote(parts.fragment)  # Markdown percent-encodes '#célèbre' as '#c%C3%A9l%C3%A8bre'
        href = unquote(href) if not parts.scheme else href
        if parts.scheme:
            if parts.scheme in ("http", "https", "mailto"):
                return href
            self.report.error(pos, f"link '{href}': only https:, http: and mailto: links are allowed")
            return None
        if not parts.path:
            if lesson_id is None:
                self.report.error(pos, f"link '{href}': name the lesson file too, e.g. lessons/01-name.md{href}")
                return None
            anchor = id_of.heading(lesson_id, fragment)
            self.pending.append((anchor, pos, href))
            return f"#{anchor}"
        target = (base / unquote(parts.path)).resolve()
        target_id = self.lesson_ids.get(target)
        if target_id is None and target in self.unreadable:
            return None
        if target_id is None:
            self.report.error(pos, f"link '{href}' does not point at a lesson of this course (links go to web pages, lessons such as 02-name.md, or headings such as #section)")
            return None
        if not fragment:
            return f"#{target_id}"
        anchor = id_of.heading(target_id, fragment)
        self.pending.append((anchor, pos, href))
        return f"#{anchor}"

    def check(self, anchors: dict[str, str]) -> None:
        for anchor, pos, href in self.pending:
            if anchor not in anchors:
                self.report.error(pos, f"broken link '{href}': there is no heading with that id (ids come from heading text: '## The League' is #the-league)")
