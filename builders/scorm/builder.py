"""The SCORM builder: the course -> ``ID-scorm12.zip`` and/or ``ID-scorm2004.zip`` for Moodle.

In: the course model and the build options (``--scorm-version 1.2|2004|both``, else the course's
``scorm.version``). Out: one zip per SCORM version in the staging folder, holding
imsmanifest.xml at the root, one HTML page per SCO (:mod:`builders.scorm.pages`), the runtime
(plain JavaScript from ``templates/scorm/runtime/``) and CSS in ``assets/``, and the images in
``media/``: everything a learner needs offline, nothing fetched from the network.
The zip is deterministic: sorted entries, fixed timestamps, the same bytes for the same course.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..base import BuildContext, Builder, BuildOptions, BuildResult
from ..diagnostics import Diagnostic
from ..model import ChoiceQuestion, Course, Matching, Numeric, Ordering, Question
from ..shared.archive import zip_bytes
from ..shared.templating import asset
from .manifest import Sco, layout, manifest
from .pages import RUNTIME_SCRIPTS, STYLESHEET, pages, render_sco, sco_questions
from .quiz import ALPHABET, LEFT_IDS, LIMITS, Limits, budget, question_key

MOODLE_DECIMAL_MAX = 99999.0
"""Moodle's SCORM 2004 CMIDecimal allows five digits before the point."""


class ScormBuilder(Builder):
    name: ClassVar[str] = "scorm"
    description: ClassVar[str] = "SCORM 1.2 or 2004 zip with tracked quizzes, for Moodle and other LMSs"

    def check(self, course: Course, options: BuildOptions) -> list[Diagnostic]:
        found = _key_collisions(course) + _question_limits(course)
        for version in versions(course, options):
            found += _suspend_data(course, LIMITS[version]) + _moodle_ranges(course, LIMITS[version])
        return found

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        paths = []
        for version in versions(course, context.options):
            limits = LIMITS[version]
            path = staging / f"{course.id}-{limits.filename_tag}.zip"
            path.write_bytes(zip_bytes(package_members(course, limits)))
            paths.append(path)
        return BuildResult(paths)


def versions(course: Course, options: BuildOptions) -> tuple[str, ...]:
    return options.scorm_versions or (course.scorm.version,)


def package_members(course: Course, limits: Limits) -> dict[str, bytes]:
    """Every file of the package, by its path in the zip."""
    scos = layout(course)
    shared = {f"assets/{STYLESHEET}": asset(f"scorm/assets/{STYLESHEET}")}
    shared.update({f"assets/{name}": asset(f"scorm/runtime/{name}") for name in RUNTIME_SCRIPTS})
    shared.update({key: course.media[key].data for key in _media(course, scos)})
    members = {sco.href: render_sco(course, sco, limits).encode() for sco in scos}
    members.update(shared)
    members["imsmanifest.xml"] = manifest(course, limits, scos, sorted(shared)).encode()
    return members


def _media(course: Course, scos: list[Sco]) -> list[str]:
    keys = [course.cover] if course.cover and any(sco.title_page for sco in scos) else []
    keys += [key for sco in scos for lesson in sco.lessons for key in lesson.media]
    return list(dict.fromkeys(keys))


# --- checks -----------------------------------------------------------------------------


def _suspend_data(course: Course, limits: Limits) -> list[Diagnostic]:
    found = []
    for sco in layout(course):
        need = budget(sco_questions(sco), [p.key for p in pages(course, sco)], limits)
        if need.fits:
            continue
        part = f" (lesson '{sco.lessons[0].id}')" if not sco.title_page else ""
        found.append(Diagnostic(
            sco.lessons[0].pos if part else course.pos, "error",
            f"course '{course.id}'{part} is too big for SCORM {limits.version}: saving a learner's "
            f"answers could need {need.needed} characters of suspend_data, and SCORM "
            f"{limits.version} keeps at most {need.limit}. Build SCORM 2004 (scorm: version: "
            "\"2004\"), give each lesson its own SCO (scorm: sco_per_lesson: true), or split the course",
        ))
    return found


def _key_collisions(course: Course) -> list[Diagnostic]:
    seen: dict[str, Question] = {}
    found = []
    for question in course.questions:
        key = question_key(question.id)
        if key in seen:
            found.append(Diagnostic(
                question.pos, "error",
                f"question ids '{seen[key].id}' and '{question.id}' have the same SCORM key '{key}' "
                "(a one-in-millions chance): rename one of them",
            ))
        seen.setdefault(key, question)
    return found


def _question_limits(course: Course) -> list[Diagnostic]:
    """SCORM 1.2 responses use one character per option: at most 35 or 36 of them."""
    found = []
    for q in course.questions:
        count, most = 0, len(ALPHABET)
        if isinstance(q, ChoiceQuestion):
            count = len(q.options)
        elif isinstance(q, Ordering):
            count = len(q.items)
        elif isinstance(q, Matching):
            count, most = len(q.pairs), len(LEFT_IDS)
        if count > most:
            found.append(Diagnostic(q.pos, "error", f"question '{q.id}' has {count} options; SCORM packages allow at most {most}"))
    return found


def _moodle_ranges(course: Course, limits: Limits) -> list[Diagnostic]:
    found = []
    for q in course.questions:
        if limits.version == "1.2" and q.graded and q.points > 100:
            found.append(Diagnostic(q.pos, "warning", f"question '{q.id}' is worth {q.points:g} points; "
                                    "SCORM 1.2 records an interaction's weighting as at most 100"))
        if limits.version == "2004" and isinstance(q, Numeric) and abs(q.answer) + q.tolerance > MOODLE_DECIMAL_MAX:
            found.append(Diagnostic(q.pos, "warning", f"question '{q.id}': Moodle's SCORM 2004 player cannot "
                                    "record numbers of six digits or more; answers to it will not be recorded"))
    return found
