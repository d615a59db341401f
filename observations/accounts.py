"""Accounts: creating users, checking passwords, adding members to studies."""

import re
import secrets
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit, text
from .extensions import db
from .models import ROLE_VALUES, Membership, Study, User, utcnow
from .validation import Invalid, collect

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


@cache
def _dummy_hash() -> str:
    """Compared against when the username is unknown, so a miss takes as long as a hit.

    Made on first use: scrypt briefly takes 32 MB, which no process should pay at import.
    """
    return generate_password_hash("terloops-timing-equaliser")


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: store and compare them in lower case."""
    return (username or "").strip().lower()


def username_problems(username: str) -> list[str]:
    """Return what is wrong with a username, in the user's language."""
    if not USERNAME_PATTERN.match(username):
        return [
            _(
                "A username has 3 to 64 characters: lower-case letters, digits, dots, "
                "hyphens or underscores, starting with a letter or digit."
            )
        ]
    if db.session.scalar(select(User.id).filter_by(username=username)) is not None:
        return [_("The username %(name)s is already taken.", name=username)]
    return []


def password_problems(password: str, username: str = "") -> list[str]:
    """Return what is wrong with a new password, in the user's language."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [_("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_("A password has at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)]
    if username and password.lower() == username.lower():
        return [_("The password may not be the same as the username.")]
    return []


def create_user(
    username: str,
    password: str,
    display_name: str = "",
    is_admin: bool = False,
    actor: User | None = None,
) -> User:
    """Create an account, or raise Invalid with a message per field.

    Without a display name the account is shown by its username.
    """
    username = normalise_username(username)
    display_name = (display_name or "").strip()
    collect(
        {
            "username": username_problems(username),
            "password": password_problems(password, username),
            "display_name": display_name
            and text.problems(display_name, text.rule_of(User.display_name)),
        }
    )
    user = User(username=username, display_name=display_name or username, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "create",
        "user",
        user.id,
        {"username": [None, username], "is_admin": [None, is_admin]},
        actor=actor,
    )
    return user


def create_invited_user(
    username: str, display_name: str = "", actor: User | None = None, is_admin: bool = False
) -> User:
    """Create an account without a password: its owner sets one through a one-time link
    (password_links.issue(user, "invite")). Raise Invalid with a message per field."""
    username = normalise_username(username)
    display_name = (display_name or "").strip()
    collect(
        {
            "username": username_problems(username),
            "display_name": display_name
            and text.problems(display_name, text.rule_of(User.display_name)),
        }
    )
    user = User(username=username, display_name=display_name or username, is_admin=is_admin)
    # Nobody knows this password: the account cannot log in before its link is used.
    user.set_password(secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    audit.record(
        "create",
        "user",
        user.id,
        {"username": [None, username], "is_admin": [None, is_admin], "invited": [None, True]},
        actor=actor,
    )
    return user


@dataclass
class LoginResult:
    """The outcome of a login attempt: the user, or why it failed."""

    user: User | None
    error: str | None
    # Why it failed, for the audit log: "unknown user", "wrong password" or "deactivated".
    reason: str | None = None


def authenticate(username: str, password: str) -> LoginResult:
    """Check a username and password; deactivated accounts are refused."""
    user = db.session.scalar(select(User).filter_by(username=normalise_username(username)))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return LoginResult(None, _("Unknown username or wrong password."), "unknown user")
    if not user.check_password(password or ""):
        return LoginResult(None, _("Unknown username or wrong password."), "wrong password")
    if not user.active:
        return LoginResult(
            None,
            _("This account has been deactivated. Ask your coordinator to reactivate it."),
            "deactivated",
        )
    user.last_login_at = utcnow()
    return LoginResult(user, None)


def next_observer_code(study: Study) -> str:
    """Return the next free pseudonymous observer code in the study: W01, W02, …"""
    count = db.session.scalar(
        select(func.count()).select_from(Membership).filter_by(study_id=study.id)
    )
    taken = set(db.session.scalars(select(Membership.observer_code).filter_by(study_id=study.id)))
    number = count + 1
    while f"W{number:02d}" in taken:
        number += 1
    return f"W{number:02d}"


def add_member(study: Study, user: User, role: str, actor: User | None = None) -> Membership:
    """Give a user a role in a study, with a fresh observer code."""
    if role not in ROLE_VALUES:
        raise Invalid.single("role", _("Unknown role: %(role)s.", role=role))
    if db.session.scalar(select(Membership).filter_by(study_id=study.id, user_id=user.id)):
        raise Invalid.single(
            "study",
            _("%(name)s is already a member of this study.", name=user.username),
        )
    membership = Membership(
        study=study, user=user, role=role, observer_code=next_observer_code(study)
    )
    db.session.add(membership)
    db.session.flush()
    audit.record(
        "create",
        "membership",
        membership.id,
        {"user": [None, user.username], "role": [None, role]},
        actor=actor,
        study_id=study.id,
    )
    return membership


def record_failed_login(username: str, reason: str) -> None:
    """Note a failed login in the audit log: the username as typed (cut), never the password."""
    audit.record(
        "login_failed", "user", normalise_username(username)[:64], {"reason": [None, reason]}
    )
