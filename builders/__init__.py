"""coursepack: one course source -> an EPUB textbook, a PDF workbook and answer key, SCORM packages."""

__version__ = "0.1.0"
