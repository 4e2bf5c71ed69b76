"""course.yml ``pdf: fonts:`` -> the course's own font files, checked and read once.

Each role (:data:`~builders.model.FONT_ROLES`) names a TrueType or OpenType file inside the course
folder. A file is refused, with the line that names it, when it is missing or outside the folder,
is not a font fontTools can read, or its licence flags (OS/2 ``fsType``) forbid embedding it.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from ..model import FONT_ROLES, FontFile, SourcePos
from .fields import Fields
from .media import MediaLoader

FONT_SUFFIXES = (".ttf", ".otf")
MAX_FONT_BYTES = 40 * 1024 * 1024
"""Large enough for a complete CJK face (Noto Sans CJK is about 16 MB)."""
_RESTRICTED = 0x0002
"""OS/2 fsType bit: "Restricted License embedding": the font must not be embedded."""


def font_files(pf: Fields, media: MediaLoader) -> tuple[FontFile, ...]:
    data = pf.mapping("fonts")
    if data is None:
        return ()
    ff = Fields(data, pf.report, "pdf.fonts")
    ff.check_keys(FONT_ROLES)
    if not data:
        pf.report.error(pf.at("fonts"), f"'fonts' names no font: give one or more of {', '.join(FONT_ROLES)}")
    fonts = []
    for role in FONT_ROLES:
        if role in data:
            font = _font_file(role, ff.text(role), ff.at(role), media)
            if font is not None:
                fonts.append(font)
    return tuple(fonts)


def _font_file(role: str, name: str, pos: SourcePos, media: MediaLoader) -> FontFile | None:
    report = media.report
    if not name:
        report.error(pos, f"'{role}' names no font file: write a path such as media/fonts/MyFont-Regular.ttf")
        return None
    if PurePosixPath(name).suffix.lower() not in FONT_SUFFIXES:
        report.error(pos, f"font '{name}' is not a .ttf or .otf file (TrueType or OpenType; "
                          "convert a WOFF or a collection (.ttc) to one of them)")
        return None
    path = media.inside(name, media.root, pos, "font")
    if path is None:
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FONT_BYTES:
            report.error(pos, f"font '{name}' is {size / 1e6:.1f} MB; fonts are limited to {MAX_FONT_BYTES // 2**20} MB")
            return None
        data = path.read_bytes()
    except OSError as exc:
        report.error(pos, f"cannot read font '{name}': {exc.strerror}")
        return None
    problem = _font_problem(data)
    if problem:
        report.error(pos, f"font '{name}' {problem}")
        return None
    rel = PurePosixPath(path.resolve().relative_to(media.real_root)).as_posix()
    return FontFile(role=role, path=rel, data=data, pos=pos)  # type: ignore[arg-type]


def _font_problem(data: bytes) -> str | None:
    """Why WeasyPrint could not use (or may not embed) these bytes; None when it can."""
    from fontTools.ttLib import TTFont  # only when a course names fonts

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        cmap = font.getBestCmap()
        fs_type = font["OS/2"].fsType if "OS/2" in font else 0
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds (struct.error, TTLibError ...) on a damaged file
        return f"cannot be read as a TrueType or OpenType font ({exc or type(exc).__name__})"
    if not cmap:
        return "maps no characters (it has no Unicode cmap table)"
    if fs_type & 0x000F == _RESTRICTED:
        return ("does not allow embedding (its licence flags, OS/2 fsType, say 'restricted licence'): "
                "a PDF must embed its fonts; choose a font whose licence allows it, such as an OFL font")
    return None
