"""Question id -> the order in which matching columns and ordering items are shown.

Every output (PDF, EPUB, SCORM) uses this one function, so a teacher can say "item C" and mean
the same thing in the workbook, the e-book and the online quiz. The order comes from SHA-256 of
the question id, not from the ``random`` module, so it is the same on every Python and machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator


def display_order(count: int, seed: str) -> list[int]:
    """A fixed permutation of ``range(count)`` derived from ``seed``, never the identity."""
    order = list(range(count))
    stream = _random_stream(seed)
    for i in range(count - 1, 0, -1):
        j = next(stream) % (i + 1)
        order[i], order[j] = order[j], order[i]
    if count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def _random_stream(seed: str) -> Iterator[int]:
    counter = 0
    while True:
        digest = hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        for i in range(0, len(digest), 4):
            yield int.from_bytes(digest[i:i + 4], "big")
        counter += 1
