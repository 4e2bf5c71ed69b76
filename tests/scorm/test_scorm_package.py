"""The SCORM zip and its manifest: what Moodle reads when a teacher uploads the package."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from scorm_support import manifest_schema

from builders.base import BuildOptions
from builders.build import build
from builders.diagnostics import SourceError
from builders.scorm.builder import ScormBuilder, package_members, zip_bytes
from builders.scorm.quiz import LIMITS, encode_header, encode_record, question_key
from builders.source import load_course
from tests.conftest import ROOTS

CP = {"1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "2004": "http://www.imsglobal.org/xsd/imscp_v1p1"}
ADLCP = {"1.2": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "2004": "http://www.adlnet.org/xsd/adlcp_v1p3"}
SCORMTYPE = {"1.2": "scormtype", "2004": "scormType"}


def manifest_of(package) -> etree._Element:
    with zipfile.ZipFile(package.zip_path) as archive:
        return etree.fromstring(archive.read("imsmanifest.xml"))


def ns(version: str) -> dict[str, str]:
    return {"cp": CP[version], "adlcp": ADLCP[version], "imsss": "http://www.imsglobal.org/xsd/imsss"}


@pytest.mark.parametrize("name", ["all-features", "starter", "one-try", "per-lesson", "example"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_manifest_is_valid_against_the_official_xsds(packages, name, version) -> None:
    if (name, version) not in packages:
        pytest.skip("the example course does not load yet")
    schema = manifest_schema(version)
    assert schema.validate(manifest_of(packages[name, version])), schema.error_log


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_xsds_reject_a_wrong_manifest(packages, version) -> None:
    root = manifest_of(packages["all-features", version])
    resource = root.find(".//cp:resource", ns(version))
    resource.set(f"{{{ADLCP[version]}}}{SCORMTYPE[version]}", "scoo")
    assert not manifest_schema(version).validate(root)


@pytest.mark.parametrize("name", ["all-features", "per-lesson"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_every_file_is_listed_and_every_listed_file_is_there(packages, name, version) -> None:
    package = packages[name, version]
    with zipfile.ZipFile(package.zip_path) as archive:
        names = set(archive.namelist())
    root = manifest_of(package)
    listed = [f.get("href") for f in root.iterfind(".//cp:file", ns(version))]
    assert len(listed) == len(set(listed))
    assert set(listed) == names - {"imsmanifest.xml"}
    assert "imsmanifest.xml" in names
    assert not any(n.endswith(".xsd") for n in names), "the XSDs are for tests only"
    assert {"media/diagram.svg", "media/swatch.png"} <= names
    for resource in root.iterfind(".//cp:resource", ns(version)):
        if resource.get("href"):
            assert resource.get("href") in names


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_moodle_reads_the_version_the_sco_and_the_pass_mark(packages, version) -> None:
    package = packages["all-features", version]
    root = manifest_of(package)
    n = ns(version)
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=n) == ("1.2" if version == "1.2" else "2004 4th Edition")
    assert root.findtext("cp:metadata/cp:schema", namespaces=n) == "ADL SCORM"
    assert not [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "lom"]
    assert root.findtext("cp:organizations/cp:organization/cp:title", namespaces=n) == package.course.title
    (resource,) = root.iterfind(".//cp:resource", n)
    assert resource.get(f"{{{ADLCP[version]}}}{SCORMTYPE[version]}") == "sco"
    assert resource.get("href") == "index.html"
    (item,) = root.iterfind(".//cp:item", n)
    assert item.get("identifier") == "ITEM-all-features" and item.get("identifierref") == resource.get("identifier")
    if version == "1.2":
        assert item.findtext("adlcp:masteryscore", namespaces=n) == "70"
    else:
        measure = item.find("imsss:sequencing/imsss:objectives/imsss:primaryObjective", n)
        assert measure.get("satisfiedByMeasure") == "true"
        assert measure.findtext("imsss:minNormalizedMeasure", namespaces=n) == "0.7"


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_no_pass_mark_writes_no_mastery_score(packages, version) -> None:
    text = etree.tostring(manifest_of(packages["one-try", version]), encoding="unicode")
    assert "masteryscore" not in text and "minNormalizedMeasure" not in text


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_one_sco_per_lesson_under_a_root_item(packages, version) -> None:
    package = packages["per-lesson", version]
    n = ns(version)
    root = manifest_of(package)
    (top,) = root.findall("cp:organizations/cp:organization/cp:item", n)
    assert top.get("identifierref") is None
    children = top.findall("cp:item", n)
    assert [c.get("identifier") for c in children] == [f"ITEM-LESSON-{lesson.id}" for lesson in package.course.lessons]
    types = {r.get("identifier"): r.get(f"{{{ADLCP[version]}}}{SCORMTYPE[version]}") for r in root.iterfind(".//cp:resource", n)}
    assert types.pop("RES-ASSETS") == "asset"
    assert set(types.values()) == {"sco"}


def test_identifiers_stay_the_same_when_the_course_changes(tmp_path: Path) -> None:
    """Moodle keeps learners' tracks by item identifier across re-uploads."""
    course, _ = load_course(ROOTS / "all-features")
    before = package_members(course, LIMITS["1.2"])["imsmanifest.xml"]
    changed = tmp_path / "course"
    import shutil

    shutil.copytree(ROOTS / "all-features", changed)
    (changed / "course.yml").write_text((changed / "course.yml").read_text().replace("version: 1.0.0", "version: 1.1.0"))
    after = package_members(load_course(changed)[0], LIMITS["1.2"])["imsmanifest.xml"]
    ids = re.compile(rb'identifier(?:ref)?="([^"]+)"')
    assert ids.findall(before) == ids.findall(after)
    assert before != after


def test_zip_is_deterministic_and_sorted(packages) -> None:
    package = packages["all-features", "1.2"]
    again = zip_bytes(package_members(package.course, LIMITS["1.2"]))
    assert again == package.zip_path.read_bytes()
    with zipfile.ZipFile(package.zip_path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_the_orchestrator_names_the_zips(tmp_path: Path) -> None:
    report = build(ROOTS / "all-features", tmp_path / "dist", formats=["scorm"],
                   options=BuildOptions(scorm_versions=("1.2", "2004")))
    assert sorted(p.name for p in report.written) == ["all-features-scorm12.zip", "all-features-scorm2004.zip"]
    default = build(ROOTS / "all-features", tmp_path / "default", formats=["scorm"])
    assert [p.name for p in default.written] == ["all-features-scorm12.zip"]


def _big_course(tmp_path: Path, questions: int) -> Path:
    folder = tmp_path / "big"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.yml").write_text("id: big-course\ntitle: Big\n")
    quiz = "".join(
        f"- id: q{i}\n  type: multiple\n  prompt: Pick\n  options:\n"
        + "".join(f"    - {{text: o{j}, correct: {str(j == 0).lower()}}}\n" for j in range(12))
        for i in range(questions)
    )
    (folder / "lessons" / "01-a.md").write_text(f"---\nid: a\ntitle: A\n---\nText.\n\n```quiz\n{quiz}```\n")
    return folder


def test_a_course_too_big_for_scorm_12_fails_with_a_clear_message(tmp_path: Path) -> None:
    folder = _big_course(tmp_path, 200)
    with pytest.raises(SourceError) as caught:
        build(folder, tmp_path / "dist", formats=["scorm"])
    (problem,) = caught.value.diagnostics
    assert "course 'big-course' is too big for SCORM 1.2" in problem.message
    assert "4096" in problem.message
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
    course, _ = load_course(folder)
    assert ScormBuilder().check(course, BuildOptions(scorm_versions=("2004",))) == []


def test_essays_share_what_is_left_of_suspend_data(packages) -> None:
    """Each essay's maxlength is its share of the 4096 characters; the worst case still fits."""
    package = packages["all-features", "1.2"]
    html = (package.folder / "index.html").read_text()
    (limit,) = re.findall(r'<textarea [^>]*maxlength="(\d+)"', html)
    assert int(limit) == 255
    if ("example", "1.2") in packages:
        example = (packages["example", "1.2"].folder / "index.html").read_text()
        limits = {int(x) for x in re.findall(r'<textarea [^>]*maxlength="(\d+)"', example)}
        assert len(limits) == 1 and 40 <= limits.pop() <= 255


def test_the_python_encoder_matches_the_format() -> None:
    assert encode_header("Q:intro") == "cp1;Q:intro;"
    assert encode_record("ab12x", 2, "c", 11, "héllo;:,") == "ab12x,2,c,b,8:héllo;:,;"
    assert encode_record("ab12x", 0, "d", None, "") == "ab12x,0,d,,0:;"
    assert question_key("delian-leader") == question_key("delian-leader")
    assert len({question_key(f"q{i}") for i in range(2000)}) == 2000
