"""The source stage: a course folder -> one validated :class:`builders.model.Course`.

:mod:`.loader` reads course.yml, the lessons and the glossary; :mod:`.yamlpos` parses YAML
keeping line numbers; :mod:`.fields` checks typed fields; :mod:`.quiz` reads ```quiz blocks;
:mod:`.media` checks images; :mod:`.markdown` renders Markdown to sanitised XHTML fragments.
:mod:`.outputs` reads only course.yml's ``outputs:`` (quickly, before anything is loaded).
Nothing here knows about any output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .loader import load_course

__all__ = ["load_course"]


def __getattr__(name: str) -> object:
    """``load_course`` is imported on first use, so reading ``outputs:`` alone stays quick."""
    if name == "load_course":
        from .loader import load_course

        return load_course
    raise AttributeError(name)
