"""Security: hostile HTML never reaches an output, a build never touches the network, never reads
a file outside the course folder, never expands an XML entity, and writes only safe zip names.

One hostile course (the starter course with script, event handlers, javascript: URLs, iframes,
remote CSS ... in every text a teacher writes) is built once in every format, with the network
cut off and every file the process opens watched; then EVERY file of the EPUB and the SCORM
zips, and the text and links of the PDFs, are scanned.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from builders.base import BuildOptions
from builders.build import build
from builders.shared.templating import environment, templates_dir
from builders.source import load_course
from tests.hardening.figures import record

MARK = "xss"
"""Every executable part of the payload carries this word: it must vanish from every output."""
RAW = (
    f'<script>alert("{MARK}-1")</script>'
    f'<a href="javascript:alert(\'{MARK}-2\')">js link</a>'
    f'<a href=" JaVaScRiPt:alert(\'{MARK}-3\')">spaced link</a>'
    f'<a href="data:text/html,{MARK}-4">data link</a>'
    f'<iframe src="https://evil.example/{MARK}-5"></iframe>'
    f'<span onclick="alert(\'{MARK}-6\')" onmouseover="{MARK}-7" style="background:url(https://evil.example/{MARK}-8)">clickable</span>'
    f'<svg onload="alert(\'{MARK}-9\')"><script>alert("{MARK}-10")</script></svg>'
    f'<object data="https://evil.example/{MARK}-11"></object><embed src="https://evil.example/{MARK}-12">'
    f'<form action="https://evil.example/{MARK}-13"><input name="{MARK}-14"></form>'
    f'<style>@import url(https://evil.example/{MARK}-15.css);</style>'
    f'<link rel="stylesheet" href="https://evil.example/{MARK}-16.css">'
    f'<meta http-equiv="refresh" content="0;url=https://evil.example/{MARK}-17">'
    f'<base href="https://evil.example/{MARK}-18/">'
    f'<details open ontoggle="alert(\'{MARK}-19\')">toggle</details>'
    f'<video src="https://evil.example/{MARK}-20.mp4" onerror="alert(\'{MARK}-21\')"></video>'
    f'<math><maction actiontype="statusline" href="javascript:alert(\'{MARK}-22\')">m</maction></math>'
    f'<textarea>typed text</textarea><noscript><p title="</noscript><svg onload=alert({MARK}24)>">n</p></noscript>'
)
PLAIN = '<script>alert("plain")</script> & <iframe src="x"> {{ 7*7 }}'
"""Plain-text fields (titles, description, matching sides) show this literally, escaped."""
FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base",
                      "meta", "video", "audio", "noscript", "style"}
RUNTIME = templates_dir() / "scorm"


def q(text: str) -> str:
    return json.dumps(text)


def hostile_course(target: Path) -> Path:
    from builders.scaffold import create

    create(target)
    yml = target / "course.yml"
    yml.write_text(yml.read_text()
                   .replace("title: My First Course", f"title: {q('Hostile ' + PLAIN)}")
                   .replace("  A two-lesson example", f"  {PLAIN} A two-lesson example")
                   .replace("subtitle: A short course made with coursepack", f"subtitle: {q(PLAIN)}"))
    (target / "glossary.yml").write_text(
        f"worksheet: {q('A printed page. ' + RAW)}\nanswer key: {q('The key [web](https://example.org). ' + RAW)}\n")
    lesson = target / "lessons" / "01-getting-started.md"
    text = lesson.read_text()
    text = text.replace("title: Getting Started", f"title: {q('Getting Started ' + PLAIN)}")
    text = text.replace("  - Describe what a course source is made of.", f"  - {q('Describe it. ' + RAW)}")
    text = text.replace("## Tables and lists", f"{RAW}\n\nInline {RAW} in a paragraph.\n\n## Tables and lists")
    text = text.replace("  prompt: How many kinds of output does coursepack build from one source?",
                        f"  prompt: {q('How many kinds? ' + RAW)}")
    text = text.replace("  explanation: An EPUB textbook", f"  explanation: {q(RAW)}\n  # An EPUB textbook")
    text = text.replace('{text: Markdown, correct: true, feedback: "Yes: plain text with light markup."}',
                        f"{{text: {q('Markdown ' + RAW)}, correct: true, feedback: {q('Yes ' + RAW)}}}")
    lesson.write_text(text)
    lesson = target / "lessons" / "02-question-types.md"
    text = lesson.read_text()
    text = text.replace("    - {left: PDF,", f"    - {{left: {q('PDF ' + PLAIN)},")
    text = text.replace("  prompt: Lessons are written in ___.", f"  prompt: Lessons are written in ___.\n  # {MARK}")
    lesson.write_text(text)
    return target


class Watch:
    """Cuts the network off and notes every file the process opens, while ``active``."""

    def __init__(self) -> None:
        self.active = False
        self.opened: list[str] = []
        self.connections: list[object] = []
        sys.addaudithook(self._audit)

    def _audit(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open" and isinstance(args[0], (str, bytes, Path)):
            self.opened.append(str(args[0] if not isinstance(args[0], bytes) else args[0].decode(errors="replace")))
        elif event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
            self.connections.append((event, args))
            raise OSError("the network is off during builds")


WATCH = Watch()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    course_dir = hostile_course(root / "course")
    outside = root / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("top secret")
    (course_dir / "media" / "secret.txt").symlink_to(secret)  # unreferenced: the build must not read it
    (course_dir / "notes").symlink_to(outside, target_is_directory=True)
    WATCH.opened.clear()
    WATCH.active = True
    try:
        report = build(course_dir, root / "dist", None, BuildOptions(scorm_versions=("1.2", "2004")), jobs=1)
    finally:
        WATCH.active = False
    return {"root": root, "course": course_dir, "secret": secret, "written": report.written,
            "opened": list(WATCH.opened), "connections": list(WATCH.connections)}


def _of(hostile: dict, suffix: str) -> list[Path]:
    return [p for p in hostile["written"] if p.name.endswith(suffix)]


def test_the_hostile_course_builds_in_every_format(hostile: dict) -> None:
    names = sorted(p.name.removeprefix("my-first-course") for p in hostile["written"])
    assert names == ["-answer-key.pdf", "-scorm12.zip", "-scorm2004.zip", "-workbook.pdf", ".epub"]


def test_a_build_never_touches_the_network(hostile: dict) -> None:
    assert hostile["connections"] == []


def test_a_build_never_opens_a_file_outside_the_course(hostile: dict) -> None:
    secret = str(hostile["secret"].resolve())
    opened = {str(Path(p).resolve()) for p in hostile["opened"] if not p.startswith(("/proc", "/dev"))}
    assert secret not in opened
    outside = str(hostile["secret"].parent.resolve())
    assert not [p for p in opened if p.startswith(outside)]


def _scan_markup(name: str, data: bytes, html: bool) -> list[str]:
    """Everything executable or fetching in one document."""
    problems = []
    text = data.decode("utf-8")
    if html:
        text = re.sub(r'<script type="application/json" id="cp_data">.*?</script>', "", text, flags=re.S)
        allowed = [f'<script src="assets/{p.name}"></script>' for p in (RUNTIME / "runtime").glob("*.js")]
        for tag in allowed:
            text = text.replace(tag, "")
    if re.search(r"<\s*(script|iframe|object|embed)\b", text, re.I):
        problems.append(f"{name}: raw <script>/<iframe>/<object>/<embed>")
    if MARK in text.lower():
        problems.append(f"{name}: the payload marker survived")
    root = lxml_html.fromstring(text) if html else etree.fromstring(data)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname.lower()
        if local in FORBIDDEN_ELEMENTS and not (local == "meta" and element.get("http-equiv") is None):
            problems.append(f"{name}: <{local}>")
        for attr, value in element.attrib.items():
            attr_local = etree.QName(attr).localname.lower()
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if attr_local.startswith("on"):
                problems.append(f"{name}: event handler {attr_local}")
            if squeezed.startswith(("javascript:", "vbscript:", "data:text")) or "javascript:" in squeezed:
                problems.append(f"{name}: {attr_local}={value!r}")
            if attr_local in ("src", "href", "data", "action", "poster") and squeezed.startswith(("http:", "https:", "//")) \
                    and local != "a":
                problems.append(f"{name}: <{local} {attr_local}> would fetch {value}")
            if "url(" in squeezed and ("http" in squeezed or "file:" in squeezed):
                problems.append(f"{name}: style fetches {value}")
    return problems


def _scan_zip(path: Path, runtime: dict[str, bytes]) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            record("hostile_files_scanned")
            suffix = name.rsplit(".", 1)[-1].lower()
            if suffix == "js":
                if runtime.get(name.rsplit("/", 1)[-1]) != data:
                    problems.append(f"{path.name}/{name}: not the shipped runtime")
            elif suffix == "css":
                if MARK in data.decode().lower() or "url(http" in data.decode().lower():
                    problems.append(f"{path.name}/{name}: CSS carries the payload")
            elif suffix in ("xhtml", "html", "htm", "opf", "ncx", "xml", "svg"):
                problems += _scan_markup(f"{path.name}/{name}", data, html=suffix in ("html", "htm"))
            elif suffix not in ("png", "jpg", "jpeg") and name != "mimetype" and not name.endswith("LICENSE.txt"):
                if MARK.encode() in data.lower():
                    problems.append(f"{path.name}/{name}: the payload marker survived")
    return problems


def test_no_output_file_carries_script_handlers_javascript_or_iframes(hostile: dict) -> None:
    runtime = {p.name: p.read_bytes() for p in (RUNTIME / "runtime").glob("*.js")}
    problems = []
    for path in _of(hostile, ".epub") + _of(hostile, ".zip"):
        problems += _scan_zip(path, runtime)
    assert problems == []


def test_the_pdfs_carry_no_script_and_only_web_links(hostile: dict) -> None:
    from pypdf import PdfReader

    pdfs = _of(hostile, ".pdf")
    assert len(pdfs) == 2
    for path in pdfs:
        record("hostile_files_scanned")
        raw = path.read_bytes()
        assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw
        reader = PdfReader(path)
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert MARK not in text.lower()
        assert "Hostile" in text  # the title is there, shown as text
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                uri = str(action.get("/URI", ""))
                assert not uri or uri.startswith(("https:", "http:", "mailto:")), uri


def test_plain_text_comes_out_escaped_everywhere(hostile: dict) -> None:
    """Jinja2 autoescaping: the title '<script>...' is text in every output, never markup."""
    assert environment().autoescape is True
    with zipfile.ZipFile(_of(hostile, ".epub")[0]) as epub:
        title_page = epub.read("EPUB/title-page.xhtml").decode() if "EPUB/title-page.xhtml" in epub.namelist() else \
            next(epub.read(n).decode() for n in epub.namelist() if "title" in n and n.endswith(".xhtml"))
        opf = etree.fromstring(epub.read(next(n for n in epub.namelist() if n.endswith(".opf"))))
    assert "&lt;script&gt;alert(\"plain\")&lt;/script&gt;" in title_page or "&lt;script&gt;alert(&quot;plain&quot;)" in title_page
    title = opf.find(".//{http://purl.org/dc/elements/1.1/}title").text
    assert title == "Hostile " + PLAIN
    with zipfile.ZipFile(_of(hostile, "scorm12.zip")[0]) as scorm:
        index = scorm.read("index.html").decode()
        manifest = etree.fromstring(scorm.read("imsmanifest.xml"))
    assert lxml_html.fromstring(index).findtext(".//title").strip().startswith("Hostile " + PLAIN)
    assert "{{ 7*7 }}" in lxml_html.fromstring(index).findtext(".//title")  # never evaluated
    titles = [t.text for t in manifest.iter("{*}title")]
    assert "Hostile " + PLAIN in titles


def test_zip_entry_names_are_safe(hostile: dict) -> None:
    for path in _of(hostile, ".epub") + _of(hostile, ".zip"):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        assert len(names) == len(set(names)) == len({n.lower() for n in names})
        for name in names:
            assert not name.startswith("/") and "\\" not in name and ":" not in name, name
            assert ".." not in name.split("/") and "" not in name.split("/"), name
            assert not re.search(r"[\x00-\x1f]", name), name


def test_the_pdf_url_fetcher_never_reaches_the_network_or_the_disk() -> None:
    from builders.pdf.render import MemoryFetcher
    from builders.pdf.render import render as render_pdf

    fetcher = MemoryFetcher({})
    for url in ("https://evil.example/x.png", "http://127.0.0.1:9/x.css", "file:///etc/passwd",
                "https://coursepack.invalid/../../etc/passwd", "https://coursepack.invalid/fonts/../../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    page = ('<html><head><link rel="stylesheet" href="https://evil.example/s.css"><style>'
            '@import url(https://evil.example/i.css); @font-face {font-family: X; src: url(https://evil.example/f.ttf)}'
            'body {background: url(file:///etc/passwd)}</style></head>'
            '<body><img src="https://evil.example/i.png"><img src="file:///etc/hostname"><p>hi</p></body></html>')
    WATCH.opened.clear()
    WATCH.connections.clear()
    WATCH.active = True
    try:
        with pytest.raises(ValueError, match="fetches nothing outside the course"):
            render_pdf(page, {})
    finally:
        WATCH.active = False
    assert WATCH.connections == []
    assert not [p for p in WATCH.opened if p in ("/etc/passwd", "/etc/hostname")]


def test_an_svg_doctype_is_dropped_and_never_read(tmp_path: Path) -> None:
    from builders.scaffold import create

    course = tmp_path / "course"
    create(course)
    (course / "media" / "diagram.svg").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "file:///etc/passwd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>')
    loaded, _ = load_course(course)
    data = loaded.media["media/diagram.svg"].data
    assert b"DOCTYPE" not in data and b"passwd" not in data and b"<rect" in data


@pytest.mark.parametrize("bad", [
    '<p onclick="x()">a</p>', '<script>a()</script>', '<a href=" javascript:x()">a</a>', '<iframe src="y"></iframe>',
    '<p style="background: url(https://evil.example/x)">a</p>', f'<p>{MARK}</p>', '<img src="https://evil.example/i.png"/>',
])
def test_the_scanner_finds_what_it_looks_for(bad: str) -> None:
    page = f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>{bad}</body></html>'
    assert _scan_markup("page.xhtml", page.encode(), html=False)
    assert _scan_markup("page.html", page.encode(), html=True)
