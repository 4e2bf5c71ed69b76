"""Paths named in a course -> files inside the course folder, and images read into Media.

Refuses anything that leaves the course folder (``..``, absolute paths, symbolic links that
point outside, URLs): a build reads only the course and never the network.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..diagnostics import Report
from ..model import Media, SourcePos
from . import raster, svgcheck
from .textfile import NotAFile, read_regular, special_kind

MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_ENTITIES = "declares XML entities (<!ENTITY>), which are not allowed: save it again as plain SVG"
_PORTABLE_NAME = re.compile(r"^[\w.-]+$")
"""Letters (any script), digits, '_', '.', '-': a name every zip tool, e-reader and LMS keeps."""


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
        problem = _not_a_file(path)
        if problem:
            self.report.error(pos, f"{what} '{name}' {problem}")
            return None
        return path

    def image(self, src: str, base: Path, pos: SourcePos, what: str) -> str | None:
        """Check an image reference and load it; returns its Course.media key."""
        path = self.inside(unquote(src), base, pos, what)
        if path is None:
            return None
        key = PurePosixPath(path.resolve().relative_to(self.real_root)).as_posix()
        if key in self.loaded:
            return key
        odd = next((part for part in key.split("/") if not _PORTABLE_NAME.match(part)), None)
        if odd is not None:
            self.report.error(pos, f"{what} '{src}': the name '{odd}' has spaces or signs that e-readers and "
                                   f"zip tools mangle; rename it with letters, digits, '-', '_' and '.' only "
                                   f"(e.g. '{_portable(odd)}')")
            return None
        media_type = MEDIA_TYPES.get(path.suffix.lower())
        if media_type is None:
            self.report.error(pos, f"{what} '{src}' is not SVG, PNG or JPEG: convert it to one of these")
            return None
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            self.report.error(pos, f"{what} '{src}' is {size / 2**20:.1f} MB; images are limited to "
                                   f"{MAX_IMAGE_BYTES // 2**20} MB (shrink or compress it)")
            return None
        try:
            data = read_regular(path, MAX_IMAGE_BYTES)
        except (NotAFile, OSError) as exc:  # replaced since inside() looked at it
            self.report.error(pos, f"{what} '{src}' cannot be read ({exc.strerror or exc})")
            return None
        problem = _content_problem(data, media_type)
        if problem:
            self.report.error(pos, f"{what} '{src}' {problem}")
            return None
        if media_type == "image/svg+xml":
            data = _without_doctype(data)
        self.loaded[key] = Media(key, media_type, data, pos)
        return key


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file one can read (None when it is one). Never opens it."""
    try:
        kind = special_kind(path.stat().st_mode)
    except FileNotFoundError:
        if path.is_symlink():
            return f"is a symbolic link to '{os.readlink(path)}', which does not exist"
        return f"not found{_case_hint(path)}"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return None if kind is None else f"is {kind}, not a file"


def _case_hint(path: Path) -> str:
    parent = path.parent
    if parent.is_dir():
        for sibling in parent.iterdir():
            if sibling.name != path.name and sibling.name.lower() == path.name.lower():
                return f" (there is '{sibling.name}': names are case-sensitive)"
    return ""


def _portable(name: str) -> str:
    return re.sub(r"[^\w.]+", "-", name).strip("-") or "image"


def _content_problem(data: bytes, media_type: str) -> str | None:
    if media_type in _MAGIC:
        if not data.startswith(_MAGIC[media_type]):
            return f"is not a valid {media_type[6:].upper()} file"
        return raster.problem(data, media_type)
    try:
        root = etree.fromstring(data, _SVG_PARSER)
    except etree.XMLSyntaxError as exc:
        return _ENTITIES if "entity" in exc.msg.lower() else f"is not well-formed SVG ({exc.msg})"
    if root.tag != f"{{{svgcheck.SVG_NS}}}svg":
        return "is not an SVG image (its root element must be <svg> in the SVG namespace)"
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        return _ENTITIES  # external ones could read local files, nested ones blow up (billion laughs)
    for node in root.itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-stylesheet":
            return f"refers to a style sheet ({node.get('href')}): SVG images must be self-contained"
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        return _ENTITIES
    return svgcheck.problem(root)


def _without_doctype(data: bytes) -> bytes:
    """An SVG without its document type declaration (EPUB forbids external DTD identifiers)."""
    root = etree.fromstring(data, _SVG_PARSER)
    if root.getroottree().docinfo.doctype == "":
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
