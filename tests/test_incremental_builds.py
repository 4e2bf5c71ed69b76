"""Incremental builds equal cold builds, byte for byte: after any sequence of edits, additions,
deletions and renames of lessons, media and glossary entries, and of option changes, the files
of a build into a folder that holds earlier builds and their cache are those of a ``--force``
build into an empty folder. Hypothesis draws the sequences (few: every step builds the PDFs
twice), on the small course of tests/roots/small."""

from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders.base import BuildOptions
from builders.build import build
from builders.diagnostics import SourceError
from builders.incremental import CACHE_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from edits import edit_prompt, edit_word, push_pages  # noqa: E402

SMALL = Path(__file__).resolve().parent / "roots" / "small"
_COUNTER = itertools.count(1)


def lessons(course: Path) -> list[Path]:
    return sorted((course / "lessons").glob("*.md"))


def add_lesson(course: Path, n: int) -> None:
    number = next(_COUNTER)
    (course / "lessons" / f"0{n % 5}-added-{number}.md").write_text(
        f"---\nid: added-{number}\ntitle: Added Lesson {number}\n---\nA new treaty, signed in spring.\n\n"
        f"```quiz\n- id: added-{number}-q\n  type: true-false\n  prompt: Was it signed in spring?\n  answer: true\n```\n",
        encoding="utf-8")


def delete_lesson(course: Path, n: int) -> None:
    found = lessons(course)
    if len(found) > 1:
        found[n % len(found)].unlink()


def rename_lesson(course: Path, n: int) -> None:
    found = lessons(course)
    path = found[n % len(found)]
    path.rename(path.with_name(f"9{next(_COUNTER)}-{path.name}"))


def edit_media(course: Path, n: int) -> None:
    svg = course / "media" / "bar.svg"
    svg.write_text(svg.read_text().replace('width="120"', f'width="{40 + n % 100}"', 1).replace(
        f'width="{40 + (n - 1) % 100}"', f'width="{40 + n % 100}"', 1))


def edit_glossary(course: Path, n: int) -> None:
    glossary = course / "glossary.yml"
    text = glossary.read_text()
    if n % 3 == 0 and "ally:" not in text:
        glossary.write_text(text + "ally: A state on the same side.\n")
    elif n % 3 == 1:
        glossary.write_text(text.replace("A written agreement", "A signed agreement"))
    else:
        glossary.write_text("\n".join(line for line in text.splitlines() if not line.startswith("league:")) + "\n")


def lesson_edit(change):  # noqa: ANN001, ANN201
    def edit(course: Path, n: int) -> None:
        found = lessons(course)
        try:
            change(found[n % len(found)])
        except ValueError:  # the lesson has no prose line or prompt of that kind
            add_lesson(course, n)
    return edit


EDITS = {"word": lesson_edit(edit_word), "prompt": lesson_edit(edit_prompt), "push": lesson_edit(push_pages),
         "add": add_lesson, "delete": delete_lesson, "rename": rename_lesson, "media": edit_media,
         "glossary": edit_glossary}
OPTIONS = [BuildOptions(), BuildOptions(page_size="letter"), BuildOptions(scorm_versions=("2004",)),
           BuildOptions(fillable=True)]
STEP = st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 99), st.sampled_from(range(len(OPTIONS))))


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=3))
def test_an_incremental_build_equals_a_cold_build(tmp_path_factory: pytest.TempPathFactory,
                                                 steps: list[tuple[str, int, int]]) -> None:
    work = tmp_path_factory.mktemp("incremental")
    course = work / "course"
    shutil.copytree(SMALL, course)
    kept = work / "dist"
    build(course, kept, options=OPTIONS[0], jobs=2)
    for number, (edit, n, option) in enumerate(steps):
        EDITS[edit](course, n)
        before = outputs(kept)
        try:
            incremental = build(course, kept, options=OPTIONS[option], jobs=2)
        except SourceError as error:  # e.g. a link to a deleted lesson: the cold build says the same
            with pytest.raises(SourceError) as cold_error:
                build(course, work / f"cold-{number}", options=OPTIONS[option], jobs=1, force=True)
            assert str(cold_error.value) == str(error) and outputs(kept) == before
            continue
        cold_dir = work / f"cold-{number}"
        build(course, cold_dir, options=OPTIONS[option], jobs=1, force=True)
        cold = outputs(cold_dir)
        assert {p.name for p in incremental.written + incremental.up_to_date} == set(cold), (edit, option)
        now = outputs(kept)
        assert {name: now[name] == data for name, data in cold.items()} == dict.fromkeys(cold, True), (edit, option)


def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(SMALL, course)
    kept = tmp_path / "kept"
    build(course, kept, formats=["pdf"], jobs=1)
    entries = sorted((kept / CACHE_DIR).glob("*.entry"))
    assert entries
    for n, entry in enumerate(entries):  # every kind of damage at once
        raw = entry.read_bytes()
        entry.write_bytes(raw[: len(raw) // 2] if n % 2 else raw[:-10] + b"0123456789")
    (course / "lessons" / "03-third.md").write_text((course / "lessons" / "03-third.md").read_text() + "\nMore.\n")
    build(course, kept, formats=["pdf"], jobs=1)  # not --force, which reads nothing from the cache
    cold = build(course, tmp_path / "cold", formats=["pdf"], jobs=1, force=True)
    assert outputs(kept) == outputs(tmp_path / "cold") and cold.written


def _pid_after_a_while(item: int) -> int:
    import os
    import time

    time.sleep(0.3)
    return os.getpid()


def test_parts_are_laid_out_jobs_at_a_time() -> None:
    from builders.pdf.pool import in_parallel

    done = dict(in_parallel(_pid_after_a_while, [1, 2, 3, 4], 2))
    assert sorted(done) == [1, 2, 3, 4] and len(set(done.values())) == 2
    assert set(dict(in_parallel(_pid_after_a_while, [1, 2], 1)).values()) == {__import__("os").getpid()}


def test_parts_laid_out_in_parallel_make_the_same_file(tmp_path: Path) -> None:
    from builders.base import BuildContext
    from builders.pdf import PdfBuilder
    from tests.conftest import load

    course = load(SMALL)
    made = {}
    for jobs in (1, 3):
        out = tmp_path / f"jobs-{jobs}"
        out.mkdir()
        result = PdfBuilder().build(course, out, BuildContext(part="workbook", jobs=jobs))
        made[jobs] = [path.read_bytes() for path in result.paths]
    assert made[1] == made[3]
