"""Write the field tables of docs/source-format.md from the code's own field definitions.

    python docs/make_field_tables.py           # rewrite the tables in place
    python docs/make_field_tables.py --check   # exit 1 if a table differs from the code

Each table sits between ``<!-- BEGIN fields:NAME -->`` and ``<!-- END fields:NAME -->``; the
text around them is written by hand. The tables come from builders/source/schema.py (the
tuples the loader checks fields with) and from the interface words of builders/model/.
tests/test_docs.py runs the check, so a field added to the code without its docs fails CI.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from builders.model import QUESTION_TYPES, Strings  # noqa: E402
from builders.source import schema  # noqa: E402
from builders.source.schema import FieldSpec  # noqa: E402

PAGE = ROOT / "docs" / "source-format.md"
BLOCK = re.compile(r"(<!-- BEGIN fields:(?P<name>[a-z-]+) -->\n).*?(<!-- END fields:(?P=name) -->)", re.S)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def default(spec: FieldSpec) -> str:
    if spec.required:
        return "required"
    if spec.default in (None, "", [], ()):
        return "–"
    value = spec.default
    if isinstance(value, bool):
        shown = str(value).lower()
    elif isinstance(value, float):
        shown = f"{value:g}"
    elif isinstance(value, str) and yaml.safe_load(value) != value:
        shown = json.dumps(value)  # "1.2": unquoted, YAML would read a number
    else:
        shown = str(value)
    return f"`{shown}`"


def field_table(specs: tuple[FieldSpec, ...]) -> str:
    rows = ["| field | value | default | meaning |", "| --- | --- | --- | --- |"]
    rows += [f"| `{s.name}` | {cell(s.type)} | {default(s)} | {cell(s.description)} |" for s in specs]
    return "\n".join(rows)


def question_types_table() -> str:
    rows = ["| type | field | value | default | meaning |", "| --- | --- | --- | --- | --- |"]
    for qtype in QUESTION_TYPES:
        for s in schema.QUESTION_TYPE_FIELDS[qtype]:
            rows.append(f"| `{qtype}` | `{s.name}` | {cell(s.type)} | {default(s)} | {cell(s.description)} |")
    return "\n".join(rows)


def strings_table() -> str:
    words = Strings()
    rows = ["| key | English |", "| --- | --- |"]
    rows += [f"| `{key}` | {cell(getattr(words, key))} |" for key in Strings.keys()]
    return "\n".join(rows)


TABLES = {
    "course": lambda: field_table(schema.COURSE),
    "assessment": lambda: field_table(schema.ASSESSMENT),
    "scorm": lambda: field_table(schema.SCORM),
    "pdf": lambda: field_table(schema.PDF),
    "front-matter": lambda: field_table(schema.FRONT_MATTER),
    "question": lambda: field_table(schema.QUESTION),
    "question-types": question_types_table,
    "option": lambda: field_table(schema.OPTION),
    "pair": lambda: field_table(schema.PAIR),
    "strings": strings_table,
}


def render(text: str) -> str:
    """The page with every table block replaced by the table the code gives today."""
    found = {m.group("name") for m in BLOCK.finditer(text)}
    if found != set(TABLES):
        raise SystemExit(f"{PAGE}: table markers {sorted(found)} != {sorted(TABLES)}")
    return BLOCK.sub(lambda m: f"{m.group(1)}{TABLES[m.group('name')]()}\n{m.group(3)}", text)


def main(argv: list[str]) -> int:
    text = PAGE.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print(f"{PAGE.relative_to(ROOT)}: the field tables differ from the code; "
                  "run python docs/make_field_tables.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        PAGE.write_text(new, encoding="utf-8")
        print(f"rewrote the tables of {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
