"""Checks on a composed YAML node graph, before any Python value is built from it.

PyYAML composes aliases as shared nodes: cheap to build, but every consumer that walks the
values (``str(key)``, rendering each copy) pays for the full expansion, so ten nested aliases
can ask for 10^9 nodes (a "billion laughs"). An alias can also point at the collection holding
it, which can never become a value. Escapes in quoted text (``"\\x00"``) decode to characters
that no XML document may hold. This module rejects all of these at the node that causes them,
for every YAML file a course has, so no later stage ever sees such a value.
"""

from __future__ import annotations

import yaml

from .textfile import FORBIDDEN_CHAR

MAX_DEPTH = 60
"""Nested lists and mappings, aliases expanded; deeper is a mistake, and building it would recurse."""
MAX_ALIAS_NODES = 10_000
"""How many nodes aliases may add to a document once expanded (a copied feedback text is a few)."""
ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
)
"""Plain text, numbers, true/false, nothing, lists and mappings; no !!binary, !!set, !!timestamp."""

_TAGS_MESSAGE = "YAML tags (!!name) are not allowed; write plain text, numbers, lists and mappings"


class NodeProblem(Exception):
    """A node that must not become a value: ``node.start_mark`` says where it was written."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node, self.message = node, message


def check(root: yaml.Node) -> None:
    """Raise :class:`NodeProblem` for the first node that is unsafe or meaningless to build."""
    nodes, shared, height = _survey(root)
    if shared or height > MAX_DEPTH:  # else no alias can expand, loop or nest too deep: nothing to measure
        _measure(root, len(nodes) + MAX_ALIAS_NODES)
    for node in nodes:
        _check_one(node)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _survey(root: yaml.Node) -> tuple[list[yaml.Node], bool, int]:
    """Every distinct node; whether any is reached twice (an alias); the height of the tree
    (meaningful when none is)."""
    nodes: list[yaml.Node] = []
    seen, todo = {id(root)}, [(root, 1)]
    shared, height = False, 0
    while todo:
        node, level = todo.pop()
        nodes.append(node)
        height = max(height, level)
        for child in _children(node):
            if id(child) in seen:
                shared = True
            else:
                seen.add(id(child))
                todo.append((child, level + 1))
    return nodes, shared, height


def _check_one(node: yaml.Node) -> None:
    if node.tag not in ALLOWED_TAGS:
        raise NodeProblem(node, _TAGS_MESSAGE)
    if isinstance(node, yaml.ScalarNode):
        bad = FORBIDDEN_CHAR.search(node.value)
        if bad:
            code = ord(bad.group())
            what = "a non-character" if code >= 0xD800 else "a control character"
            raise NodeProblem(node, f"this text holds {what} (U+{code:04X}), written as an escape such as "
                                    "\"\\x00\" or \"\\a\"; remove it: no e-book or web page can show it")
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise NodeProblem(key, "a field name (before the ':') must be plain text, not a list or a mapping")


def _measure(root: yaml.Node, limit: int) -> None:
    """Expanded size and depth of every collection, without recursion; refuse cycles, bombs
    and too deep nesting at the collection that refers to them."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    todo: list[tuple[yaml.Node, bool]] = [(root, False)]
    while todo:
        node, finished = todo.pop()
        if finished:
            open_nodes.discard(id(node))
            children = _children(node)
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
            depth[id(node)] = 1 + max((depth[id(child)] for child in children), default=0)
            if size[id(node)] > limit:
                raise NodeProblem(node, f"the aliases (*name) here expand to more than {MAX_ALIAS_NODES:,} copied "
                                        "values; write the values out instead of nesting aliases")
            if depth[id(node)] > MAX_DEPTH:
                raise NodeProblem(node, f"lists and mappings are nested more than {MAX_DEPTH} levels deep here")
            continue
        if id(node) in size:
            continue
        open_nodes.add(id(node))
        todo.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                raise NodeProblem(node, "an alias (*name) refers to the list or mapping that holds it, "
                                        "so its value would never end; write the value out")
            if id(child) not in size:
                todo.append((child, False))
