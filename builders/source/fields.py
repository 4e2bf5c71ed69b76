"""Typed reads from YAML mappings that report what was expected and what was found, with lines."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

from ..diagnostics import Report
from ..model import SourcePos
from .schema import FieldSpec, names, required
from .yamlpos import YamlList, YamlMap


def kind(value: Any) -> str:
    """How a person would name the YAML value they wrote."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}" if _finite(value) else _spelled(value)
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return type(value).__name__


def suggestion(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f", did you mean '{close[0]}'?" if close else ""


def _finite(value: int | float) -> bool:
    """False for .nan, .inf and -.inf, and for integers too large for a float (1e309 and up)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _spelled(value: int | float) -> str:
    if isinstance(value, int):
        return f"a number of {len(str(abs(value)))} digits"
    return "'.nan' (not a number)" if math.isnan(value) else f"'{'-' if value < 0 else ''}.inf' (infinity)"


class Fields:
    """Reads the fields of one YAML mapping, reporting each problem once, at its line."""

    def __init__(self, data: YamlMap, report: Report, what: str) -> None:
        self.data, self.report, self.what = data, report, what

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = list(allowed)
        for key, pos in self.data.duplicates:
            self.report.error(pos, f"{self.what}: field '{key}' is given twice")
        meant: set[str] = set()
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                meant.update(close)
                hint = f", did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})"
                self.report.error(self.data.at(key), f"unknown field '{key}' in {self.what}{hint}")
        for key in required:
            if key in meant:
                continue  # the typo above already says where it is
            if key not in self.data or self.data[key] is None:
                self.report.error(self.data.pos, f"{self.what} is missing the required field '{key}'")

    def check_fields(self, specs: tuple[FieldSpec, ...]) -> None:
        """check_keys with the allowed and required names of a section of :mod:`.schema`."""
        self.check_keys(names(specs), required(specs))

    def at(self, key: str) -> SourcePos:
        return self.data.at(key)

    def _wrong(self, key: str, expected: str) -> None:
        self.report.error(self.at(key), f"field '{key}' must be {expected}, not {kind(self.data[key])}")

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # "version: 1.0" is meant as text
        if isinstance(value, str):
            return value.strip()
        self._wrong(key, "text")
        return default

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        meant = {"yes": "true", "y": "true", "on": "true", "no": "false", "n": "false", "off": "false"}
        if isinstance(value, str) and value.strip().lower() in meant:
            self.report.error(self.at(key), f"field '{key}' must be true or false, not '{value}': "
                                            f"write {meant[value.strip().lower()]}")
            return default
        self._wrong(key, "true or false")
        return default

    def number(self, key: str, default: float | None = None, *, minimum: float | None = None,
               maximum: float | None = None, integer: bool = False) -> float | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self._wrong(key, "a whole number" if integer else "a number")
            return default
        if not _finite(value):
            self.report.error(self.at(key), f"field '{key}' must be a number one can write out, not {_spelled(value)}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = (
                f"between {minimum:g} and {maximum:g}" if minimum is not None and maximum is not None
                else f"at least {minimum:g}" if minimum is not None else f"at most {maximum:g}"
            )
            self.report.error(self.at(key), f"field '{key}' must be {bounds}, not {value:g}")
            return default
        return value

    def text_list(self, key: str) -> tuple[list[str], YamlList | None]:
        """A list of texts (a single text is taken as a list of one)."""
        value = self.data.get(key)
        if value is None:
            return [], None
        if isinstance(value, str):
            return [value.strip()], None
        if not isinstance(value, list):
            self._wrong(key, "a list")
            return [], None
        items: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.report.error(value.at(i), f"item {i + 1} of '{key}' must be text, not {kind(item)}")
                continue
            items.append(item.strip())
        return items, value

    def mapping(self, key: str) -> YamlMap | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            self._wrong(key, "a mapping (indented key: value lines)")
            return None
        return value

    def mapping_list(self, key: str) -> list[tuple[YamlMap, SourcePos]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(key, "a list")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, YamlMap):
                out.append((item, item.pos))
            else:
                self.report.error(value.at(i), f"item {i + 1} of '{key}' must be a mapping, not {kind(item)}")
        return out
