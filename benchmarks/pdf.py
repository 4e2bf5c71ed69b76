"""PDF benchmark: pages, seconds and peak memory for the workbook and answer key.

    python benchmarks/pdf.py [--lessons 100] [--page-size A4]

Builds both PDFs of the example course (course/) and of a synthetic course made by repeating
the example lessons with new ids until it has ``--lessons`` lessons, each in a fresh process
(so peak memory is that build's). Also times WeasyPrint alone on the very HTML the builder
handed it (render + write): ``ours / WeasyPrint`` is the builder's overhead (HTML, page map,
and the second layout when a document needs a blank page to reach an even page count).
Not a test: nothing is asserted. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "course"


def repeat_course(source: Path, target: Path, lessons: int) -> Path:
    """A copy of ``source`` whose lessons repeat, with new lesson and question ids, to ``lessons``."""
    shutil.copytree(source, target)
    originals = sorted((source / "lessons").glob("*.md"))
    files = []
    for n in range(lessons):
        copy, original = divmod(n, len(originals))
        copy += 1
        in_copy = {p.name for p in originals[: lessons - (copy - 1) * len(originals)]}
        src = originals[original]
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^id: (\S+)", rf"id: \1-c{copy}", text, count=1)
        text = re.sub(r"(?m)^(\s*- id: )(\S+)", rf"\1\2-c{copy}", text)
        text = _relink(text, copy, in_copy)
        name = f"c{copy:03d}-{src.name}"
        (target / "lessons" / name).write_text(text, encoding="utf-8")
        files.append(f"lessons/{name}")
    for old in originals:
        (target / "lessons" / old.name).unlink()
    yml = (target / "course.yml").read_text(encoding="utf-8")
    yml = re.sub(r"(?ms)^lessons:\n(?:  - .*?\n)+", "lessons:\n" + "".join(f"  - {f}\n" for f in files), yml)
    (target / "course.yml").write_text(yml, encoding="utf-8")
    return target


def _relink(text: str, copy: int, in_copy: set[str]) -> str:
    """Links to another lesson go to its copy in the same round (round 1 if this round is cut short)."""
    return re.sub(r"\]\(([^)/\s#]+\.md)",
                  lambda m: f"](c{copy if m.group(1) in in_copy else 1:03d}-{m.group(1)}", text)


def measure_ours(course_dir: Path, page_size: str | None, html_dir: Path) -> dict:
    """Our build of both PDFs; the HTML handed to WeasyPrint is saved for :func:`measure_alone`."""
    from builders.base import BuildContext, BuildOptions
    from builders.pdf import PdfBuilder
    from builders.source import load_course

    course, _ = load_course(course_dir)
    builder = PdfBuilder()
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        builder.build(course, Path(out), BuildContext(options=BuildOptions(page_size=page_size)))
        seconds = time.perf_counter() - start
    for edition, html in builder.html_sent.items():
        (html_dir / f"{edition}.html").write_text(html, encoding="utf-8")
    return {"lessons": len(course.lessons), "seconds": seconds, "peak_mb": _peak_mb()}


def measure_alone(course_dir: Path, html_dir: Path) -> dict:
    """WeasyPrint alone (render + write) on the saved HTML, with the same in-memory fetcher."""
    from weasyprint import HTML

    from builders.pdf_render import BASE_URL, PDF_VARIANT, MemoryFetcher
    from builders.source import load_course

    course, _ = load_course(course_dir)
    pages, seconds = {}, 0.0
    with tempfile.TemporaryDirectory() as out:
        for path in sorted(html_dir.glob("*.html")):
            html = path.read_text(encoding="utf-8")
            start = time.perf_counter()
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=MemoryFetcher(course.media)).render(
                pdf_variant=PDF_VARIANT)
            document.write_pdf(Path(out) / "alone.pdf", pdf_variant=PDF_VARIANT)
            seconds += time.perf_counter() - start
            pages[path.stem] = len(document.pages)
    return {"pages": pages, "seconds": seconds, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(*args: str) -> dict:
    """Each measurement in a fresh process: peak memory is that run's, no warm caches."""
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True,
                         text=True, cwd=REPO).stdout
    return json.loads(out.splitlines()[-1])


def benchmark(label: str, course_dir: Path, page_size: str | None) -> None:
    with tempfile.TemporaryDirectory() as html_dir:
        ours = run_child("ours", str(course_dir), html_dir, page_size or "")
        alone = run_child("alone", str(course_dir), html_dir)
    pages = ", ".join(f"{name} {count}" for name, count in alone["pages"].items())
    print(f"{label} ({ours['lessons']} lessons): pages: {pages}")
    print(f"  ours {ours['seconds']:.1f} s, peak {ours['peak_mb']:.0f} MB | WeasyPrint alone "
          f"{alone['seconds']:.1f} s, peak {alone['peak_mb']:.0f} MB | ratio {ours['seconds'] / alone['seconds']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=100)
    parser.add_argument("--page-size", choices=["A4", "letter"])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, course_dir, html_dir, *size = args.child
        if kind == "ours":
            result = measure_ours(Path(course_dir), size[0] or None, Path(html_dir))
        else:
            result = measure_alone(Path(course_dir), Path(html_dir))
        print(json.dumps(result))
        return
    benchmark("example course", EXAMPLE, args.page_size)
    with tempfile.TemporaryDirectory() as tmp:
        big = repeat_course(EXAMPLE, Path(tmp) / "course", args.lessons)
        benchmark("example lessons repeated", big, args.page_size)


if __name__ == "__main__":
    main()
