"""Benchmark (not a test): how long the EPUB build takes, beside pandoc on the same Markdown.

    python benchmarks/epub.py [--repeat 3] [--lessons 100]

Prints, for the example course (course/) and for a synthetic course made of the example
lessons repeated until there are ``--lessons`` of them: the time to load the course, the
time to make the EPUB, and the time ``pandoc -o x.epub lessons/*.md`` takes on the same
lesson files (pandoc only converts Markdown: no questions, answers or accessibility work,
so it is a yardstick, not a competitor). Times are the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builders.base import BuildContext  # noqa: E402
from builders.epub import make_epub  # noqa: E402
from builders.source import load_course  # noqa: E402


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def repeated_course(source: Path, target: Path, lessons: int) -> Path:
    """A copy of ``source`` whose lessons are repeated (ids and links renamed) up to ``lessons``."""
    shutil.copytree(source, target)
    config = yaml.safe_load((source / "course.yml").read_text(encoding="utf-8"))
    originals = [source / p for p in config.get("lessons") or sorted(
        str(p.relative_to(source)) for p in (source / "lessons").glob("*.md"))]
    shutil.rmtree(target / "lessons")
    (target / "lessons").mkdir()
    names = []
    for n in range(lessons):
        original = originals[n % len(originals)]
        copy = n // len(originals)
        name = f"c{copy:03d}-{original.name}"
        (target / "lessons" / name).write_text(renamed(original.read_text(encoding="utf-8"), copy), encoding="utf-8")
        names.append(f"lessons/{name}")
    config.update(id=f"{config['id']}-x{lessons}", lessons=names)
    (target / "course.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def renamed(text: str, copy: int) -> str:
    """Make lesson and question ids (and links to sibling lessons) unique for one copy."""
    text = re.sub(r"^(id: *)([a-z0-9-]+)", rf"\g<1>\g<2>-c{copy}", text, count=1, flags=re.M)
    text = re.sub(r"^(\s*-?\s*id: *)([a-z0-9-]+)\s*$", rf"\g<1>\g<2>-c{copy}", text, flags=re.M)
    return re.sub(r"\]\((?!\.\./|https?:|mailto:|#)([^)#\s]+\.md)", rf"](c{copy:03d}-\g<1>", text)


def pandoc_seconds(course: Path, repeat: int) -> float | None:
    if shutil.which("pandoc") is None:
        return None
    lessons = [str(p) for p in sorted((course / "lessons").glob("*.md"))]
    with tempfile.TemporaryDirectory() as tmp:
        command = ["pandoc", "--quiet", "--resource-path", str(course / "lessons"), "-o", f"{tmp}/x.epub", *lessons]
        return best_of(repeat, lambda: subprocess.run(command, check=True, cwd=course / "lessons"))


def report(label: str, course_dir: Path, repeat: int) -> None:
    load_time = best_of(repeat, lambda: load_course(course_dir))
    course, _ = load_course(course_dir)
    epub_time = best_of(repeat, lambda: make_epub(course, BuildContext()))
    size = len(make_epub(course, BuildContext()))
    pandoc = pandoc_seconds(course_dir, repeat)
    pandoc_text = f"{pandoc:7.2f} s" if pandoc is not None else "  (no pandoc)"
    print(f"{label:<28} {len(course.lessons):>4} lessons  load {load_time:6.2f} s  epub {epub_time:6.2f} s"
          f"  total {load_time + epub_time:6.2f} s  ({size / 1024:,.0f} KiB)  pandoc {pandoc_text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lessons", type=int, default=100)
    parser.add_argument("--course", type=Path, default=REPO / "course")
    args = parser.parse_args()
    report("example course", args.course, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        big = repeated_course(args.course, Path(tmp) / "course", args.lessons)
        report(f"example lessons x{args.lessons}", big, args.repeat)


if __name__ == "__main__":
    main()
