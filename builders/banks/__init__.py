"""Question banks for an LMS's own quiz engine, from the same questions as the book:
:mod:`.moodle` (Moodle XML), :mod:`.gift` (GIFT) and :mod:`.qti` (an IMS QTI 2.1 package).
Shared by the three: :mod:`.categories` (one category per lesson), :mod:`.grading` (Moodle's
allowed grades), :mod:`.html` (fragments as standalone HTML) and :mod:`.skips` (what a format
cannot hold)."""

from .gift import GiftBuilder
from .moodle import MoodleXmlBuilder
from .qti import QtiBuilder

__all__ = ["GiftBuilder", "MoodleXmlBuilder", "QtiBuilder"]
