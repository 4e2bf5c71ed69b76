"""The Jinja2 environment every builder renders its templates with.

Templates live in the ``templates/`` folder of the repository (shipped inside the package as
``builders/templates`` when installed). Autoescaping is always on and undefined variables are
errors, so a template typo fails the build instead of printing nothing. Compiled templates are
kept between runs, like ``.pyc`` files (Jinja2's bytecode cache, in a private folder of the
temporary directory, checked against each template's text): compiling them costs more than
rendering a small course.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

_PACKAGE = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    import jinja2  # here, not at the top: checking whether outputs are up to date needs no Jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["citation"] = _citation
    return env


def _citation(reading: object) -> object:
    """``{{ reading|citation }}``: a further-reading entry, author-date, as safe markup."""
    from markupsafe import Markup

    from ..model import Reading
    from .bibliography import citation_html

    assert isinstance(reading, Reading)
    return Markup(citation_html(reading))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """A cache that cannot be read or written is simply not used: the build never fails on it."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    class QuietBytecodeCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError, TypeError):
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    try:
        return QuietBytecodeCache()  # an owner-only folder; Jinja2 refuses an unsafe one
    except (OSError, RuntimeError):
        return None


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)


def asset(name: str) -> bytes:
    """A file of templates/ copied byte for byte (CSS, JavaScript, fonts)."""
    return (templates_dir() / name).read_bytes()
