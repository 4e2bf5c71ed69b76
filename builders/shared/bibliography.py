"""Further-reading entries of the model -> one author-date citation, the same in every output.

``Kennedy, Paul (1987). <cite>The Rise and Fall of the Great Powers</cite>. Random House.``
A book's title is the cited work; for an article (``journal`` given) the journal is. A URL is
printed in full as its own link text, so paper shows the address and screens can follow it.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ..model import Lesson, Reading


def gather(lessons: Iterable[Lesson]) -> tuple[Reading, ...]:
    """Every lesson's further reading once (the first mention wins), by author, year and title."""
    unique: dict[tuple[str, ...], Reading] = {}
    for lesson in lessons:
        for r in lesson.further_reading:
            unique.setdefault((r.author, r.year, r.title, r.publisher, r.journal, r.url), r)
    return tuple(sorted(unique.values(), key=lambda r: (r.author.casefold(), r.year, r.title.casefold())))


def citation_html(reading: Reading) -> str:
    """The entry as inline XHTML."""
    parts = [f"{_e(reading.author)} ({_e(reading.year)})."]
    if reading.journal:
        parts.append(_sentence(_e(reading.title)))
        parts.append(_sentence(f"<cite>{_e(reading.journal)}</cite>", reading.journal))
    else:
        parts.append(_sentence(f"<cite>{_e(reading.title)}</cite>", reading.title))
    if reading.publisher:
        parts.append(_sentence(_e(reading.publisher)))
    if reading.url:
        parts.append(f'<a class="url" href="{escape(reading.url)}">{_e(reading.url)}</a>')
    if reading.note:
        parts.append(f'<span class="reading-note">{_sentence(_e(reading.note))}</span>')
    return " ".join(parts)


def _e(text: str) -> str:
    return escape(text, quote=False)


def _sentence(html: str, text: str | None = None) -> str:
    """Close with a full stop unless the text already ends with punctuation."""
    last = (text if text is not None else html).rstrip()[-1:]
    return html if last in ".?!" else f"{html}."
