"""Model objects <-> plain JSON data, for pieces of a course kept between builds.

:func:`to_plain` writes a model dataclass as a JSON object naming its class (``"@"``) and
holding its fields; tuples become arrays, paths ``{"@path": ...}``. :func:`from_plain` reads
that back, building only the classes of this package, and fails with :class:`PlainError` on
anything else: what is read back is checked, never trusted (nothing in it can run code, as an
unpickled object could).
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import words

PATH = "@path"
CLASS = "@"


class PlainError(ValueError):
    """The data is not a model object written by :func:`to_plain`."""


def to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {CLASS: type(value).__name__}
        for field in dataclasses.fields(value):
            plain[field.name] = to_plain(getattr(value, field.name))
        return plain
    if isinstance(value, tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, Path):
        return {PATH: str(value)}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise PlainError(f"cannot write {type(value).__name__} as plain data")


def from_plain(data: Any) -> Any:
    if isinstance(data, list):
        return tuple(from_plain(item) for item in data)
    if isinstance(data, dict):
        if len(data) == 1 and isinstance(data.get(PATH), str):
            return _path(data[PATH])
        cls = _CLASSES.get(data.get(CLASS)) if isinstance(data.get(CLASS), str) else None
        if cls is None:
            raise PlainError("an object of no known class")
        fields = _fields(cls)
        if len(data) != len(fields) + 1:
            raise PlainError(f"{cls.__name__} with other fields")
        values = {}
        for name, conforms in fields.items():
            if name not in data:
                raise PlainError(f"{cls.__name__} without {name}")
            value = values[name] = from_plain(data[name])
            if not conforms(value):
                raise PlainError(f"{cls.__name__}.{name} of the wrong type")
        return cls(**values)
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    raise PlainError(f"unexpected {type(data).__name__}")


@functools.lru_cache(maxsize=4096)
def _path(text: str) -> Path:
    """One object per path: a course's positions name a few files thousands of times."""
    return Path(text)


def _classes() -> dict[str, type]:
    found: dict[str, type] = {}
    for module in (sys.modules[__package__], words):  # this package, loaded before this module
        for name, obj in vars(module).items():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__:
                found[name] = obj
    return found


def _checker(hint: Any) -> Callable[[Any], bool]:
    """Whether a value is of the type ``hint`` (as the model's annotations write them)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return lambda value: value in args
    if origin in (typing.Union, types.UnionType):
        checks = [_checker(arg) for arg in args]
        return lambda value: any(check(value) for check in checks)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _checker(args[0])
        return lambda value: isinstance(value, tuple) and all(item(v) for v in value)
    if origin is tuple:
        items = [_checker(arg) for arg in args]
        return lambda value: isinstance(value, tuple) and len(value) == len(items) \
            and all(check(v) for check, v in zip(items, value))
    if hint is type(None):
        return lambda value: value is None
    if hint is float:
        return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type):
        return lambda value: isinstance(value, hint)
    return lambda value: False  # a mapping (of the Course): never written as plain data


@functools.cache
def _fields(cls: type) -> dict[str, Callable[[Any], bool]]:
    """Each field of ``cls`` and the check of its type (made on first use: reading the
    annotations of every class costs more than a build reads)."""
    hints = typing.get_type_hints(cls)
    return {f.name: _checker(hints[f.name]) for f in dataclasses.fields(cls) if f.init}


_CLASSES = _classes()
