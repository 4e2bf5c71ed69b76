"""The settings sections of course.yml (language and strings, assessment, scorm, pdf, date)."""

from __future__ import annotations

import datetime as dt
import os
import re

from ..model import Assessment, PdfSettings, ScormSettings, Strings
from ..shared.strings import CATALOGUES, catalogue_for
from . import schema
from .fields import Fields
from .fonts import font_files
from .media import MediaLoader

LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def strings(f: Fields, language: str) -> Strings:
    if not LANGUAGE_RE.match(language):
        f.report.error(f.at("language"), f"language '{language}' is not a language tag such as 'en', 'fr' or 'pt-BR'")
    base = catalogue_for(language)
    if base is None:
        base = CATALOGUES["en"]
        f.report.warning(
            f.at("language"),
            f"no built-in interface words for language '{language}': English is used "
            f"(built in: {', '.join(CATALOGUES)}; translate them under 'strings:')",
        )
    overrides = f.mapping("strings")
    if not overrides:
        return base
    sf = Fields(overrides, f.report, "strings")
    sf.check_keys(Strings.keys())
    return base.with_overrides({k: sf.text(k) for k in overrides if k in Strings.keys()})


def assessment(f: Fields) -> Assessment:
    data = f.mapping("assessment")
    if data is None:
        return Assessment(passing_score=None, attempts=0)
    af = Fields(data, f.report, "assessment")
    af.check_fields(schema.ASSESSMENT)
    score = af.number("passing_score", None, minimum=0, maximum=100)
    attempts = af.number("attempts", 0, minimum=0, maximum=100, integer=True)
    return Assessment(passing_score=score, attempts=int(attempts or 0))


def scorm(f: Fields) -> ScormSettings:
    data = f.mapping("scorm")
    if data is None:
        return ScormSettings(version="1.2", sco_per_lesson=False)
    sf = Fields(data, f.report, "scorm")
    sf.check_fields(schema.SCORM)
    version = sf.text("version", "1.2")
    if version not in ("1.2", "2004"):
        f.report.error(sf.at("version"), f"unknown SCORM version '{version}': use \"1.2\" or \"2004\"")
        version = "1.2"
    return ScormSettings(version=version, sco_per_lesson=sf.boolean("sco_per_lesson"))  # type: ignore[arg-type]


def pdf(f: Fields, media: MediaLoader) -> PdfSettings:
    data = f.mapping("pdf")
    if data is None:
        return PdfSettings(page_size="A4")
    pf = Fields(data, f.report, "pdf")
    pf.check_fields(schema.PDF)
    size = pf.text("page_size", "A4")
    normal = {"a4": "A4", "letter": "letter"}.get(size.lower())
    if normal is None:
        f.report.error(pf.at("page_size"), f"unknown page size '{size}': use A4 or letter")
        normal = "A4"
    return PdfSettings(page_size=normal, fonts=font_files(pf, media))  # type: ignore[arg-type]


def edition_date(f: Fields) -> tuple[str, str]:
    """(YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ) from course.yml's date, else SOURCE_DATE_EPOCH."""
    value = f.data.get("date")  # text: YAML dates are not resolved, so 2026-02-30 is ours to report
    if value is not None:
        day = _day(str(value).strip())
        if day is not None:
            return day.isoformat(), f"{day.isoformat()}T00:00:00Z"
        f.report.error(f.at("date"), f"date '{value}' is not a real date written YYYY-MM-DD")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    stamp = dt.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 315532800, dt.timezone.utc)
    return stamp.date().isoformat(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()  # "2026-01-15 10:30:00", "...T10:30:00Z"
    except ValueError:
        return None
