"""Reading one field of a synced record: the value in canonical form, or what is wrong with it.

Each reader returns the value, or raises FieldError with a message in the user's language.
"""

import math
import uuid as uuid_module
from dataclasses import replace
from datetime import UTC, datetime

from flask_babel import gettext as _

from .. import text as text_rules

MISSING = object()
# A code is a short word (String(40) in every table); longer text is never echoed back.
LONGEST_CODE = 40


class FieldError(Exception):
    """What is wrong with one field."""


def required(record: dict, name: str):
    """The raw value of a field that must be present."""
    value = record.get(name, MISSING)
    if value is MISSING or value is None or value == "":
        raise FieldError(_("This field is required."))
    return value


def a_uuid(value) -> str:
    """A UUID in its canonical lower-case form."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return str(uuid_module.UUID(value))
    except ValueError:
        raise FieldError(_("Not a valid UUID.")) from None


def whole(value, lowest: int = 0, highest: int = 2**31 - 1) -> int:
    """A whole number within bounds (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise FieldError(_("Give a whole number."))
    if not lowest <= value <= highest:
        raise FieldError(_("Give a number from %(low)d to %(high)d.", low=lowest, high=highest))
    return value


def number(value, lowest: float, highest: float) -> float:
    """A finite number within bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldError(_("Give a number."))
    if not lowest <= value <= highest:
        raise FieldError(_("Give a number from %(low)s to %(high)s.", low=lowest, high=highest))
    return float(value)


def moment(value) -> datetime:
    """An aware datetime between 2000 and 2100, normalised to UTC."""
    if not isinstance(value, str):
        raise FieldError(
            _("Give a date and time with a time zone, e.g. 2026-05-01T14:30:00+02:00.")
        )
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(
            _("Give a date and time with a time zone, e.g. 2026-05-01T14:30:00+02:00.")
        ) from None
    if parsed.tzinfo is None:
        raise FieldError(_("The time has no time zone; add one, e.g. +01:00."))
    if not 2000 <= parsed.year < 2100:
        raise FieldError(_("Give a time between the years 2000 and 2100."))
    return parsed.astimezone(UTC)


def text(value, rule: text_rules.TextRule) -> str:
    """A string that follows a model column's text rule (text.rule_of), stripped."""
    if not isinstance(value, str):
        raise FieldError(_("Give text."))
    value = value.strip()
    if rule.required and not value:
        raise FieldError(_("This field is required."))
    found = text_rules.problems(value, replace(rule, required=False))
    if found:
        raise FieldError(found[0])
    return value


def unstorable(value) -> str | None:
    """Why some string in a value (nested lists and objects, keys too) cannot be stored.

    A lone surrogate or a NUL anywhere in a record must make that record invalid before
    any of its strings reaches the database, a message or a page.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = text_rules.character_problem(item)
            if problem:
                return problem
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def boolean(value) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise FieldError(_("Give true or false."))
    return value


def ident(value) -> int:
    """A database id."""
    return whole(value, 1)


def id_list(value) -> list[int]:
    """A list of database ids, sorted and without repeats."""
    if not isinstance(value, list):
        raise FieldError(_("Give a list."))
    return sorted({ident(item) for item in value})


def code(value, valid: set[str], category_label: str) -> str:
    """One code of a codebook category."""
    if isinstance(value, str) and value in valid:
        return value
    retired_in = getattr(valid, "retired", {}).get(value) if isinstance(value, str) else None
    if retired_in is not None:
        raise FieldError(
            _(
                "Code %(code)s of %(category)s was retired in codebook version %(v)s; a record "
                "of this version cannot use it.",
                code=value,
                category=category_label,
                v=retired_in,
            )
        )
    if isinstance(value, str) and len(value) <= LONGEST_CODE:
        raise FieldError(
            _("Unknown code %(code)s for %(category)s.", code=value, category=category_label)
        )
    # Not a short string (a number, a list, pages of text): say so without echoing it.
    raise FieldError(_("Give one of the codes of %(category)s.", category=category_label))


def code_list(value, valid: set[str], category_label: str) -> list[str]:
    """Several codes of one category, sorted and without repeats."""
    if not isinstance(value, list):
        raise FieldError(_("Give a list."))
    return sorted({code(item, valid, category_label) for item in value})


def iso(moment_value: datetime | None) -> str | None:
    """The canonical text form of a stored time, for comparing and the audit trail."""
    return None if moment_value is None else moment_value.astimezone(UTC).isoformat()
