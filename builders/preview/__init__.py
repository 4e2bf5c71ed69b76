"""``coursepack serve``: a live preview of a course folder in the browser.

In: a course folder. Out: a local web server showing the book (the EPUB's XHTML), the print
editions (the HTML the PDFs are made from) and the SCORM package in a preview LMS with an
inspector of what Moodle would record; every save rebuilds the preview and reloads the page.
:mod:`.state` holds the last rebuild, :mod:`.views` renders the pages, :mod:`.watcher` watches
the folder, :mod:`.jobs` builds the real files on request, :mod:`.app` routes the requests and
:mod:`.server` runs it all. Only the command line imports this package.
"""

from .server import serve

__all__ = ["serve"]
