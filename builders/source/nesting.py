"""How deep Markdown may nest (lists in lists, quotes in quotes) before text would be lost.

markdown-it stops parsing at ``maxNesting`` open elements and silently drops the rest of the
enclosing block, often the rest of the lesson. The limit is raised to what real outlines use
(14 levels of nested lists, or 29 nested quotes) and anything that reaches it is an error:
a token at level ``MAX_LEVEL - 1`` is exactly what a truncated parse leaves behind (the
container whose contents were dropped), so no loss goes unreported.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

MAX_LEVEL = 32
"""markdown-it's ``maxNesting`` for block Markdown (its CommonMark preset says 20)."""
MESSAGE = ("lists or quotes are nested too deeply here (14 levels of lists or 29 of quotes at most): "
           "the text inside would be lost; use fewer levels")


class TooDeep(Exception):
    """Markdown nested past :data:`MAX_LEVEL`; ``line`` is 0-based in the parsed text."""

    def __init__(self, line: int) -> None:
        super().__init__(MESSAGE)
        self.line, self.message = line, MESSAGE


def too_deep(tokens: Sequence[Token]) -> int | None:
    """The 0-based line where the block tokens reach the nesting limit, or None."""
    for token in tokens:
        if token.level >= MAX_LEVEL - 1:
            return token.map[0] if token.map else 0
    return None


def check(tokens: Sequence[Token]) -> None:
    line = too_deep(tokens)
    if line is not None:
        raise TooDeep(line)
