"""The codebook as an xlsx workbook: one sheet, one row per code; and reading it back.

Export writes every code of every category (retired ones too) with XlsxWriter, text as
text (a label starting with "=" stays a label, never a formula). Import reads the sheet with
openpyxl, checks every row, and only when no row is bad applies the changes: labels,
descriptions, positions and retired state of existing codes, category labels, and new codes
in existing categories. A code missing from the sheet is left as it is (codes are never
deleted). A successful import that changes something is one new version with one audit
event; an import that changes nothing makes no version (NothingChanged).
"""

import io
from dataclasses import dataclass, field

import xlsxwriter
from flask_babel import gettext as _
from openpyxl import load_workbook

from . import audit, codebook, text
from .codebook_editor import (
    CODE_KEY,
    LONGEST_POSITION,
    NothingChanged,
    new_version,
    next_version,
)
from .models import Category, Code, Study, User

COLUMNS = (
    "category",
    "category_label_nl",
    "category_label_en",
    "applies_to",
    "multiple",
    "code",
    "label_nl",
    "label_en",
    "description_nl",
    "description_en",
    "position",
    "retired",
)
SHEET = "codebook"
YES = {"yes", "ja", "true", "1", "x", "y", "j"}
NO = {"", "no", "nee", "false", "0", "n"}
MOST_ROWS = 5000


def export_codebook(study: Study) -> bytes:
    """The study's codebook as an xlsx file: a header row, then one row per code."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True})
    for column, name in enumerate(COLUMNS):
        sheet.write_string(0, column, name, bold)
    row = 0
    for category in codebook.categories(study):
        for code in category.codes:
            row += 1
            values = [
                category.key,
                category.label_nl,
                category.label_en,
                category.applies_to,
                "yes" if category.multiple else "no",
                code.code,
                code.label_nl,
                code.label_en,
                code.description_nl,
                code.description_en,
            ]
            for column, value in enumerate(values):
                sheet.write_string(row, column, value)
            sheet.write_number(row, 10, code.position)
            sheet.write_string(row, 11, "yes" if code.retired else "no")
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, row, len(COLUMNS) - 1)
    book.close()
    return buffer.getvalue()


@dataclass
class ImportReport:
    """What an import found: bad rows (row number, reason) or the changes it made."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    changes: dict = field(default_factory=dict)
    version: int | None = None


class ImportRefused(Exception):
    """Raised when the file cannot be imported; `errors` lists (row number, reason)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


def _cell_text(value) -> str:
    """A cell as stripped text (numbers as digits, empty as "")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(content: bytes) -> list[tuple[int, dict]]:
    """The sheet's data rows as (Excel row number, {column: text}); ImportRefused if unreadable."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not xlsx
        raise ImportRefused([(0, _("This is not an xlsx file."))]) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = tuple(_cell_text(v).lower() for v in next(rows, ()) or ())
    if header[: len(COLUMNS)] != COLUMNS:
        book.close()
        raise ImportRefused(
            [(1, _("The first row must name the columns: %(names)s.", names=", ".join(COLUMNS)))]
        )
    found = []
    for number, values in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in (values or ())[: len(COLUMNS)]]
        if any(cells):
            found.append((number, dict(zip(COLUMNS, cells + [""] * len(COLUMNS), strict=False))))
        if len(found) > MOST_ROWS:
            break
    book.close()
    if len(found) > MOST_ROWS:
        raise ImportRefused([(0, _("At most %(n)d rows can be imported.", n=MOST_ROWS))])
    return found


def _text_problem(row: dict, name: str, column) -> str | None:
    """The first problem of a text cell under its model column's rule, named by column."""
    problems = text.problems(row[name], text.rule_of(column))
    return f"{name}: {problems[0]}" if problems else None


def _row_problems(row: dict, category: Category | None, seen: set) -> list[str]:
    """Why one row cannot be imported (empty list: fine)."""
    if category is None:
        return [_("Unknown category %(key)s.", key=text.visible(row["category"][:40]))]
    problems = []
    # The default codebook has keys such as 0-14 and 65+; the rule is for new codes.
    existing = any(c.code == row["code"] for c in category.codes)
    if not existing and not CODE_KEY.fullmatch(row["code"]):
        problems.append(_("Bad code key: use 1 to 40 lower-case letters a–z, digits and _."))
    elif (category.key, row["code"]) in seen:
        problems.append(_("Code %(code)s appears twice in this category.", code=row["code"]))
    columns = {
        "category_label_nl": Category.label_nl,
        "category_label_en": Category.label_en,
        "label_nl": Code.label_nl,
        "label_en": Code.label_en,
        "description_nl": Code.description_nl,
        "description_en": Code.description_en,
    }
    problems += [p for name, col in columns.items() if (p := _text_problem(row, name, col))]
    if row["applies_to"] and row["applies_to"] != category.applies_to:
        problems.append(_("applies_to cannot be changed (%(v)s).", v=category.applies_to))
    if row["position"] and not (
        row["position"].isdigit() and int(row["position"]) <= LONGEST_POSITION
    ):
        problems.append(_("position: give a whole number from 0 to %(n)d.", n=LONGEST_POSITION))
    if row["retired"].lower() not in YES | NO:
        problems.append(_("retired: give yes or no."))
    return problems


def _apply_row(row: dict, category: Category, number: int, changes: dict) -> None:
    """Apply one checked row to the live tables, noting {what: [old, new]} in `changes`."""

    def set_value(item, name: str, value, what: str) -> None:
        """Set one field if it differs, noting the change."""
        old = getattr(item, name)
        if old != value:
            changes[f"{what}.{name}"] = [old, value]
            setattr(item, name, value)

    for name in ("label_nl", "label_en"):
        set_value(category, name, row[f"category_label_{name[-2:]}"], category.key)
    code = next((c for c in category.codes if c.code == row["code"]), None)
    what = f"{category.key}.{row['code']}"
    if code is None:
        position = max((c.position for c in category.codes), default=-1) + 1
        code = Code(code=row["code"], introduced_in=number, position=position)
        category.codes.append(code)
        changes[f"{what}.code"] = [None, row["code"]]
    for name in ("label_nl", "label_en", "description_nl", "description_en"):
        set_value(code, name, row[name], what)
    if row["position"]:
        set_value(code, "position", int(row["position"]), what)
    retired = row["retired"].lower() in YES
    if retired != code.retired:
        set_value(code, "retired_in", number if retired else None, what)


def import_codebook(study: Study, content: bytes, actor: User | None) -> ImportReport:
    """Check every row, then apply them all as one new version; ImportRefused if any is bad."""
    rows = read_rows(content)
    categories = {c.key: c for c in codebook.categories(study)}
    errors, seen = [], set()
    for number, row in rows:
        category = categories.get(row["category"])
        errors += [(number, problem) for problem in _row_problems(row, category, seen)]
        if category is not None:
            is_new = not any(c.code == row["code"] for c in category.codes)
            if is_new and row["retired"].lower() in YES:
                errors.append((number, _("A new code cannot be retired at once.")))
            seen.add((category.key, row["code"]))
    if not rows:
        errors.append((2, _("The sheet has no rows with codes.")))
    if errors:
        raise ImportRefused(errors)
    number = next_version(study)
    report = ImportReport()
    for _number, row in rows:
        _apply_row(row, categories[row["category"]], number, report.changes)
    if not report.changes:
        raise NothingChanged
    empty = [key for key, c in categories.items() if not any(x.valid_in(number) for x in c.codes)]
    if empty:
        # The caller rolls back: nothing of this import is kept.
        raise ImportRefused(
            [(0, _("A category needs at least one code in use: %(keys)s.", keys=", ".join(empty)))]
        )
    note = _("Codebook imported from xlsx: %(n)d changes.", n=len(report.changes))
    version = new_version(study, actor, note)
    changes = {**report.changes, "codebook_version": [number - 1, number]}
    audit.record("import", "codebook", version.version, changes, actor=actor, study_id=study.id)
    report.version = version.version
    return report
