"""The EPUB 3 textbook (``ID.epub``): :mod:`.builder` drives :mod:`.documents` (XHTML),
:mod:`.questions` (self-check markup), :mod:`.package` (the container) and :mod:`.layout`
(where everything lives)."""

from .builder import EpubBuilder

__all__ = ["EpubBuilder"]
