"""One question -> one QTI 2.1 ``assessmentItem`` (interaction, correct response, scoring).

Scoring is all-or-nothing as in the book: SCORE is the question's points when the response
matches the correct one (numbers within the tolerance, text answers without regard to case),
else 0. Option feedback is ``modalFeedback`` shown for the chosen options; the explanation is
``modalFeedback`` shown after any answer; an essay's model answer is a ``rubricBlock`` for scorers.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..model import (
    ChoiceQuestion,
    Course,
    Essay,
    FillIn,
    Matching,
    Numeric,
    Ordering,
    Question,
    TrueFalse,
)
from ..shared.shuffle import display_order
from .grading import decimal
from .qtihtml import NS, XML_LANG, fill, q

Sub = etree.SubElement


def identifier(question_id: str) -> str:
    """A question id as a QTI identifier (which may not start with a digit)."""
    return f"Q-{question_id}"


def item(course: Course, question: Question, src_for: Callable[[str], str]) -> tuple[bytes, list[str]]:
    """The item's XML and the media keys it shows."""
    root = etree.Element(q("assessmentItem"), nsmap={None: NS, "xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    root.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
             f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd")
    root.set("identifier", identifier(question.id))
    root.set("title", question.id)
    root.set("adaptive", "false")
    root.set("timeDependent", "false")
    root.set(XML_LANG, course.language)
    media: list[str] = []
    feedback = _declarations(root, question)
    body = Sub(root, q("itemBody"))
    media += _body(body, course, question, src_for)
    if question.graded:
        _processing(root, question, feedback)
    if isinstance(question, ChoiceQuestion):
        for i, option in enumerate(question.options):
            if option.feedback_html:
                chosen = Sub(root, q("modalFeedback"), outcomeIdentifier="FEEDBACK", showHide="show",
                             identifier=f"C{i + 1}")
                media += fill(chosen, option.feedback_html, src_for)
    if question.explanation_html:
        modal = Sub(root, q("modalFeedback"), outcomeIdentifier="EXPLANATION", showHide="show", identifier="SHOWN")
        media += fill(modal, question.explanation_html, src_for)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True), list(dict.fromkeys(media))


def _declarations(root: etree._Element, question: Question) -> bool:
    cardinality, base = _RESPONSE[type(question).type]
    response = Sub(root, q("responseDeclaration"), identifier="RESPONSE", cardinality=cardinality, baseType=base)
    correct = _correct(question)
    if correct:
        values = Sub(response, q("correctResponse"))
        for value in correct:
            Sub(values, q("value")).text = value
    if isinstance(question, FillIn):
        mapping = Sub(response, q("mapping"), defaultValue="0", upperBound="1")
        for answer in question.answers:
            Sub(mapping, q("mapEntry"), mapKey=answer, mappedValue="1", caseSensitive="false")
    _outcome(root, "SCORE", "float", "0")
    _outcome(root, "MAXSCORE", "float", decimal(question.points))
    feedback = isinstance(question, ChoiceQuestion) and any(o.feedback_html for o in question.options)
    if feedback:
        Sub(root, q("outcomeDeclaration"), identifier="FEEDBACK", cardinality=cardinality, baseType="identifier")
    if question.explanation_html:
        Sub(root, q("outcomeDeclaration"), identifier="EXPLANATION", cardinality="single", baseType="identifier")
    return feedback


def _outcome(root: etree._Element, name: str, base: str, default: str) -> None:
    outcome = Sub(root, q("outcomeDeclaration"), identifier=name, cardinality="single", baseType=base)
    Sub(Sub(outcome, q("defaultValue")), q("value")).text = default


_RESPONSE = {"single": ("single", "identifier"), "multiple": ("multiple", "identifier"),
             "true-false": ("single", "identifier"), "fill-in": ("single", "string"),
             "numeric": ("single", "float"), "matching": ("multiple", "directedPair"),
             "ordering": ("ordered", "identifier"), "essay": ("single", "string")}


def _correct(question: Question) -> list[str]:
    if isinstance(question, ChoiceQuestion):
        return [f"C{i + 1}" for i in question.correct_indexes]
    if isinstance(question, TrueFalse):
        return ["TRUE" if question.answer else "FALSE"]
    if isinstance(question, FillIn):
        return [question.answers[0]]
    if isinstance(question, Numeric):
        return [decimal(question.answer)]
    if isinstance(question, Matching):
        return [f"L{i + 1} R{i + 1}" for i in range(len(question.pairs))]
    if isinstance(question, Ordering):
        return [f"I{i + 1}" for i in range(len(question.items))]
    return []


def _body(body: etree._Element, course: Course, question: Question, src_for: Callable[[str], str]) -> list[str]:
    if isinstance(question, FillIn):
        return fill(Sub(body, q("p")), question.prompt_html, src_for, blank=_text_entry)
    if isinstance(question, Numeric):
        media = fill(Sub(body, q("p")), question.prompt_html, src_for)
        Sub(Sub(body, q("p")), q("textEntryInteraction"), responseIdentifier="RESPONSE", expectedLength="15")
        return media
    interaction = Sub(body, q(_INTERACTION[type(question).type]), responseIdentifier="RESPONSE")
    media = fill(Sub(interaction, q("prompt")), question.prompt_html, src_for)
    if isinstance(question, ChoiceQuestion):
        interaction.set("shuffle", "false")
        interaction.set("maxChoices", "1" if question.type == "single" else "0")
        for i, option in enumerate(question.options):
            choice = Sub(interaction, q("simpleChoice"), identifier=f"C{i + 1}")
            media += fill(choice, option.html, src_for)
    elif isinstance(question, TrueFalse):
        interaction.set("shuffle", "false")
        interaction.set("maxChoices", "1")
        Sub(interaction, q("simpleChoice"), identifier="TRUE").text = course.strings.true
        Sub(interaction, q("simpleChoice"), identifier="FALSE").text = course.strings.false
    elif isinstance(question, Matching):
        count = len(question.pairs)
        interaction.set("shuffle", "true")
        interaction.set("maxAssociations", str(count))
        left, right = Sub(interaction, q("simpleMatchSet")), Sub(interaction, q("simpleMatchSet"))
        for i, pair in enumerate(question.pairs):
            Sub(left, q("simpleAssociableChoice"), identifier=f"L{i + 1}", matchMax="1").text = pair.left
        for i in display_order(count, question.id):
            Sub(right, q("simpleAssociableChoice"), identifier=f"R{i + 1}", matchMax="1").text = question.pairs[i].right
    elif isinstance(question, Ordering):
        interaction.set("shuffle", "true")
        for i in display_order(len(question.items), question.id):
            Sub(interaction, q("simpleChoice"), identifier=f"I{i + 1}").text = question.items[i]
    elif isinstance(question, Essay):
        interaction.set("expectedLines", str(question.lines))
        if question.model_answer_html:
            rubric = Sub(body, q("rubricBlock"), view="scorer")
            media += fill(Sub(rubric, q("div")), question.model_answer_html, src_for)
    return media


_INTERACTION = {"single": "choiceInteraction", "multiple": "choiceInteraction", "true-false": "choiceInteraction",
                "matching": "matchInteraction", "ordering": "orderInteraction", "essay": "extendedTextInteraction"}


def _text_entry(blank: etree._Element) -> None:
    entry = etree.Element(q("textEntryInteraction"), responseIdentifier="RESPONSE", expectedLength="20")
    entry.tail = blank.tail
    blank.getparent().replace(blank, entry)


def _processing(root: etree._Element, question: Question, feedback: bool) -> None:
    processing = Sub(root, q("responseProcessing"))
    condition = Sub(processing, q("responseCondition"))
    when = Sub(condition, q("responseIf"))
    _right_answer(when, question)
    _set(when, "SCORE", "float", decimal(question.points))
    _set(Sub(condition, q("responseElse")), "SCORE", "float", "0")
    if feedback:
        chosen = Sub(processing, q("setOutcomeValue"), identifier="FEEDBACK")
        Sub(chosen, q("variable"), identifier="RESPONSE")
    if question.explanation_html:
        _set(processing, "EXPLANATION", "identifier", "SHOWN")


def _right_answer(parent: etree._Element, question: Question) -> None:
    if isinstance(question, FillIn):  # any accepted answer, without regard to case
        either = Sub(parent, q("or"))
        for answer in question.answers:
            test = Sub(either, q("stringMatch"), caseSensitive="false")
            Sub(test, q("variable"), identifier="RESPONSE")
            Sub(test, q("baseValue"), baseType="string").text = answer
        return
    if isinstance(question, Numeric) and question.tolerance:
        low, high = _bounds(question.answer, question.tolerance)
        both = Sub(parent, q("and"))
        for name, bound in (("gte", low), ("lte", high)):
            test = Sub(both, q(name))
            Sub(test, q("variable"), identifier="RESPONSE")
            Sub(test, q("baseValue"), baseType="float").text = bound
        return
    if isinstance(question, Numeric):
        test = Sub(parent, q("equal"), toleranceMode="exact")
    else:
        test = Sub(parent, q("match"))
    Sub(test, q("variable"), identifier="RESPONSE")
    Sub(test, q("correct"), identifier="RESPONSE")


def _set(parent: etree._Element, name: str, base: str, value: str) -> None:
    Sub(Sub(parent, q("setOutcomeValue"), identifier=name), q("baseValue"), baseType=base).text = value


def _bounds(answer: float, tolerance: float) -> tuple[str, str]:
    """answer ± tolerance, computed in decimal so that 3.14 ± 0.005 is 3.135..3.145 exactly."""
    from decimal import Decimal

    middle, spread = Decimal(decimal(answer)), Decimal(decimal(tolerance))
    return decimal(float(middle - spread)), decimal(float(middle + spread))
