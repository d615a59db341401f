"""Builders for test data, through the same services the app uses."""

from observations import accounts, studies
from observations.extensions import db

PASSWORD = "correct-horse-battery"


def user(username: str, role: str | None = None, study=None, **kwargs):
    """Create an account, optionally with a role in a study."""
    account = accounts.create_user(username, PASSWORD, username.title(), **kwargs)
    if study is not None and role is not None:
        accounts.add_member(study, account, role)
    return account


def two_studies() -> dict:
    """Studies `alpha` and `beta`, each with a coordinator, lead and fieldworker; one admin."""
    built = {"admin": user("root", is_admin=True).username}
    for slug in ("alpha", "beta"):
        study = studies.create_study(f"Study {slug}", slug)
        built[slug] = study.id
        for role in ("coordinator", "lead", "fieldworker"):
            user(f"{slug}-{role}", role, study)
    db.session.flush()
    return built
