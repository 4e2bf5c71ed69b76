"""The source stage: a course folder -> one validated :class:`builders.model.Course`.

:mod:`.loader` reads course.yml, the lessons and the glossary; :mod:`.yamlpos` parses YAML
keeping line numbers; :mod:`.fields` checks typed fields; :mod:`.quiz` reads ```quiz blocks;
:mod:`.media` checks images; :mod:`.markdown` renders Markdown to sanitised XHTML fragments.
Nothing here knows about any output.
"""

from .loader import load_course

__all__ = ["load_course"]
