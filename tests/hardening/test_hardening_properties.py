"""Property tests over every builder: any valid generated course builds in every format and passes
the validators; any corruption of one gives a clean error, never a traceback or a changed --out.

Cost is bounded: a handful of generated courses (derandomized, so CI sees the same ones every
run) are built once per session in every format; their EPUBs go through ONE EPUBCheck JVM, their
SCORM manifests through the official XSDs, their PDFs through pypdf. Corruptions build only the
quick formats (EPUB and SCORM): the PDF builder reads the same model.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from builders.base import BuildOptions
from builders.build import build
from builders.cli import main
from builders.source.markdown import slugify
from tests.hardening.figures import record
from tests.test_properties import WORD, corruptions, q, question, sentence, write

GENERATED = 5
CORRUPTED = 30
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 20" width="60" height="20">'
       '<rect width="60" height="20" fill="#ddd"/><text x="4" y="14" font-size="10">{}</text></svg>')


def png() -> bytes:
    """A valid 2x2 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@st.composite
def rich_courses(draw: st.DrawFn) -> dict[str, str | bytes]:
    """A valid course using every feature: headings, tables, lists, footnotes, figures (SVG and
    PNG), links between lessons, glossary terms, every question type, any Unicode text."""
    lesson_ids = draw(st.lists(st.from_regex(r"[a-z][a-z0-9]{1,6}", fullmatch=True), min_size=1, max_size=3, unique=True))
    terms = draw(st.lists(st.from_regex(r"[a-z]{4,9}", fullmatch=True), min_size=0, max_size=3, unique=True))
    files: dict[str, str | bytes] = {"media/chart.svg": SVG.format("chart &amp; data"), "media/photo.png": png()}
    headings = {lid: [f"Part {n} {draw(WORD)}" for n in range(1, draw(st.integers(1, 3)) + 1)] for lid in lesson_ids}
    names = {lid: f"{n:02d}-{lid}.md" for n, lid in enumerate(lesson_ids, start=1)}
    links = [names[lid] for lid in lesson_ids] + [f"{names[lid]}#{slugify(h)}" for lid in lesson_ids for h in headings[lid]]
    qids = iter(f"q{n}" for n in range(1, 100))
    files["course.yml"] = (
        f"id: generated\ntitle: {q(draw(sentence()))}\nsubtitle: {q(draw(sentence()))}\n"
        f"language: {draw(st.sampled_from(['en', 'fr', 'de', 'es']))}\nauthors: [{q(draw(sentence(1, 3)))}]\n"
        f"description: {q(draw(sentence(3, 12)))}\ndate: 2026-02-0{draw(st.integers(1, 9))}\n"
        f"assessment: {{passing_score: {draw(st.integers(0, 100))}, attempts: {draw(st.integers(0, 3))}}}\n"
        f"pdf: {{page_size: {draw(st.sampled_from(['A4', 'letter']))}}}\n"
    )
    if terms:
        files["glossary.yml"] = "".join(f"{t}: {q(draw(sentence()) + f' [lesson](lessons/{names[lesson_ids[0]]})')}\n" for t in terms)
    for lid in lesson_ids:
        parts = [draw(sentence(4, 12)) + (f" The {terms[0]} matters." if terms else "")]
        for n, heading in enumerate(headings[lid]):
            parts.append(f"## {heading}")
            parts.append(f"{draw(sentence(4, 12))} [link]({draw(st.sampled_from(links))}), **bold**, *it*.[^n{n}]")
            parts.append(f"[^n{n}]: {draw(sentence())}")
            feature = draw(st.sampled_from(["table", "list", "svg", "png", "deflist", "quote"]))
            if feature == "table":
                parts.append(f"| A | B |\n|---|---|\n| {draw(WORD)} | {draw(WORD)} |")
            elif feature == "list":
                parts.append("\n".join(f"- {draw(sentence(1, 4))}" for _ in range(3)))
            elif feature in ("svg", "png"):
                src = "chart.svg" if feature == "svg" else "photo.png"
                parts.append(f"![{draw(sentence(1, 4)).replace(']', '')}](../media/{src} {q(draw(sentence(1, 4)))})")
            elif feature == "deflist":
                parts.append(f"{draw(WORD)}\n: {draw(sentence())}")
            else:
                parts.append(f"> {draw(sentence())}")
        quiz = "\n".join(draw(question(next(qids), links)) for _ in range(draw(st.integers(0, 3))))
        if quiz:
            parts.append(f"```quiz\n{quiz}\n```")
        files[f"lessons/{names[lid]}"] = f"---\nid: {lid}\ntitle: {q(draw(sentence(1, 5)))}\n---\n" + "\n\n".join(parts) + "\n"
    return files


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """GENERATED courses built in every format (same ones every run: derandomized)."""
    root = tmp_path_factory.mktemp("generated")
    built: list[dict] = []

    @settings(max_examples=GENERATED, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(rich_courses())
    def build_one(files: dict[str, str | bytes]) -> None:
        folder = root / f"course-{len(built)}"
        write(files, folder)
        report = build(folder, root / f"out-{len(built)}", None, BuildOptions(scorm_versions=("1.2", "2004")), jobs=1)
        built.append({"folder": folder, "files": {p.name: p for p in report.written}, "course": report.course})

    build_one()
    record("property_examples", len(built))
    record("generated_builds", len(built))
    return built


def _of(generated: list[dict], suffix: str) -> list[Path]:
    return [p for g in generated for name, p in g["files"].items() if name.endswith(suffix)]


def test_every_generated_course_builds_every_format(generated: list[dict]) -> None:
    assert len(generated) == GENERATED
    for g in generated:
        assert sorted(name.removeprefix("generated") for name in g["files"]) == [
            "-answer-key.pdf", "-scorm12.zip", "-scorm2004.zip", "-workbook.pdf", ".epub"]


def test_the_generated_epubs_pass_epubcheck(generated: list[dict], tmp_path: Path) -> None:
    from tests.epub.epubtools import epubcheck_command, epubcheck_exit_codes

    jobs = [(tmp_path / f"report-{n}.json", path) for n, path in enumerate(_of(generated, ".epub"))]
    run = subprocess.run(epubcheck_command(jobs), capture_output=True, text=True, timeout=600)
    codes = epubcheck_exit_codes(run.stdout)
    failures = {}
    for report, book in jobs:
        if codes.get(str(book)) != 0:
            data = json.loads(report.read_text()) if report.is_file() else {}
            failures[book.parent.name] = [(m["ID"], m["message"][:120]) for m in data.get("messages", [])][:5]
    assert failures == {}, run.stdout[-2000:]


def test_the_generated_scorm_manifests_are_valid(generated: list[dict]) -> None:
    from tests.scorm.scorm_support import manifest_schema

    for version, suffix in (("1.2", "scorm12.zip"), ("2004", "scorm2004.zip")):
        for path in _of(generated, suffix):
            with zipfile.ZipFile(path) as archive:
                manifest = etree.fromstring(archive.read("imsmanifest.xml"))
                names = archive.namelist()
            schema = manifest_schema(version)
            assert schema.validate(manifest), (path, schema.error_log.last_error)
            hrefs = {f.get("href") for f in manifest.iter("{*}file")}
            assert hrefs <= set(names), hrefs - set(names)


def test_the_generated_pdfs_open_and_name_the_course(generated: list[dict]) -> None:
    """(Text extraction is not compared: glyphs outside the shipped fonts come out as .notdef.)"""
    from pypdf import PdfReader

    for g in generated:
        for name, path in g["files"].items():
            if name.endswith(".pdf"):
                reader = PdfReader(path)
                assert len(reader.pages) >= 2 and len(reader.pages) % 2 == 0, name
                assert " ".join(g["course"].title.split()) in (reader.metadata.title or ""), name


@settings(max_examples=CORRUPTED, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(corruptions())
def test_a_corrupted_course_never_crashes_a_build(case: tuple[dict, str]) -> None:
    files, _how = case
    record("property_examples")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(files, root / "course")
        (root / "dist").mkdir()
        (root / "dist" / "keep.txt").write_text("earlier")
        result = CliRunner().invoke(main, ["build", str(root / "course"), "--out", str(root / "dist"),
                                           "--format", "epub,scorm", "--jobs", "1"], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        if result.exit_code == 1:
            record("bad_inputs")
            record("clean_errors")
            assert [p.name for p in (root / "dist").iterdir()] == ["keep.txt"]
            assert all(re.match(r"^(\S.*?): (error|warning): ", line) for line in result.stderr.splitlines()[:-1])
        assert sorted(p.name for p in root.iterdir()) == ["course", "dist"]
