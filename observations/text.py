"""Rules for every text a person can type: what the database can store, how long, whether required.

A text column's rule is written once, on the model: its length (`String(n)`, or
`info={"max_length": n}` on a `Text` column), `info={"required": True}` when it may not be
blank and `info={"multiline": True}` when line breaks belong in it. Forms (forms.py), the
sync API (sync/fields.py) and a last check before every flush read the same rule, so a
text refused in one place is refused in all, on SQLite as on PostgreSQL.
"""

import re
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import String, event, inspect

from .validation import Invalid

# Control characters (C0, DEL, C1); NUL among them, which PostgreSQL cannot store at all.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Line breaks and tabs are text in a note; in a name they are not.
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a UTF-16 pair: valid in JSON ("\ud800"), not encodable as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class TextRule:
    """How long a text may be, whether it may be blank, and whether it may span lines."""

    longest: int
    required: bool = False
    multiline: bool = False


def rule_of(column) -> TextRule:
    """The rule a model's text column declares (e.g. `rule_of(Study.name)`)."""
    column = getattr(column, "expression", column)
    info = column.info
    longest = info.get("max_length") or getattr(column.type, "length", None)
    if not longest:
        raise ValueError(f"{column} declares no length; give it String(n) or info max_length")
    return TextRule(longest, bool(info.get("required")), bool(info.get("multiline")))


def character_problem(value: str, multiline: bool = False) -> str | None:
    """Why a text cannot be stored as typed, or None: a control character or broken Unicode."""
    if _SURROGATE.search(value):
        return _("The text contains a broken character (half of an emoji or symbol). Retype it.")
    control = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if control:
        return _(
            "The text contains an invisible control character (at position %(n)d) that "
            "cannot be stored. Retype the text there.",
            n=control.start() + 1,
        )
    return None


def visible(value: str, multiline: bool = False) -> str:
    """The text with each character that cannot be stored shown as �, to re-show in a form."""
    value = _SURROGATE.sub("\ufffd", value)
    return (_CONTROL_MULTILINE if multiline else _CONTROL).sub("\ufffd", value)


def _too_long(rule: TextRule, length: int) -> str:
    """The message for a text past its rule's length."""
    return _(
        "At most %(longest)d characters; this has %(length)d.", longest=rule.longest, length=length
    )


def problems(value: str | None, rule: TextRule) -> list[str]:
    """What is wrong with a text under a rule, in the user's language (empty list: fine)."""
    value = (value or "").strip()
    if rule.required and not value:
        return [_("Fill this in; it may not be empty.")]
    if len(value) > rule.longest:
        return [_too_long(rule, len(value))]
    problem = character_problem(value, rule.multiline)
    return [problem] if problem else []


def clean(value: str | None, rule: TextRule, field: str) -> str:
    """The stripped text, or Invalid naming the field."""
    found = problems(value, rule)
    if found:
        raise Invalid({field: found})
    return (value or "").strip()


@cache
def _text_columns(mapper) -> tuple:
    """The text columns of a mapped class that carry a rule, as (attribute, column)."""
    return tuple(
        (attribute.key, attribute.columns[0])
        for attribute in mapper.column_attrs
        if isinstance(attribute.columns[0].type, String)
        and (
            getattr(attribute.columns[0].type, "length", None)
            or attribute.columns[0].info.get("max_length")
        )
    )


def _check_texts(_mapper, _connection, target) -> None:
    """Refuse, before the database does, a text no form or service should have let through.

    SQLite stores a 300-character name in String(200) and a NUL without complaint, where
    PostgreSQL fails with a server error; this makes both refuse it the same, clearly.
    Blank or not is the forms' and services' business; here only what can never be stored.
    """
    state = inspect(target)
    for key, column in _text_columns(state.mapper):
        value = getattr(target, key)
        if not isinstance(value, str) or (
            state.persistent and not state.attrs[key].history.has_changes()
        ):
            continue
        rule = rule_of(column)
        problem = (
            _too_long(rule, len(value))
            if len(value) > rule.longest
            else character_problem(value, rule.multiline)
        )
        if problem:
            raise Invalid({key: [problem]})


def install(base) -> None:
    """Check the texts of every model derived from `base` when it is inserted or updated."""
    for when in ("before_insert", "before_update"):
        event.listen(base, when, _check_texts, propagate=True)
