"""The Jinja2 environment every builder renders its templates with.

Templates live in the ``templates/`` folder of the repository (shipped inside the package as
``builders/templates`` when installed). Autoescaping is always on and undefined variables are
errors, so a template typo fails the build instead of printing nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

_HERE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    installed = _HERE / "templates"
    return installed if installed.is_dir() else _HERE.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)


def asset(name: str) -> bytes:
    """A file of templates/ copied byte for byte (CSS, JavaScript, fonts)."""
    return (templates_dir() / name).read_bytes()
