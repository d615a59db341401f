"""One-time links to set a password: for a new account (invite) or a forgotten one (reset).

The admin or a coordinator copies the link and hands it over (or it is mailed when SMTP is
configured). Only the token's SHA-256 is stored; a link works once, expires, and a new link
for the same person makes the older ones useless.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import url_for
from sqlalchemy import select, update

from . import audit
from .extensions import db
from .models import PasswordLink, User, utcnow

LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(days=2)}


def _digest(token: str) -> str:
    """The stored form of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str, actor: User | None = None) -> str:
    """Make a new link for the user (older unused ones stop working); return its token."""
    now = utcnow()
    db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        token_hash=_digest(token),
        purpose=purpose,
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
        expires_at=now + LIFETIME[purpose],
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "issue",
        "password_link",
        link.id,
        {"user": [None, user.username], "purpose": [None, purpose]},
        actor=actor,
    )
    return token


def valid_link(token: str) -> PasswordLink | None:
    """The unused, unexpired link of this token, or None."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(PasswordLink).filter_by(token_hash=_digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    if not link.user.active:
        return None
    return link


def use(link: PasswordLink, password: str) -> User:
    """Set the password through the link and spend it (the caller has checked the password)."""
    from . import logins  # logins imports models only; imported here to keep this module light

    user = link.user
    user.set_password(password)
    link.used_at = utcnow()
    logins.end_all_logins(user)
    audit.record("use", "password_link", link.id, {"purpose": [None, link.purpose]}, actor=user)
    return user


def link_url(token: str) -> str:
    """The full address of a link, to copy and hand over."""
    return url_for("auth.set_password", token=token, _external=True)
