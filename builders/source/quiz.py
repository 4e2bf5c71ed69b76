"""The YAML of one ```quiz fence -> Question objects of the model, every mistake reported."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Report, display_path
from ..model import (
    QUESTION_TYPES,
    Essay,
    FillIn,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    Question,
    SingleChoice,
    SourcePos,
    TrueFalse,
)
from ..shared.xhtml import plain_text
from . import schema
from .fields import Fields, kind, suggestion
from .markdown import Renderer, fill_in_prompt
from .nesting import TooDeep
from .rubric import read_rubric
from .yamlpos import YamlMap, YamlSyntaxError, load

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RULE = "lowercase letters, digits and single hyphens, e.g. 'delian-league'"

LinkCheck = Callable[[str, SourcePos], "str | None"]
"""Checks a link target written at a position: the rewritten target, or None once reported."""



class QuizReader:
    """Reads quiz fences of one lesson; question ids are checked across the whole course."""

    def __init__(self, renderer: Renderer, report: Report, seen_ids: dict[str, SourcePos]) -> None:
        self.renderer, self.report, self.seen_ids = renderer, report, seen_ids
        self.link: LinkCheck = lambda href, pos: href

    def read(self, text: str, first_line: int, path: Path, lesson_id: str, start_number: int,
             link: LinkCheck | None = None) -> list[Question]:
        """The questions of one fence; ``link`` checks and rewrites the links in their texts."""
        if link is not None:
            self.link = link
        try:
            data = load(text, path, line_offset=first_line - 1)
        except YamlSyntaxError as exc:
            self.report.error(exc.pos, exc.message)
            return []
        fence = SourcePos(path, first_line - 1)
        if data is None:
            self.report.error(fence, "empty quiz: write a list of questions, each starting with '- id:'")
            return []
        if isinstance(data, YamlMap):
            data = [data]
        if not isinstance(data, list):
            self.report.error(fence, f"a quiz must be a list of questions, not {kind(data)}")
            return []
        questions = []
        for item in data:
            if not isinstance(item, YamlMap):
                self.report.error(fence, f"each question must be a mapping (id:, type:, prompt: ...), not {kind(item)}")
                continue
            question = self._question(item, path, lesson_id, start_number + len(questions))
            if question is not None:
                questions.append(question)
        return questions

    def _question(self, data: YamlMap, path: Path, lesson_id: str, number: int) -> Question | None:
        errors_before = len(self.report.errors)
        f = Fields(data, self.report, "a question")
        qtype = f.text("type")
        known = qtype in QUESTION_TYPES
        if qtype and not known:
            self.report.error(
                f.at("type"),
                f"unknown question type '{qtype}'{suggestion(qtype, QUESTION_TYPES)}"
                + ("" if suggestion(qtype, QUESTION_TYPES) else f" (types: {', '.join(QUESTION_TYPES)})"),
            )
        qid = f.text("id")
        f.what = f"question '{qid}'" if qid else "a question"
        # Without a known type, a field is judged against every type's fields, so "did you mean"
        # names the field the author meant, not one of a type they did not pick.
        f.check_fields(schema.QUESTION + (schema.QUESTION_TYPE_FIELDS[qtype] if known else schema.ANY_TYPE_FIELDS))
        if qid:
            self._check_id(qid, f.at("id"))
        if not known:
            return None
        prompt_html = self._inline(f.text("prompt"), f.at("prompt"), f.what)
        common = dict(
            id=qid, lesson_id=lesson_id, number=number, prompt=plain_text(prompt_html),
            prompt_html=prompt_html,
            explanation_html=self._block(f.text("explanation"), f.at("explanation"), f.what),
            points=f.number("points", 1) or 0, pos=data.pos,
        )
        if common["points"] < 0 or (common["points"] == 0 and qtype != "essay"):
            self.report.error(f.at("points"), f"field 'points' must be more than 0, not {common['points']:g}")
        question = self._typed(qtype, f, common)
        if len(self.report.errors) > errors_before:
            return None
        return question

    def _check_id(self, qid: str, pos: SourcePos) -> None:
        if not SLUG_RE.match(qid):
            self.report.error(pos, f"question id '{qid}' is not a valid id: use {SLUG_RULE}")
        elif qid in self.seen_ids:
            first = self.seen_ids[qid]
            self.report.error(pos, f"duplicate question id '{qid}' (first used at {_where(first)})")
        else:
            self.seen_ids[qid] = pos

    def _typed(self, qtype: str, f: Fields, common: dict) -> Question | None:
        qid = common["id"]
        if qtype in ("single", "multiple"):
            options = self._options(f, qid)
            correct = sum(o.correct for o in options)
            if len(options) < 2 and "options" in f.data:
                self.report.error(f.at("options"), f"question '{qid}' needs at least 2 options, found {len(options)}")
            elif options and correct == 0:
                self.report.error(f.at("options"), f"question '{qid}' has no correct option: mark one with 'correct: true'")
            elif qtype == "single" and correct > 1:
                self.report.error(
                    f.at("options"),
                    f"question '{qid}' is 'single' but has {correct} correct options: "
                    "mark exactly one, or use type 'multiple'",
                )
            cls = SingleChoice if qtype == "single" else MultipleChoice
            return cls(**common, options=tuple(options))
        if qtype == "true-false":
            return TrueFalse(**common, answer=f.boolean("answer"))
        if qtype == "fill-in":
            answers, _ = f.text_list("answers")
            if "answers" in f.data and not answers:
                self.report.error(f.at("answers"), f"question '{qid}' has no accepted answer")
            common["prompt_html"] = fill_in_prompt(common["prompt_html"])
            return FillIn(**common, answers=tuple(answers))
        if qtype == "numeric":
            answer = f.number("answer", 0.0)
            tolerance = f.number("tolerance", 0.0, minimum=0)
            return Numeric(**common, answer=float(answer or 0), tolerance=float(tolerance or 0))
        if qtype == "matching":
            return Matching(**common, pairs=self._pairs(f, qid))
        if qtype == "ordering":
            items, _ = f.text_list("items")
            self._at_least_two(f, "items", items, qid)
            return Ordering(**common, items=tuple(items))
        model_html = self._block(f.text("model_answer"), f.at("model_answer"), f.what)
        lines = f.number("lines", 8, minimum=1, maximum=60, integer=True)
        rubric = read_rubric(f, common["points"], qid, lambda text, pos: self._inline(text, pos, f.what), self.report)
        return Essay(
            **common, model_answer_html=model_html,
            model_answer=plain_text(model_html) if model_html else "", lines=int(lines or 8), rubric=rubric,
        )

    def _inline(self, text: str, pos: SourcePos, what: str) -> str:
        """One line of a question as inline XHTML, its links checked (images refused)."""
        self._no_images(text, pos, what)
        return self.renderer.inline(text, lambda href: self.link(href, pos), self._math_error(pos, what)) if text else ""

    def _block(self, text: str, pos: SourcePos, what: str) -> str:
        self._no_images(text, pos, what)
        try:
            return self.renderer.block(text, lambda href: self.link(href, pos), self._math_error(pos, what)) if text else ""
        except TooDeep as exc:
            self.report.error(pos, f"{what}: {exc.message}")
            return ""

    def _math_error(self, pos: SourcePos, what: str) -> Callable[[str], None]:
        return lambda message: self.report.error(pos, f"{what}: {message}")

    def _no_images(self, text: str, pos: SourcePos, what: str) -> None:
        if self.renderer.has_image(text):
            self.report.error(pos, f"{what}: images cannot go inside a question (they would be left out); "
                                   "put the image in the lesson text above the quiz")

    def _options(self, f: Fields, qid: str) -> list[Option]:
        options = []
        for item, pos in f.mapping_list("options"):
            of = Fields(item, self.report, f"an option of question '{qid}'")
            of.check_fields(schema.OPTION)
            html = self._inline(of.text("text"), of.at("text"), f.what)
            options.append(Option(
                text=plain_text(html), html=html, correct=of.boolean("correct"),
                feedback_html=self._inline(of.text("feedback"), of.at("feedback"), f.what), pos=pos,
            ))
        return options

    def _pairs(self, f: Fields, qid: str) -> tuple[Pair, ...]:
        pairs = []
        for item, _pos in f.mapping_list("pairs"):
            pf = Fields(item, self.report, f"a pair of question '{qid}'")
            pf.check_fields(schema.PAIR)
            pairs.append(Pair(pf.text("left"), pf.text("right")))
        self._at_least_two(f, "pairs", pairs, qid)
        for side in ("left", "right"):
            values = [getattr(p, side) for p in pairs]
            if len(set(values)) < len(values):
                self.report.error(f.at("pairs"), f"question '{qid}': two pairs have the same {side} side")
        return tuple(pairs)

    def _at_least_two(self, f: Fields, key: str, values: list, qid: str) -> None:
        if key in f.data and len(values) < 2:
            self.report.error(f.at(key), f"question '{qid}' needs at least 2 {key}, found {len(values)}")
        elif len(set(map(str, values))) < len(values):
            self.report.error(f.at(key), f"question '{qid}' lists the same {key[:-1]} twice")


def _where(pos: SourcePos) -> str:
    return f"{display_path(pos.path)}:{pos.line}"
