"""Importing WeasyPrint without its library search costing a fifth of a second (Linux).

WeasyPrint opens seven system libraries (Pango, HarfBuzz, fontconfig...), trying several names
for each, one per platform. cffi looks up every name that does not load as given with
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``, then gcc, then ld, for each
name: about 0.2 s of subprocesses, a third of WeasyPrint's import time, which every build that
lays out a page waits for. While WeasyPrint is imported, :func:`found_quickly` makes
``find_library`` read ``ldconfig -p`` once and answer from it, as its own first step does (same
pattern, same architecture), without falling back on gcc or ld: WeasyPrint's list of names
always ends with the sonames the dynamic loader finds by itself, so a library outside the
loader's cache (``LD_LIBRARY_PATH``) still loads.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator

_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}
"""As in CPython's ``ctypes.util._findSoname_ldconfig``."""


@contextlib.contextmanager
def found_quickly() -> Iterator[None]:
    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = _from_loader_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _from_loader_cache(name: str) -> str | None:
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({_ABI.get(machine, 'libc6')}"
    found = re.search(pattern.encode(), _loader_cache())
    return os.fsdecode(found.group(1)) if found else None


@functools.cache
def _loader_cache() -> bytes:
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"}, check=False).stdout
    except OSError:
        return b""
