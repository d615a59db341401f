"""Logins: one row per signed-in browser or phone, so that every login can be revoked.

The session cookie and the "stay logged in" cookie carry the login's random token (Flask-Login's
alternative id), never the user id; only the token's SHA-256 is stored. Logging out, a password
change, "log out on all devices" and deactivation end logins, and a copied cookie stops working.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

from flask import current_app, session
from sqlalchemy import bindparam, select, update

from . import core_sql
from .extensions import db
from .models import Login, User, utcnow
from .review.forgotten import closed_lately, closed_since

# A login in use is pushed forward at most this often, so requests do not all write.
TOUCH_EVERY = timedelta(minutes=5)

# (pattern, name) in order: the first that matches names the browser, then the system.
BROWSERS = (
    (r"EdgA?/|Edg/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
)
SYSTEMS = (
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux", "Linux"),
)


def _digest(token: str) -> str:
    """The SHA-256 of a token; tokens are long and random, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def device_of(user_agent: str | None) -> str:
    """A coarse description of a browser, such as "Chrome · Android"; "" when unknown."""
    agent = user_agent or ""
    names = [
        next((name for pattern, name in table if re.search(pattern, agent)), None)
        for table in (BROWSERS, SYSTEMS)
    ]
    return " · ".join(name for name in names if name)[:80]


def lifetime(remember: bool) -> timedelta:
    """How long a login lasts after its last use: days when remembered, else hours."""
    config = current_app.config
    if remember:
        return timedelta(days=float(config["REMEMBER_DAYS"]))
    return timedelta(hours=float(config["LOGIN_IDLE_HOURS"]))


def _attach(user: User, login: Login, token: str) -> User:
    """Remember on the user object which login it came through (for get_id and the views)."""
    user.current_login = login
    user.login_token = token
    return user


def start_login(user: User, remember: bool, user_agent: str | None = None) -> User:
    """Create a login for the user; the returned user carries its token for Flask-Login."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    login = Login(
        user_id=user.id,
        token_hash=_digest(token),
        device=device_of(user_agent),
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime(remember),
    )
    db.session.add(login)
    db.session.flush()
    return _attach(user, login, token)


def user_for_login_token(token: str) -> User | None:
    """The active user of a login that is neither revoked nor expired, else None."""
    if not token:
        return None
    row = db.session.execute(_with_user(), {"digest": _digest(token)}).first()
    if row is None:
        return None
    login, user = row
    if not _valid(login.revoked_at, login.expires_at, user.active):
        return None
    return _attach(user, login, token)


def _valid(revoked_at: datetime | None, expires_at: datetime, active: bool) -> bool:
    """Whether a login still works: not revoked, not expired, its user not deactivated."""
    return revoked_at is None and expires_at > utcnow() and active


class LoginUser(NamedTuple):
    """Who a login speaks for: the user's id and chosen language, and whether the server
    ended a session of theirs lately (review/forgotten.py, closed_lately)."""

    id: int
    locale: str | None
    closed_lately: bool


def user_of_login(token: str) -> LoginUser | None:
    """The user of a valid login by the token in the session cookie, as user_for_login_token
    decides, without loading the login or the user; pushed forward as `touch` does.

    A phone syncs through its session cookie (sync.js), and its sync needs only the user's
    id and language: the login and the user loaded as ORM objects cost a sync 0.7 ms more
    than a personal API token's row (bench/load.py --auth, server CPU per sync).
    """
    if not token:
        return None
    connection = core_sql.connection()
    params = {"digest": _digest(token), "closed_since": closed_since()}
    row = connection.execute(_login_row(), params).first()
    if row is None:
        return None
    (login_id, revoked_at, expires_at, last_seen_at, remember,
     user_id, locale, active, closed) = row  # fmt: skip
    if not _valid(revoked_at, expires_at, active):
        return None
    now = utcnow()
    expires_at = _pushed(last_seen_at, remember, now)
    if expires_at is not None:
        moved = {"login_id": login_id, "now": now, "expires_at": expires_at}
        connection.execute(_touch_row(), moved)
        db.session.commit()
        if remember:
            # Flask-Login sends the remember cookie again with its full duration.
            session["_remember"] = "set"
    return LoginUser(user_id, locale, closed)


@cache
def _login_row():
    """SQL: the login with the token hash :digest, what decides whether it works, and its
    user's id, language and activity, and whether the server ended a session of the user
    since :closed_since."""
    return (
        select(
            Login.id,
            Login.revoked_at,
            Login.expires_at,
            Login.last_seen_at,
            Login.remember,
            User.id,
            User.locale,
            User.active,
            closed_lately(User.id),
        )
        .join(User, User.id == Login.user_id)
        .where(Login.token_hash == bindparam("digest"))
    )


@cache
def _touch_row():
    """SQL: push the login :login_id forward to :now, until :expires_at."""
    return (
        update(Login.__table__)
        .where(Login.__table__.c.id == bindparam("login_id"))
        .values(last_seen_at=bindparam("now"), expires_at=bindparam("expires_at"))
    )


@cache
def _with_user():
    """ORM: the login with the token hash :digest and its user, in one statement built once.

    Every request of a logged-in browser or phone asks this. Loading the login and then its
    user took two statements, and building the first anew each time cost as much as running
    it: together a fifth of a phone's sync (measured in one process, SQLite)."""
    return (
        select(Login, User)
        .join(User, User.id == Login.user_id)
        .where(Login.token_hash == bindparam("digest"))
    )


def touch(login: Login) -> bool:
    """Push a login in use forward, at most every TOUCH_EVERY; tell whether it was written."""
    now = utcnow()
    expires_at = _pushed(login.last_seen_at, login.remember, now)
    if expires_at is None:
        return False
    login.last_seen_at = now
    login.expires_at = expires_at
    return True


def _pushed(last_seen_at: datetime, remember: bool, now: datetime) -> datetime | None:
    """The new end of a login last seen at `last_seen_at` and in use `now`, or None when it
    was pushed forward less than TOUCH_EVERY ago (requests do not all write)."""
    if now - last_seen_at < TOUCH_EVERY:
        return None
    return now + lifetime(remember)


def end_login(login: Login | None) -> None:
    """Revoke one login (logging out on this device)."""
    if login is not None and login.revoked_at is None:
        login.revoked_at = utcnow()


def end_all_logins(user: User) -> int:
    """Revoke every login of the user (all devices); return how many were ended."""
    result = db.session.execute(
        update(Login)
        .where(Login.user_id == user.id, Login.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def active_logins(user: User, now: datetime | None = None) -> list[Login]:
    """The user's logins that still work, most recently used first."""
    return list(
        db.session.scalars(
            select(Login)
            .where(
                Login.user_id == user.id,
                Login.revoked_at.is_(None),
                Login.expires_at > (now or utcnow()),
            )
            .order_by(Login.last_seen_at.desc(), Login.id.desc())
        )
    )
