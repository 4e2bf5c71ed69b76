"""YAML text -> plain Python data whose mappings and lists remember their line and column.

Only ``true``/``false`` are booleans (YAML 1.2 style), so ``language: no`` stays Norwegian, and
date-like values stay text (``date: 2026-02-30`` is then reported by the field that reads it).
Duplicate keys are reported instead of silently overwritten. Before any value is built, the
node graph is checked (:mod:`.yamlguard`): aliases cannot explode, tags and control characters
are refused, each at its line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..model import SourcePos
from . import yamlguard

try:
    _Base: type = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class YamlMap(dict):
    """A mapping with the position of itself and of each key."""

    pos: SourcePos
    key_pos: dict[Any, SourcePos]
    duplicates: list[tuple[Any, SourcePos]]

    def at(self, key: Any) -> SourcePos:
        return self.key_pos.get(key, self.pos)


class YamlList(list):
    """A list with the position of itself and of each item."""

    pos: SourcePos
    item_pos: list[SourcePos]

    def at(self, index: int) -> SourcePos:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


class YamlSyntaxError(Exception):
    def __init__(self, pos: SourcePos, message: str) -> None:
        self.pos = pos
        self.message = message
        super().__init__(message)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    path: Path
    line_offset: int

    def _pos(self, node: yaml.Node) -> SourcePos:
        mark = node.start_mark
        return SourcePos(self.path, mark.line + 1 + self.line_offset, mark.column + 1)

    def construct_map(self, node: yaml.MappingNode) -> YamlMap:
        self.flatten_mapping(node)
        result = YamlMap()
        result.pos, result.key_pos, result.duplicates = self._pos(node), {}, []
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in result:
                result.duplicates.append((key, self._pos(key_node)))
            result.key_pos[key] = self._pos(key_node)
            result[key] = self.construct_object(value_node, deep=True)
        return result

    def construct_seq(self, node: yaml.SequenceNode) -> YamlList:
        result = YamlList(self.construct_object(child, deep=True) for child in node.value)
        result.pos = self._pos(node)
        result.item_pos = [self._pos(child) for child in node.value]
        return result


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in yamlguard.ALLOWED_TAGS and tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_seq)


def _number(construct: Any) -> Any:
    def guarded(loader: _Loader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):  # e.g. an integer of more than 4300 digits
            raise yamlguard.NodeProblem(node, f"'{node.value[:40]}' cannot be read as a number") from None
    return guarded


_Loader.add_constructor("tag:yaml.org,2002:merge", _Loader.construct_scalar)  # "<<" anywhere but a key is text
for _tag in ("int", "float"):
    _tag = f"tag:yaml.org,2002:{_tag}"
    _Loader.add_constructor(_tag, _number(yaml.SafeLoader.yaml_constructors[_tag]))


_TAB_HINT = "a tab character; YAML is indented with spaces, never tabs"
_HINTS = (
    # (words in PyYAML's problem or context, what to tell a person), first match wins
    ("mapping values are not allowed", "a colon followed by a space inside a value; put the value in quotes"),
    ("scanning a tag", "a value starting with '!' is read as a YAML tag; put the value in quotes"),
    ("constructor for the tag", "YAML tags (!!name) are not allowed; write plain text, numbers, lists and mappings"),
    ("alias", "a value starting with '*' or '&' is read as a YAML alias; put the value in quotes"),
    ("anchor", "a value starting with '*' or '&' is read as a YAML alias; put the value in quotes"),
    ("cannot start any token", "a value cannot start with this character; put the value in quotes"),
    ("end of stream (while scanning a quoted", "a quote is opened but never closed"),
    ("a flow mapping", "a {...} mapping is not closed: check for a missing '}' or an unclosed quote"),
    ("a flow sequence", "a [...] list is not closed: check for a missing ']' or an unclosed quote"),
    ("scanning a simple key", "a line without 'name: value'; add the colon, or join it to the line above"),
    ("expected key (while parsing a block mapping)",
     "this line does not line up with the fields above it (or a quoted value has text after its closing quote)"),
    ("document start", "this line does not line up with the lines above it: check its indentation"),
    ("<block end>", "this line does not line up with the lines above it: check its indentation"),
)


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else ""


def _hint(exc: yaml.MarkedYAMLError, text: str, mark: yaml.Mark | None) -> str:
    problem = exc.problem or "invalid YAML"
    if _says("tab", problem) or _char_at(text, mark) == "\t":
        return _TAB_HINT
    said = f"{problem} ({exc.context})" if exc.context else problem
    return next((hint for words, hint in _HINTS if _says(words, said)), said)


def _says(words: str, message: str) -> bool:
    """``words`` in the message as whole words ("tab" is not in "unconstructable")."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", message) is not None


def load(text: str, path: Path, line_offset: int = 0) -> Any:
    """Parse one YAML document; ``line_offset`` is added to every line (for embedded YAML)."""
    loader = _Loader(text)
    loader.path, loader.line_offset = path, line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        yamlguard.check(node)
        return loader.construct_document(node)
    except yamlguard.NodeProblem as exc:
        mark = exc.node.start_mark
        raise YamlSyntaxError(SourcePos(path, mark.line + 1 + line_offset, mark.column + 1), exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        col = (mark.column + 1) if mark else 0
        raise YamlSyntaxError(SourcePos(path, line, col), f"YAML syntax error: {_hint(exc, text, mark)}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses outright (the text check runs first)
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        raise YamlSyntaxError(SourcePos(path, line), f"YAML error: {str(exc).split(chr(10), 1)[0]}") from None
    except yaml.YAMLError as exc:
        first_line = str(exc).split("\n", 1)[0]
        raise YamlSyntaxError(SourcePos(path, line_offset + 1), f"YAML error: {first_line}") from None
    finally:
        loader.dispose()
