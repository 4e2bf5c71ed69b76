"""PNG and JPEG images decoded once with Pillow (the imaging library WeasyPrint itself uses), so
a file that e-readers, browsers or the PDF could not show, or that would take gigabytes of
memory to show, is reported at the line that names it instead of shipped to students.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile, UnidentifiedImageError

MAX_PIXELS = 25_000_000
"""25 megapixels (e.g. 6000 x 4000): a large photo; a bigger one is a "decompression bomb" that
takes 100 MB and more of memory in every e-reader that opens the page."""
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


def problem(data: bytes, media_type: str) -> str | None:
    """What is wrong with a PNG or JPEG file, as the end of a sentence "image 'x' ...", or None."""
    fmt = _FORMATS[media_type]
    with warnings.catch_warnings(), _strict_decoding():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return _too_large(width, height)
                image.verify()  # chunk checksums (PNG), structure; leaves the image unusable
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()  # every pixel: corrupt compressed data fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return (f"declares more than {Image.MAX_IMAGE_PIXELS:,} pixels (a decompression bomb); images are "
                    f"limited to {MAX_PIXELS // 1_000_000} megapixels")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            return f"is not a valid {fmt} file, or is damaged ({_reason(exc)}): open it and save it again"
    return None


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported (the
    preview server, ``check`` after the PDF's checks): a truncated file must still fail here."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _too_large(width: int, height: int) -> str:
    return (f"is {width:,} x {height:,} pixels; images are limited to {MAX_PIXELS // 1_000_000} megapixels "
            "(scale it down: 2000 pixels across is plenty for a page)")


def _reason(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[:120]
