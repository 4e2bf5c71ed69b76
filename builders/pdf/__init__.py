"""The PDF workbook and answer key: :mod:`.html` writes each edition's HTML (with
:mod:`.fragments` and :mod:`.questions`), :mod:`.parts` lays it out part by part with
:mod:`.render` (WeasyPrint), and :mod:`.merge` joins the parts into one tagged PDF."""

from .builder import PdfBuilder

__all__ = ["PdfBuilder"]
