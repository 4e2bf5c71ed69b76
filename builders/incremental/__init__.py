"""Incremental builds: a content-addressed store of finished pieces, and one build at a time.

A builder asks the :class:`Store` for a piece by a key that it computes from everything that
can change the piece (its source text, templates, fonts, options, coursepack's version: see
:func:`key`); a hit is used as it is, a miss is made and put. The cold build takes the same
path with an empty store, so an incremental build writes the same bytes as a cold one.

The store lives in the output folder (``dist/.coursepack-cache/``); :func:`build_lock` makes a
second build into the same folder wait for the first. Both import nothing of ours, so every
output (and ``coursepack serve``) can use them.
"""

from .lock import build_lock
from .store import CACHE_DIR, Entry, Store, key

__all__ = ["CACHE_DIR", "Entry", "Store", "build_lock", "key"]
