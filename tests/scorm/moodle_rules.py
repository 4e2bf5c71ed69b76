"""Moodle's checks of SCORM values, stricter than the standard.

Moodle's value rules (stricter than the standard) are data, shared with the preview's inspector:
templates/preview/moodle-rules.json. This is the Python reading of them; inspector.js the other.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parents[2] / "templates" / "preview" / "moodle-rules.json"
MOODLE_RULES = json.loads(RULES_FILE.read_text(encoding="utf-8"))
M12 = MOODLE_RULES["1.2"]["patterns"]
M2004 = MOODLE_RULES["2004"]["patterns"]
_INDEX = re.compile(r"\.\d+\.")


def _matches(pattern: str, value: str, nonempty: bool = False) -> bool:
    # re.ASCII: \w and \d as in JavaScript, where Moodle's patterns run
    match = re.match(pattern, value, re.ASCII)
    if match is None:
        return False
    return not nonempty or bool(match.group(0)) or value == ""


def generic_element(element: str) -> str:
    """cmi.interactions.3.correct_responses.0.pattern -> cmi.interactions.n.correct_responses.n.pattern"""
    return _INDEX.sub(".n.", _INDEX.sub(".n.", element))


def moodle_problems(version: str, set_values: list[tuple[str, str]]) -> list[str]:
    """Every SetValue Moodle's player would refuse, as 'element = value: why'."""
    problems = []
    types: dict[str, str] = {}
    for element, value in set_values:
        m = re.match(r"cmi\.interactions\.(\d+)\.type$", element)
        if m:
            types[m.group(1)] = value
        why = moodle_check(version, element, value, types)
        if why:
            problems.append(f"{element} = {value!r}: {why}")
    return problems


def _in_range(value: str, low: float, high: float) -> bool:
    try:
        return low <= float(value) <= high
    except ValueError:
        return False


def moodle_check(version: str, element: str, value: str, types: dict[str, str]) -> str:
    """Why Moodle would refuse ``element = value`` ("" when it would store it)."""
    rules = MOODLE_RULES[version]
    generic = generic_element(element)
    rule = rules["elements"].get(generic)
    if rule is None:
        return f"Moodle's SCORM {version} data model has no writable element {generic}"
    if rule.get("response"):
        index = re.match(r"cmi\.interactions\.(\d+)\.", element).group(1)
        return _response_2004(types.get(index, ""), value, bool(rule.get("isPattern")))
    reason = rule.get("reason", "")
    if rule.get("required") and value == "":
        return reason or "must not be empty"
    if "maxLength" in rule and len(value) > rule["maxLength"]:
        return reason or f"longer than {rule['maxLength']} characters"
    if "pattern" in rule and not _matches(rules["patterns"][rule["pattern"]], value, bool(rule.get("nonempty"))):
        return reason or f"not {rule['pattern']}"
    if "range" in rule and not _in_range(value, *rule["range"]):
        return reason or f"outside {rule['range'][0]}..{rule['range'][1]}"
    return ""


def _response_2004(kind: str, value: str, pattern: bool) -> str:
    rule = MOODLE_RULES["2004"]["responses"].get(kind)
    if rule is None:
        return f"no interaction type set before the response ({kind!r})"
    node = M2004.get(rule.get("node", ""), "")
    if "values" in rule:
        ok = value in rule["values"]
    elif "pair" in rule:
        pairs = [n.split(rule["pair"]) for n in value.split(rule["separator"])]
        ok = all(len(p) == 2 and all(_matches(node, x) for x in p) for p in pairs)
    elif "patternSeparator" in rule:
        nodes = value.split(rule["patternSeparator"]) if pattern else [value]
        ok = all(_matches(node, n) for n in nodes) and len(nodes) <= rule["maxNodes"]
    elif "maxNodeLength" in rule:
        ok = all(len(n) <= rule["maxNodeLength"] for n in value.split(rule["separator"]))
    elif "maxLength" in rule:
        ok = len(value) <= rule["maxLength"] and not value.startswith(rule["forbiddenStart"])
    else:
        nodes = value.split(rule["separator"])
        ok = all(_matches(node, n) for n in nodes) and len(nodes) <= rule["maxNodes"]
    return "" if ok else rule["reason"]
