"""The QTI 2.1 package: the manifest against the official IMS CP 1.1 schema (xsd/SOURCE.md), every
item read and scored by pyslet's QTI 2.1 engine (a real implementation; why not the QTI XSD:
xsd/SOURCE.md), every correct response compared with the course."""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile
from pathlib import Path

import pyslet.qtiv2.xml as pyslet_xml
import pytest
from lxml import etree
from pyslet.qtiv2 import variables

from builders.banks.qti import package_members
from builders.banks.qtiitems import identifier
from builders.model import (
    ChoiceQuestion,
    Course,
    Essay,
    FillIn,
    Matching,
    Media,
    Numeric,
    Ordering,
    Question,
    TrueFalse,
)
from builders.shared.archive import zip_bytes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pyslet's old method names
XSD = Path(__file__).resolve().parent / "xsd"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


class _LocalXml(etree.Resolver):
    def resolve(self, url, public_id, context):
        if url.endswith("/xml.xsd"):
            return self.resolve_filename(str(XSD / "xml.xsd"), context)
        return None


@functools.cache
def cp_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXml())
    return etree.XMLSchema(etree.parse(str(XSD / "imscp_v1p1.xsd"), parser))


@pytest.fixture(scope="module")
def unpacked(course: Course, tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Path]:
    folder = tmp_path_factory.mktemp(f"qti-{course.id}")
    with zipfile.ZipFile(io.BytesIO(zip_bytes(package_members(course)))) as archive:
        archive.extractall(folder)
    return course, folder


def test_the_manifest_is_valid_and_lists_every_file(unpacked: tuple[Course, Path]) -> None:
    course, folder = unpacked
    manifest = etree.parse(str(folder / "imsmanifest.xml"))
    cp_schema().assertValid(manifest)
    listed = {f.get("href") for f in manifest.iter(f"{CP}file")}
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"imsmanifest.xml"}
    assert listed == present
    ids = {r.get("identifier") for r in manifest.iter(f"{CP}resource")}
    assert all(d.get("identifierref") in ids for d in manifest.iter(f"{CP}dependency"))
    types = [r.get("type") for r in manifest.iter(f"{CP}resource")]
    assert types.count("imsqti_item_xmlv2p1") == len(course.questions)
    assert types.count("imsqti_test_xmlv2p1") == sum(1 for lesson in course.lessons if lesson.questions)


def test_one_test_per_lesson_in_course_order(unpacked: tuple[Course, Path]) -> None:
    course, folder = unpacked
    for lesson in course.lessons:
        test = etree.parse(str(folder / "tests" / f"{lesson.id}.xml")).getroot()
        refs = [ref.get("identifier") for ref in test.iter(f"{QTI}assessmentItemRef")]
        assert refs == [identifier(q.id) for q in lesson.questions]
        for ref in test.iter(f"{QTI}assessmentItemRef"):
            assert (folder / "tests" / ref.get("href")).resolve().is_file()


def _item(folder: Path, question: Question):
    doc = pyslet_xml.QTIDocument(baseURI=str(folder / "items" / f"{question.id}.xml"))
    doc.read()  # pyslet refuses content the QTI 2.1 model does not allow (QTIValidityError)
    return doc.root


def _score(item, response) -> float:
    state = variables.ItemSessionState(item)
    state.begin_session()
    declaration = item.ResponseDeclaration[0]
    value = variables.Value.new_value(declaration.cardinality, declaration.baseType)
    value.set_value(response)
    state.map["RESPONSE"] = value
    state.end_attempt()
    return state.map["SCORE"].value


def _correct(item):
    return variables.ItemSessionState(item).map["RESPONSE.CORRECT"].value


def test_every_correct_response_matches_the_course_and_scores_the_points(unpacked: tuple[Course, Path]) -> None:
    course, folder = unpacked
    for question in course.questions:
        item = _item(folder, question)
        assert item.identifier == identifier(question.id)
        correct = _correct(item)
        if isinstance(question, ChoiceQuestion):
            chosen = {correct} if isinstance(correct, str) else set(correct)
            assert chosen == {f"C{i + 1}" for i in question.correct_indexes}
        elif isinstance(question, TrueFalse):
            assert correct == ("TRUE" if question.answer else "FALSE")
        elif isinstance(question, FillIn):
            assert correct == question.answers[0]
        elif isinstance(question, Numeric):
            assert correct == question.answer
        elif isinstance(question, Matching):
            assert set(correct) == {(f"L{i + 1}", f"R{i + 1}") for i in range(len(question.pairs))}
        elif isinstance(question, Ordering):
            assert list(correct) == [f"I{i + 1}" for i in range(len(question.items))]
            xml = etree.parse(str(folder / "items" / f"{question.id}.xml"))
            texts = {c.get("identifier"): c.text for c in xml.iter(f"{QTI}simpleChoice")}
            assert [texts[i] for i in correct] == list(question.items)
        if isinstance(question, Essay):
            assert item.ResponseProcessing is None
            continue
        assert _score(item, _copy(correct)) == question.points, question.id


def test_wrong_answers_score_nothing(unpacked: tuple[Course, Path]) -> None:
    course, folder = unpacked
    for question in course.questions:
        item = _item(folder, question)
        if isinstance(question, FillIn):
            for answer in question.answers:
                assert _score(item, answer.upper()) == question.points, "answers are compared without case"
            assert _score(item, question.answers[0] + "x") == 0
        elif isinstance(question, Numeric):
            for inside in (question.answer - question.tolerance, question.answer + question.tolerance):
                assert _score(item, inside) == question.points
            assert _score(item, question.answer + question.tolerance + 0.01) == 0
        elif isinstance(question, ChoiceQuestion) and question.type == "multiple":
            some = [f"C{i + 1}" for i in question.correct_indexes[:-1]] or ["Cx"]
            assert _score(item, some) == 0, "all-or-nothing, as in the book"
        elif isinstance(question, Ordering):
            items = [f"I{i + 1}" for i in range(len(question.items))]
            assert _score(item, items[1:] + items[:1]) == 0


def test_an_image_is_packaged_with_its_item(tricky: Course, tmp_path: Path) -> None:
    question = tricky.lessons[0].questions[0]
    with_image = dataclasses.replace(question, prompt_html=question.prompt_html + ' <img src="media/dot.png" alt="a dot"/>')
    lesson = dataclasses.replace(tricky.lessons[0], questions=(with_image,))
    course = dataclasses.replace(tricky, lessons=(lesson,),
                                 media={"media/dot.png": Media("media/dot.png", "image/png", b"PNG", lesson.pos)})
    members = package_members(course)
    assert members["media/dot.png"] == b"PNG"
    item = members[f"items/{question.id}.xml"].decode()
    assert 'src="../media/dot.png"' in item and 'alt="a dot"' in item
    manifest = etree.fromstring(members["imsmanifest.xml"])
    cp_schema().assertValid(manifest)


def test_same_course_same_bytes(course: Course) -> None:
    assert zip_bytes(package_members(course)) == zip_bytes(package_members(course))


def _copy(value):
    if isinstance(value, dict):
        return list(value)
    return value
