"""The course's questions -> ``ID-qti21.zip``: an IMS QTI 2.1 content package.

One ``assessmentItem`` per question (``items/``, made by :mod:`.qtiitems`), one
``assessmentTest`` per lesson (``tests/``), the images in ``media/``, and ``imsmanifest.xml``
(IMS Content Packaging 1.1) listing them as resources; for Canvas New Quizzes, Blackboard,
Brightspace and other QTI importers. The zip is byte-reproducible (:mod:`builders.shared.archive`).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from lxml import etree

from ..base import BuildContext, Builder, BuildOptions, BuildResult
from ..diagnostics import Diagnostic
from ..model import Course, Lesson
from ..shared.archive import zip_bytes
from .qtihtml import NS, q
from .qtiitems import identifier, item

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


class QtiBuilder(Builder):
    name: ClassVar[str] = "qti"
    description: ClassVar[str] = "IMS QTI 2.1 package (Canvas, Blackboard, Brightspace and other QTI importers)"

    def check(self, course: Course, options: BuildOptions) -> list[Diagnostic]:
        return []

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        path = staging / f"{course.id}-qti21.zip"
        path.write_bytes(zip_bytes(package_members(course)))
        return BuildResult([path])


def package_members(course: Course) -> dict[str, bytes]:
    members: dict[str, bytes] = {}
    item_media: dict[str, list[str]] = {}
    for question in course.questions:
        data, media = item(course, question, lambda key: f"../{key}")
        members[_item_href(question.id)] = data
        item_media[question.id] = media
        members.update({key: course.media[key].data for key in media})
    for lesson in course.lessons:
        if lesson.questions:
            members[_test_href(lesson)] = _test(lesson)
    members["imsmanifest.xml"] = _manifest(course, item_media)
    return members


def _item_href(question_id: str) -> str:
    return f"items/{question_id}.xml"


def _test_href(lesson: Lesson) -> str:
    return f"tests/{lesson.id}.xml"


def _test(lesson: Lesson) -> bytes:
    root = etree.Element(q("assessmentTest"), nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd")
    root.set("identifier", f"T-{lesson.id}")
    root.set("title", lesson.title)
    outcome = etree.SubElement(root, q("outcomeDeclaration"), identifier="SCORE", cardinality="single", baseType="float")
    etree.SubElement(etree.SubElement(outcome, q("defaultValue")), q("value")).text = "0"
    part = etree.SubElement(root, q("testPart"), identifier=f"P-{lesson.id}", navigationMode="nonlinear",
                            submissionMode="simultaneous")
    section = etree.SubElement(part, q("assessmentSection"), identifier=f"S-{lesson.id}", title=lesson.title,
                               visible="true")
    for question in lesson.questions:
        etree.SubElement(section, q("assessmentItemRef"), identifier=identifier(question.id),
                         href=f"../{_item_href(question.id)}")
    total = etree.SubElement(etree.SubElement(root, q("outcomeProcessing")), q("setOutcomeValue"), identifier="SCORE")
    etree.SubElement(etree.SubElement(total, q("sum")), q("testVariables"), variableIdentifier="SCORE")
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def c(tag: str) -> str:
    """A tag in the IMS Content Packaging namespace."""
    return f"{{{CP}}}{tag}"


def _manifest(course: Course, item_media: dict[str, list[str]]) -> bytes:
    root = etree.Element(c("manifest"), nsmap={None: CP, "xsi": XSI})
    root.set("identifier", f"MANIFEST-{course.id}")
    root.set(f"{{{XSI}}}schemaLocation", f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd")
    metadata = etree.SubElement(root, c("metadata"))
    etree.SubElement(metadata, c("schema")).text = "QTIv2.1 Package"
    etree.SubElement(metadata, c("schemaversion")).text = "1.0.0"
    etree.SubElement(root, c("organizations"))
    resources = etree.SubElement(root, c("resources"))
    media_ids = {key: f"MEDIA-{i + 1}" for i, key in enumerate(sorted({k for keys in item_media.values() for k in keys}))}
    for lesson in course.lessons:
        if not lesson.questions:
            continue
        test = etree.SubElement(resources, c("resource"), identifier=f"RES-T-{lesson.id}",
                                type="imsqti_test_xmlv2p1", href=_test_href(lesson))
        etree.SubElement(test, c("file"), href=_test_href(lesson))
        for question in lesson.questions:
            etree.SubElement(test, c("dependency"), identifierref=f"RES-{identifier(question.id)}")
    for question in course.questions:
        resource = etree.SubElement(resources, c("resource"), identifier=f"RES-{identifier(question.id)}",
                                    type="imsqti_item_xmlv2p1", href=_item_href(question.id))
        etree.SubElement(resource, c("file"), href=_item_href(question.id))
        for key in item_media[question.id]:
            etree.SubElement(resource, c("dependency"), identifierref=media_ids[key])
    for key, media_id in media_ids.items():
        resource = etree.SubElement(resources, c("resource"), identifier=media_id, type="webcontent", href=key)
        etree.SubElement(resource, c("file"), href=key)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
