"""The SCOs of a SCORM package and its imsmanifest.xml.

In: the course, a SCORM version and the files each SCO uses. Out: the SCO layout (one SCO
for the whole course, or one per lesson under a non-launchable root item) and the manifest
text, rendered from ``templates/scorm/imsmanifest-<version>.xml.jinja``.

Identifiers come from the course and lesson ids only, so they stay the same across rebuilds:
Moodle keeps learners' tracks by item identifier when a teacher uploads an updated package.
Prefixes are upper case and ids are lower-case slugs, so no two identifiers can collide.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Course, Lesson
from ..shared.templating import render
from .quiz import Limits, number_text

ASSETS_RESOURCE = "RES-ASSETS"


@dataclass(frozen=True)
class Sco:
    """One launchable item: the page that holds some lessons, their quizzes and a results page."""

    item: str
    """Item identifier (stable: Moodle keys learners' tracks by it)."""
    resource: str
    title: str
    href: str
    """The page the LMS launches, at the root of the zip."""
    lessons: tuple[Lesson, ...]
    title_page: bool
    """Starts with the course's title page (the one-SCO package does)."""


@dataclass(frozen=True)
class Resource:
    identifier: str
    scorm_type: str
    """``sco`` (launchable and tracked) or ``asset``."""
    href: str | None
    files: tuple[str, ...]
    dependencies: tuple[str, ...] = ()


def layout(course: Course) -> list[Sco]:
    if course.scorm.sco_per_lesson:
        return [
            Sco(f"ITEM-LESSON-{lesson.id}", f"RES-LESSON-{lesson.id}", lesson.title,
                f"{lesson.id}.html", (lesson,), title_page=False)
            for lesson in course.lessons
        ]
    return [Sco(f"ITEM-{course.id}", f"RES-{course.id}", course.title, "index.html",
                course.lessons, title_page=True)]


def resources(scos: list[Sco], shared: list[str]) -> list[Resource]:
    """Every file of the package in a resource: one SCO lists them all, several SCOs share an asset."""
    if len(scos) == 1:
        sco = scos[0]
        return [Resource(sco.resource, "sco", sco.href, tuple(sorted([sco.href, *shared])))]
    return [
        *(Resource(sco.resource, "sco", sco.href, (sco.href,), (ASSETS_RESOURCE,)) for sco in scos),
        Resource(ASSETS_RESOURCE, "asset", None, tuple(sorted(shared))),
    ]


def manifest(course: Course, limits: Limits, scos: list[Sco], shared: list[str]) -> str:
    passing = course.assessment.passing_score
    return render(
        f"scorm/imsmanifest-{limits.version}.xml.jinja",
        course=course,
        version=course.version[:20],
        organization=f"ORG-{course.id}",
        root=f"ROOT-{course.id}" if len(scos) > 1 else None,
        scos=scos,
        resources=resources(scos, shared),
        mastery_score=None if passing is None else number_text(passing),
        min_normalized=None if passing is None else number_text(passing / 100),
    )
