"""Lessons kept between loads (builders/source/lessoncache.py): a load that reads them from the
store gives what a fresh load gives, errors and warnings included, whatever changed around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builders.diagnostics import SourceError
from builders.incremental import Entry, Store
from builders.model import Lesson, SourcePos
from builders.model.plain import PlainError, from_plain, to_plain
from builders.source import load_course
from builders.source.lessoncache import LessonCache


def _load(folder: Path, store: Path | None) -> tuple[object, list]:
    """(course, warnings) or the sorted errors; the lessons it read are saved to ``store``."""
    cache = LessonCache(Store(store)) if store is not None else None
    try:
        loaded = load_course(folder, cache=cache)
    except SourceError as exc:
        return None, [str(d) for d in exc.diagnostics]
    if cache is not None:
        cache.save()
    return loaded


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("name", ["all_features", "example_course"])
def test_a_warm_load_reads_no_lesson_and_equals_a_fresh_one(name: str, request: pytest.FixtureRequest,
                                                            tmp_path: Path, lessons_read: list[str]) -> None:
    folder = request.getfixturevalue(name)
    cold = _load(folder, tmp_path / "store")
    assert list((tmp_path / "store").iterdir()), "the lessons are kept"
    read = lessons_read
    read.clear()
    warm = _load(folder, tmp_path / "store")
    assert read == []
    assert warm == cold == _load(folder, None)


def test_only_the_edited_lesson_is_read_again(all_features: Path, course_copy, tmp_path: Path,
                                              lessons_read: list[str]) -> None:
    folder = course_copy(all_features)
    _load(folder, tmp_path / "store")
    _edit(folder / "lessons/03-more.md", "done.", "done again.")
    read = lessons_read
    read.clear()
    warm = _load(folder, tmp_path / "store")
    assert read == ["more-features"]
    assert warm == _load(folder, None)


def test_a_lesson_is_not_kept_under_its_number(all_features: Path, course_copy, tmp_path: Path,
                                               lessons_read: list[str]) -> None:
    """A lesson added in front renumbers the others, which are still read from the store."""
    folder = course_copy(all_features)
    _load(folder, tmp_path / "store")
    (folder / "lessons/00-first.md").write_text("---\nid: first\ntitle: First\n---\n\nA new first lesson.\n",
                                                encoding="utf-8")
    _edit(folder / "course.yml", "lessons:\n", "lessons:\n  - lessons/00-first.md\n")
    read = lessons_read
    read.clear()
    warm, _ = _load(folder, tmp_path / "store")
    assert read == ["first"]
    assert [lesson.number for lesson in warm.lessons] == [1, 2, 3, 4]
    assert (warm, _) == _load(folder, None)


@pytest.mark.parametrize("change", ["renamed-lesson-id", "renamed-heading", "broken-image", "duplicate-question",
                                    "duplicate-question-later", "glossary", "words"])
def test_what_changed_around_a_kept_lesson_is_seen(change: str, all_features: Path, course_copy,
                                                   tmp_path: Path) -> None:
    """A kept lesson (03-more) links to lesson one and its heading and shows a PNG; each change
    below is made outside it, and the warm load reports and builds what a fresh load does."""
    folder = course_copy(all_features)
    _load(folder, tmp_path / "store")
    if change == "renamed-lesson-id":  # its links now point at another id: read again
        _edit(folder / "lessons/01-getting-started.md", "id: getting-started", "id: starting-out")
    elif change == "renamed-heading":  # its link to the heading is now broken
        _edit(folder / "lessons/01-getting-started.md", "Tables and lists", "Tables and more")
    elif change == "broken-image":
        (folder / "media/swatch.png").write_bytes(b"not a PNG")
    elif change == "duplicate-question":  # lesson one now takes an id that lesson three had first
        text = (folder / "lessons/03-more.md").read_text(encoding="utf-8")
        taken = text.split("- id: ", 1)[1].split("\n", 1)[0]
        _edit(folder / "lessons/01-getting-started.md", "- id: outputs-count", f"- id: {taken}")
    elif change == "glossary":
        (folder / "glossary.yml").write_text("Delian League: An alliance led by Athens.\n", encoding="utf-8")
    elif change == "duplicate-question-later":  # lesson three now takes an id that lesson one has
        _edit(folder / "lessons/03-more.md", "- id: ", "- id: outputs-count\n  type: true-false\n  prompt: Yes?\n"
                                                     "  answer: true\n- id: ")
    else:  # the footnotes' heading of lesson one
        _edit(folder / "course.yml", "strings:\n", "strings:\n  notes: Footnotes\n")
    assert _load(folder, tmp_path / "store") == _load(folder, None)


def test_a_kept_lessons_warnings_come_back(all_features: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        lessons_read: list[str]) -> None:
    from builders.source import loader

    original = loader.further_reading

    def warning(front, report):
        report.warning(SourcePos(Path("x.md"), 3), "a warning of the lesson's own")
        return original(front, report)

    monkeypatch.setattr(loader, "further_reading", warning)
    cold = _load(all_features, tmp_path / "store")
    read = lessons_read
    read.clear()
    assert _load(all_features, tmp_path / "store") == cold
    assert read == [] and sum("of the lesson's own" in d.message for d in cold[1]) == 3


def test_a_warning_of_a_check_made_again_is_not_replayed_too(all_features: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A warning that an image check gives comes back from the check made again, once."""
    from builders.source.media import MediaLoader

    original = MediaLoader.image

    def warning(self, src, base, pos, what):
        self.report.warning(pos, f"a warning of the check of {src}")
        return original(self, src, base, pos, what)

    monkeypatch.setattr(MediaLoader, "image", warning)
    cold = _load(all_features, tmp_path / "store")
    assert sum("of the check of" in d.message for d in cold[1]) > 1
    assert _load(all_features, tmp_path / "store") == cold


def test_a_lesson_with_errors_is_not_kept(all_features: Path, course_copy, tmp_path: Path) -> None:
    folder = course_copy(all_features)
    _edit(folder / "lessons/03-more.md", "done.", "done $\\frac{$.")
    assert _load(folder, tmp_path / "store")[0] is None
    cache = LessonCache(Store(tmp_path / "store"))
    with pytest.raises(SourceError):
        load_course(folder, cache=cache)
    assert len(cache.pending) == 2, "the other two lessons only"


def _damage(store: Path, how: str) -> None:
    for path in store.iterdir():
        entry = Store(store).get(path.stem)
        assert entry is not None
        plain = json.loads(entry.data)
        if how == "not-json":
            data = b"{" + entry.data
        elif how == "wrong-type":
            plain["lesson"]["title"] = 5
            data = json.dumps(plain).encode()
        elif how == "unknown-class":
            plain["lesson"]["@"] = "Popen"
            data = json.dumps(plain).encode()
        else:
            plain["calls"] = [["exec", "x", 1, None]] + plain["calls"]
            data = json.dumps(plain).encode()
        Store(store).put(path.stem, Entry({}, data))


@pytest.mark.parametrize("how", ["not-json", "wrong-type", "unknown-class", "unknown-hook"])
def test_a_damaged_record_is_read_again(how: str, all_features: Path, tmp_path: Path,
                                        lessons_read: list[str]) -> None:
    cold = _load(all_features, tmp_path / "store")
    _damage(tmp_path / "store", how)
    read = lessons_read
    read.clear()
    assert _load(all_features, tmp_path / "store") == cold
    assert len(read) == 3
    read.clear()
    assert _load(all_features, tmp_path / "store") == cold
    assert read == [], "written again"


def test_plain_data_round_trip_and_refusals(all_features: Path) -> None:
    course, _ = load_course(all_features)
    for lesson in course.lessons:
        assert from_plain(json.loads(json.dumps(to_plain(lesson)))) == lesson
    plain = to_plain(course.lessons[0])
    for bad in ({**plain, "extra": 1}, {k: v for k, v in plain.items() if k != "html"}, {**plain, "number": 1.5},
                {**plain, "number": True}, {**plain, "sections": {"@": "Section"}}, {**plain, "@": "Path"},
                {**plain, "pos": {"@path": 3}}):
        with pytest.raises(PlainError):
            from_plain(bad)
    assert isinstance(from_plain(plain), Lesson)
    with pytest.raises(PlainError):
        to_plain(course)  # its mappings are never written as plain data
