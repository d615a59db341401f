"""Studies: creating one with its default codebook."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit, codebook
from .extensions import db
from .models import Study, User
from .validation import collect

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def slug_problems(slug: str) -> list[str]:
    """Return what is wrong with a study's short name for URLs and commands."""
    if not SLUG_PATTERN.match(slug):
        return [_("A short name has 2 to 40 characters: lower-case letters, digits and hyphens.")]
    if db.session.scalar(select(Study.id).filter_by(slug=slug)) is not None:
        return [_("The short name %(slug)s is already in use.", slug=slug)]
    return []


def create_study(name: str, slug: str, description: str = "", actor: User | None = None) -> Study:
    """Create a study with version 1 of the default codebook, or raise Invalid."""
    name, slug = (name or "").strip(), (slug or "").strip().lower()
    collect(
        {
            "name": [_("Give the study a name of at most 200 characters.")]
            if not name or len(name) > 200
            else [],
            "slug": slug_problems(slug),
        }
    )
    study = Study(name=name, slug=slug, description=description.strip())
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
