"""The build orchestrator: atomic publishing, up-to-date detection, parallel runs, page maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import build as build_module
from builders import registry
from builders.base import BuildOptions
from builders.diagnostics import BuildError

FAKES = {
    "pages": "tests.fakes.fake_builders:PagesBuilder",
    "book": "tests.fakes.fake_builders:BookBuilder",
    "broken": "tests.fakes.fake_builders:FailingBuilder",
}


@pytest.fixture(autouse=True)
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BUILDERS", FAKES)
    monkeypatch.setattr(build_module, "NEEDS_PAGE_MAP", {"book": "pages"})


def run(course: Path, out: Path, formats: list[str], **kwargs) -> build_module.BuildReport:  # noqa: ANN003
    return build_module.build(course, out, formats, BuildOptions(), **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".coursepack-cache"}


def test_page_map_flows_to_the_builder_that_needs_it(starter_course: Path, tmp_path: Path) -> None:
    run(starter_course, tmp_path / "out", ["pages", "book"])
    book = (tmp_path / "out" / "my-first-course.book").read_text()
    assert "('getting-started', '1'), ('question-types', '2')" in book


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_and_serial_builds_are_identical(starter_course: Path, tmp_path: Path, jobs: int) -> None:
    serial = run(starter_course, tmp_path / "serial", ["pages", "book"], jobs=1)
    parallel = run(starter_course, tmp_path / "parallel", ["pages", "book"], jobs=jobs)
    assert [p.name for p in serial.written] == [p.name for p in parallel.written]
    assert snapshot(tmp_path / "serial") .keys() == snapshot(tmp_path / "parallel").keys()
    for name in ("my-first-course.book", "my-first-course.pages"):
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes()


def test_the_parts_of_a_format_are_built_in_parallel(starter_course: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BUILDERS", {"parts": "tests.fakes.fake_builders:PartsBuilder", **FAKES})
    monkeypatch.setattr(build_module, "NEEDS_PAGE_MAP", {"book": "parts"})
    for jobs in (1, 2):
        out = tmp_path / f"jobs-{jobs}"
        for stale in tmp_path.glob("*.pid"):
            stale.unlink()
        report = run(starter_course, out, ["parts", "book"], jobs=jobs)
        assert sorted(p.name for p in report.written) == [
            "my-first-course.book", "my-first-course.left", "my-first-course.right"]
        assert "[('x', '1')]" in (out / "my-first-course.book").read_text()  # the left part's page map
        builders = {(tmp_path / f"{part}.pid").read_text() for part in ("left", "right")}
        assert len(builders) == jobs  # one process for both, or one each


def test_the_page_map_is_handed_on_before_the_other_parts_finish(starter_course: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The EPUB needs only the workbook's page numbers: it must not wait for the answer key."""
    monkeypatch.setattr(registry, "BUILDERS", {"parts": "tests.fakes.fake_builders:SlowRightPartsBuilder", **FAKES})
    monkeypatch.setattr(build_module, "NEEDS_PAGE_MAP", {"book": "parts"})
    out = tmp_path / "out"
    run(starter_course, out, ["parts", "book"], jobs=2)
    assert (tmp_path / "right-saw-book").read_text() == "True"
    assert "[('x', '1')]" in (out / "my-first-course.book").read_text()


def test_a_failed_builder_leaves_the_output_folder_as_it_was(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(starter_course, out, ["pages"])
    before = snapshot(out)
    for jobs in (1, 2):
        with pytest.raises(BuildError, match="the disk is full"):
            run(starter_course, out, ["pages", "book", "broken"], jobs=jobs, force=True)
        assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left


def test_unchanged_source_rewrites_nothing(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(starter_course, out, ["pages", "book"])
    stamps = {p: p.stat().st_mtime_ns for p in first.written}
    second = run(starter_course, out, ["pages", "book"])
    assert second.written == [] and sorted(second.up_to_date) == sorted(first.written)
    assert second.course is None  # not even loaded
    assert {p: p.stat().st_mtime_ns for p in first.written} == stamps


def test_a_changed_lesson_rebuilds(starter_course: Path, course_copy, tmp_path: Path) -> None:  # noqa: ANN001
    course = course_copy(starter_course)
    out = tmp_path / "out"
    run(course, out, ["pages", "book"])
    lesson = course / "lessons" / "01-getting-started.md"
    lesson.write_text(lesson.read_text().replace("title: Getting Started", "title: Starting"))
    assert len(run(course, out, ["pages", "book"]).written) == 2


def test_an_edited_or_deleted_output_is_rebuilt(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(starter_course, out, ["pages", "book"])
    (out / "my-first-course.book").write_text("tampered")
    assert [p.name for p in run(starter_course, out, ["pages", "book"]).written] == ["my-first-course.book"]
    (out / "my-first-course.pages").unlink()
    report = run(starter_course, out, ["pages", "book"])
    assert [p.name for p in report.written] == ["my-first-course.pages"]


def test_a_fresh_provider_still_feeds_its_page_map(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(starter_course, out, ["pages", "book"])
    (out / "my-first-course.book").unlink()
    run(starter_course, out, ["pages", "book"])  # only book is rebuilt; the page map comes from the cache
    assert "('getting-started', '1')" in (out / "my-first-course.book").read_text()


def test_force_rebuilds_everything(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(starter_course, out, ["pages"])
    assert len(run(starter_course, out, ["pages"], force=True).written) == 1


def test_options_are_part_of_the_fingerprint(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(starter_course, out, ["pages"])
    report = build_module.build(starter_course, out, ["pages"], BuildOptions(page_size="letter"))
    assert len(report.written) == 1


def test_building_with_the_page_map_provider_rebuilds_a_lone_build(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(starter_course, out, ["book"])
    assert "[]" in (out / "my-first-course.book").read_text()  # built alone: no page map
    report = run(starter_course, out, ["pages", "book"])
    assert sorted(p.name for p in report.written) == ["my-first-course.book", "my-first-course.pages"]
    assert "('getting-started', '1')" in (out / "my-first-course.book").read_text()
