"""Moodle's competency-framework CSV (admin tool `tool_lpimportcsv`) as a framework definition.

The tool reads 14 columns by position (`framework_importer::read_mapping_data`): parent ID
number, ID number, short name, description, description format, scale values, scale
configuration, rule type, rule outcome, rule config, cross-referenced competency ID numbers,
exported ID, is framework, taxonomy. The row whose "Is framework" column is set describes the
framework; every other row is a competency whose parent is named by its ID number (empty: a
top-level competency, i.e. an area).
"""

from __future__ import annotations

import csv
import io

from statements.errors import Problem, StatementInvalid
from statements.frameworks import FrameworkDef, ItemDef

COLUMNS = 14
PARENT, IDNUMBER, SHORTNAME, DESCRIPTION = 0, 1, 2, 3
IS_FRAMEWORK = 12


def read_moodle_csv(text: str) -> FrameworkDef:
    """Parse the CSV text (UTF-8, comma-separated, header row first, as Moodle exports it)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise StatementInvalid([Problem("$", "the file is empty")])
    header, body = rows[0], rows[1:]
    if len(header) < COLUMNS:
        raise StatementInvalid(
            [Problem("header", f"needs the {COLUMNS} columns of tool_lpimportcsv")]
        )
    framework: tuple[str, str] | None = None
    items: list[ItemDef] = []
    problems: list[Problem] = []
    for line, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (COLUMNS - len(row))
        idnumber, shortname = row[IDNUMBER].strip(), row[SHORTNAME].strip()
        if row[IS_FRAMEWORK].strip() not in ("", "0"):
            if framework is not None:
                problems.append(Problem(f"line {line}", "a second framework row"))
            framework = (idnumber, shortname)
            continue
        if not idnumber or not shortname:
            # Moodle skips such competencies silently; we say so.
            problems.append(Problem(f"line {line}", "a competency needs an ID number and name"))
            continue
        items.append(
            ItemDef(
                identifier=idnumber,
                code=idnumber,
                title=shortname,
                parent=row[PARENT].strip() or None,
            )
        )
    if framework is None:
        problems.append(Problem("$", "no row is marked 'Is framework'"))
    if problems:
        raise StatementInvalid(problems)
    assert framework is not None
    result = FrameworkDef(
        identifier=framework[0] or framework[1],
        title=framework[1] or framework[0],
        source="moodle",
        items=tuple(items),
    )
    wrong = result.problems()
    if wrong:
        raise StatementInvalid(wrong)
    return result
