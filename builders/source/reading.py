"""A lesson's ``further_reading:`` front matter -> Reading entries of the model, checked."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..diagnostics import Report
from ..model import Reading
from .fields import Fields
from .yamlpos import YamlMap

FIELDS = ("author", "title", "year", "publisher", "journal", "url", "note")
REQUIRED = ("author", "title", "year")


def further_reading(front: YamlMap, report: Report) -> tuple[Reading, ...]:
    """The entries in order; each mistake is reported at its line (the entry's, for a missing field)."""
    entries = []
    for item, pos in Fields(front, report, "lesson front matter").mapping_list("further_reading"):
        f = Fields(item, report, "a further-reading entry")
        f.check_keys(FIELDS, REQUIRED)
        url = f.text("url")
        if url and not _web_address(url):
            report.error(f.at("url"), f"further-reading url '{url}' must be a web address starting with https:// or http://")
            url = ""
        entry = Reading(**{name: f.text(name) for name in FIELDS if name != "url"}, url=url, pos=pos)
        if entry.author and entry.title and entry.year:
            entries.append(entry)
    return tuple(entries)


def _web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)
