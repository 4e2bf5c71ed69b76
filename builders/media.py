"""Paths named in a course -> files inside the course folder, and images read into Media.

Refuses anything that leaves the course folder (``..``, absolute paths, symbolic links that
point outside, URLs): a build reads only the course and never the network.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from .diagnostics import Report
from .model import Media, SourcePos

MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class MediaLoader:
    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.report = report
        self.loaded: dict[str, Media] = {}

    def inside(self, name: str, base: Path, pos: SourcePos, what: str) -> Path | None:
        """The file ``name`` (relative to ``base``) if it is inside the course folder and exists."""
        if urlsplit(name).scheme:
            self.report.error(pos, f"{what} '{name}' is a URL: {what}s must be files in the course folder "
                                   "(a build never downloads anything)")
            return None
        if name.startswith("/") or PurePosixPath(name).is_absolute() or (len(name) > 1 and name[1] == ":"):
            self.report.error(pos, f"{what} '{name}' is an absolute path: write it relative to the file that names it")
            return None
        path = base / name
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            self.report.error(pos, f"{what} '{name}' cannot be resolved (a symbolic link loop?)")
            return None
        if not real.is_relative_to(self.real_root):
            self.report.error(pos, f"{what} '{name}' is outside the course folder")
            return None
        if not real.is_file():
            self.report.error(pos, f"{what} '{name}' not found{self._case_hint(path)}")
            return None
        return path

    def _case_hint(self, path: Path) -> str:
        parent = path.parent
        if parent.is_dir():
            for sibling in parent.iterdir():
                if sibling.name.lower() == path.name.lower():
                    return f" (there is '{sibling.name}': names are case-sensitive)"
        return ""

    def image(self, src: str, base: Path, pos: SourcePos, what: str) -> str | None:
        """Check an image reference and load it; returns its Course.media key."""
        path = self.inside(unquote(src), base, pos, what)
        if path is None:
            return None
        key = PurePosixPath(path.resolve().relative_to(self.real_root)).as_posix()
        if key in self.loaded:
            return key
        media_type = MEDIA_TYPES.get(path.suffix.lower())
        if media_type is None:
            self.report.error(pos, f"{what} '{src}' is not SVG, PNG or JPEG")
            return None
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            self.report.error(pos, f"{what} '{src}' is {size / 2**20:.1f} MB; images are limited to "
                                   f"{MAX_IMAGE_BYTES // 2**20} MB (shrink or compress it)")
            return None
        data = path.read_bytes()
        problem = _content_problem(data, media_type)
        if problem:
            self.report.error(pos, f"{what} '{src}' {problem}")
            return None
        self.loaded[key] = Media(key, media_type, data, pos)
        return key


def _content_problem(data: bytes, media_type: str) -> str | None:
    if media_type in _MAGIC:
        return None if data.startswith(_MAGIC[media_type]) else f"is not a valid {media_type[6:].upper()} file"
    try:
        root = etree.fromstring(data, _SVG_PARSER)
    except etree.XMLSyntaxError as exc:
        return f"is not well-formed SVG ({exc.msg})"
    if root.tag != f"{{{_SVG_NS}}}svg":
        return "is not an SVG image (its root element must be <svg> in the SVG namespace)"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname in ("script", "foreignObject"):
            return f"contains <{etree.QName(element).localname}>, which is not allowed"
        for name, value in element.attrib.items():
            local = etree.QName(name).localname
            if local.startswith("on"):
                return f"has an event handler ({local}), which is not allowed"
            if local == "href" and not value.startswith("#"):
                return f"refers to '{value}': SVG images must be self-contained"
    return None
