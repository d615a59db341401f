"""Changing a study's codebook: every saved change is one new version, with its snapshot.

A change (new labels, a new code, a code retired or restored, an xlsx import) is applied to
the live tables, then `new_version` adds the Codebook row N+1 with a note, who made it and a
snapshot of every category and code as they stand in N+1, and one audit event records the
change with its old → new values, all in the caller's transaction.

- Labels and descriptions live in the live tables, so a changed label applies to the exports
  of all records, also of those coded earlier; the snapshots keep what each version said.
- A retired code gets `retired_in = N+1`: it is no longer offered on the phone, records coded
  with an earlier version keep it (and export with its label), records of N+1 may not use it.
- Restoring clears `retired_in`: the code is valid again in every version since it was
  introduced, also in the versions in which it was retired (their snapshots still say
  "retired"), so a record of such a version that uses it is accepted from then on.
- A new code gets `introduced_in = N+1`: records of earlier versions may not use it.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit, codebook, text
from .extensions import db
from .models import Category, Code, Codebook, Study, User
from .validation import Invalid

CODE_KEY = re.compile(r"[a-z0-9_]{1,40}")
LONGEST_POSITION = 9999
CATEGORY_FIELDS = ("label_nl", "label_en", "position")
CODE_FIELDS = ("label_nl", "label_en", "description_nl", "description_en", "position")


class NothingChanged(Exception):
    """Raised when a change would leave the codebook as it is: no new version is made."""


def snapshot(study: Study) -> dict:
    """Every category and code of the study as they stand now, as JSON-able values."""
    return {
        "categories": [
            {
                "key": c.key,
                "label": {"nl": c.label_nl, "en": c.label_en},
                "applies_to": c.applies_to,
                "multiple": c.multiple,
                "per_person": c.per_person,
                "position": c.position,
                "codes": [
                    {
                        "code": x.code,
                        "label": {"nl": x.label_nl, "en": x.label_en},
                        "description": {"nl": x.description_nl, "en": x.description_en},
                        "position": x.position,
                        "introduced_in": x.introduced_in,
                        "retired_in": x.retired_in,
                    }
                    for x in c.codes
                ],
            }
            for c in codebook.categories(study)
        ]
    }


def next_version(study: Study) -> int:
    """Lock the study for this transaction and return the number the next version gets."""
    # Two coordinators saving at once would both make version N+1; the row lock makes the
    # second wait for the first (PostgreSQL; SQLite writes one at a time anyway).
    db.session.execute(select(Study.id).filter_by(id=study.id).with_for_update())
    return codebook.current_version(study) + 1


def new_version(study: Study, actor: User | None, note: str) -> Codebook:
    """Add the next codebook version with its note, author and snapshot of the live state."""
    db.session.flush()
    version = Codebook(
        study_id=study.id,
        version=codebook.current_version(study) + 1,
        note=note[:500],
        created_by_id=actor.id if actor is not None else None,
        snapshot=snapshot(study),
    )
    db.session.add(version)
    db.session.flush()
    return version


def history(study: Study) -> list[Codebook]:
    """The study's codebook versions, newest first."""
    return list(
        db.session.scalars(
            select(Codebook).filter_by(study_id=study.id).order_by(Codebook.version.desc())
        )
    )


def authors(versions: list[Codebook]) -> dict[int, User]:
    """{user id: user} of the people who made the versions."""
    ids = {v.created_by_id for v in versions if v.created_by_id is not None}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def category_of(study: Study, category_id: int) -> Category | None:
    """The study's category with this id (None for another study's)."""
    category = db.session.get(Category, category_id)
    return category if category is not None and category.study_id == study.id else None


def code_of(study: Study, code_id: int) -> Code | None:
    """The study's code with this id (None for another study's)."""
    code = db.session.get(Code, code_id)
    return code if code is not None and code.category.study_id == study.id else None


def code_name(code: Code) -> str:
    """How a code is named in notes and the audit trail: category.code."""
    return f"{code.category.key}.{code.code}"


def _values(item, fields: tuple[str, ...]) -> dict:
    """The item's current values of the fields."""
    return {name: getattr(item, name) for name in fields}


def _apply(item, fields: tuple[str, ...], values: dict) -> dict:
    """Set the given fields and return {field: [old, new]} of those that changed."""
    before = _values(item, fields)
    after = {**before, **{k: v for k, v in values.items() if k in fields}}
    changes = audit.diff(before, after)
    for name, (_old, new) in changes.items():
        setattr(item, name, new)
    return changes


def _commit_change(study, actor, action, entity, key, changes, note) -> Codebook:
    """Make the new version and its one audit event (old → new, and the version number)."""
    version = new_version(study, actor, note)
    changes = {**changes, "codebook_version": [version.version - 1, version.version]}
    audit.record(action, entity, key, changes, actor=actor, study_id=study.id)
    return version


def update_category(study: Study, category: Category, actor: User | None, **values) -> Codebook:
    """Change a category's labels or position; raise NothingChanged if nothing differs."""
    next_version(study)
    changes = _apply(category, CATEGORY_FIELDS, values)
    if not changes:
        raise NothingChanged
    note = _("Category %(key)s changed: %(fields)s", key=category.key, fields=", ".join(changes))
    return _commit_change(study, actor, "update", "codebook_category", category.key, changes, note)


def code_key_problems(category: Category, key: str) -> list[str]:
    """What is wrong with a new code's key in this category (empty list: fine)."""
    if not CODE_KEY.fullmatch(key or ""):
        return [_("Use 1 to 40 lower-case letters a–z, digits and _ (for example new_code).")]
    if any(code.code == key for code in category.codes):
        return [_("Category %(key)s already has a code %(code)s.", key=category.key, code=key)]
    return []


def text_problems(values: dict) -> dict[str, list[str]]:
    """Problems of the texts of a code ({field: messages}), by the model's rules."""
    found = {}
    for name in ("label_nl", "label_en", "description_nl", "description_en"):
        if name in values:
            problems = text.problems(values[name], text.rule_of(getattr(Code, name)))
            if problems:
                found[name] = problems
    return found


def add_code(study: Study, category: Category, actor: User | None, key: str, **values) -> Code:
    """Add a code to a category, valid from the new version on; raise Invalid if bad."""
    errors = text_problems(values)
    if code_key_problems(category, key):
        errors["code"] = code_key_problems(category, key)
    if errors:
        raise Invalid(errors)
    number = next_version(study)
    position = values.get("position")
    if position is None:
        position = max((c.position for c in category.codes), default=-1) + 1
    code = Code(code=key, introduced_in=number, position=position)
    for name in ("label_nl", "label_en", "description_nl", "description_en"):
        setattr(code, name, (values.get(name) or "").strip())
    category.codes.append(code)
    changes = {name: [None, getattr(code, name)] for name in ("code", *CODE_FIELDS)}
    note = _("Code %(code)s added.", code=code_name(code))
    _commit_change(study, actor, "create", "codebook_code", code_name(code), changes, note)
    return code


def update_code(study: Study, code: Code, actor: User | None, **values) -> Codebook:
    """Change a code's labels, descriptions or position; NothingChanged if nothing differs."""
    errors = text_problems(values)
    if errors:
        raise Invalid(errors)
    next_version(study)
    changes = _apply(code, CODE_FIELDS, {k: v for k, v in values.items() if v is not None})
    if not changes:
        raise NothingChanged
    note = _("Code %(code)s changed: %(fields)s", code=code_name(code), fields=", ".join(changes))
    return _commit_change(study, actor, "update", "codebook_code", code_name(code), changes, note)


def retire_code(study: Study, code: Code, actor: User | None) -> Codebook:
    """Retire a code from the next version on (records of earlier versions keep it)."""
    if code.retired:
        raise NothingChanged
    number = next_version(study)
    if not any(c.valid_in(number - 1) and c.id != code.id for c in code.category.codes):
        raise Invalid({"code": [_("A category needs at least one code in use.")]})
    code.retired_in = number
    note = _("Code %(code)s retired.", code=code_name(code))
    changes = {"retired_in": [None, number]}
    return _commit_change(study, actor, "retire", "codebook_code", code_name(code), changes, note)


def restore_code(study: Study, code: Code, actor: User | None) -> Codebook:
    """Offer a retired code again; it is valid again in every version since its introduction."""
    if not code.retired:
        raise NothingChanged
    next_version(study)
    changes = {"retired_in": [code.retired_in, None]}
    code.retired_in = None
    note = _("Code %(code)s restored.", code=code_name(code))
    return _commit_change(study, actor, "restore", "codebook_code", code_name(code), changes, note)
