"""Studies: creating one with its default codebook, archiving and reopening it.

An archived study is read-only: its members can still read and export it, but nothing new
is stored in it (access.py refuses changes on its pages, sync refuses its records).
"""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit, codebook, text
from .extensions import db
from .models import Study, User, utcnow
from .validation import collect

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def by_slug(slug: str) -> Study | None:
    """The study with this short name; a string no short name can be is not looked up."""
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        return None
    return db.session.scalar(select(Study).filter_by(slug=slug))


def slug_problems(slug: str) -> list[str]:
    """Return what is wrong with a study's short name for URLs and commands."""
    if not SLUG_PATTERN.fullmatch(slug):
        return [_("A short name has 2 to 40 characters: lower-case letters, digits and hyphens.")]
    if db.session.scalar(select(Study.id).filter_by(slug=slug)) is not None:
        return [_("The short name %(slug)s is already in use.", slug=slug)]
    return []


def create_study(name: str, slug: str, description: str = "", actor: User | None = None) -> Study:
    """Create a study with version 1 of the default codebook, or raise Invalid."""
    name, slug = (name or "").strip(), (slug or "").strip().lower()
    description = (description or "").strip()
    collect(
        {
            "name": text.problems(name, text.rule_of(Study.name)),
            "slug": slug_problems(slug),
            "description": text.problems(description, text.rule_of(Study.description)),
        }
    )
    study = Study(name=name, slug=slug, description=description)
    db.session.add(study)
    db.session.flush()
    codebook.install_default(study)
    audit.record(
        "create",
        "study",
        study.id,
        {"slug": [None, slug], "name": [None, name]},
        actor=actor,
        study_id=study.id,
    )
    return study


def _iso(moment) -> str | None:
    """A time as ISO text for the audit trail."""
    return moment.isoformat() if moment is not None else None


def _set_archived(study: Study, archived: bool, actor: User | None) -> None:
    """Archive or reopen a study, audited; nothing happens if it is so already."""
    if (study.archived_at is not None) == archived:
        return
    before = study.archived_at
    study.archived_at = utcnow() if archived else None
    audit.record(
        "archive" if archived else "unarchive",
        "study",
        study.id,
        {"archived_at": [_iso(before), _iso(study.archived_at)]},
        actor=actor,
        study_id=study.id,
    )


def archive_study(study: Study, actor: User | None = None) -> None:
    """Make a study read-only: readable and exportable, closed to new records."""
    _set_archived(study, True, actor)


def reopen_study(study: Study, actor: User | None = None) -> None:
    """Undo archiving: the study takes records and changes again."""
    _set_archived(study, False, actor)
