"""Shared steps of the codebook and audit tests: a site to record at, and logged-in posts."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from observations.extensions import db
from observations.models import Category, Code, Site, Study, User, Zone
from tests.conftest import AuthActions

# A new code's row in the codebook sheet (see codebook_xlsx.COLUMNS).
CHESS_ROW = [
    "activity",
    "activiteit",
    "activity",
    "scan",
    "no",
    "chess",
    "schaken",
    "chess",
    "",
    "",
    40,
    "no",
]


def study(slug: str = "alpha") -> Study:
    """A study by its short name."""
    return db.session.scalar(select(Study).filter_by(slug=slug))


def user(username: str) -> User:
    """An account by its username."""
    return db.session.scalar(select(User).filter_by(username=username))


def code(slug: str, category: str, key: str) -> Code:
    """A code of a study by category key and code."""
    return db.session.scalar(
        select(Code)
        .join(Category)
        .where(Category.key == category, Code.code == key, Category.study_id == study(slug).id)
    )


def site_with_zone(slug: str = "alpha") -> tuple[int, int]:
    """A site of the study with one zone; returns (site id, zone id)."""
    site = Site(study_id=study(slug).id, name="Bibliotheek", kind="library")
    site.zones = [Zone(name="Entree", position=0)]
    db.session.add(site)
    db.session.commit()
    return site.id, site.zones[0].id


def session_record(slug: str, site: int, zone: int, version: int, **fields) -> dict:
    """A session record as a phone sends it, coded with a codebook version."""
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": slug,
        "site": site,
        "zones": [zone],
        "started_at": (datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
        "weather": ["indoors"],
        "crowding": "moderate",
        "programme": "none",
        "codebook_version": version,
        **fields,
    }


def logged_in(client, username: str) -> AuthActions:
    """Log the user in through the form."""
    auth = AuthActions(client)
    assert auth.login(username).status_code == 302
    return auth


def post(client, auth: AuthActions, url: str, data: dict, **kwargs):
    """POST a form with a fresh CSRF token."""
    token = auth.token("/account")
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)
