"""The admin's work on accounts: find them, create them with a link, change roles, deactivate.

Each change records exactly one audit event with its old and new values; the views and the
`add-member` command share these services.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from . import accounts, audit, logins, password_links
from .extensions import db
from .models import ROLE_VALUES, Membership, PasswordLink, Study, User
from .validation import Invalid

STATUSES = ("all", "active", "deactivated")


@dataclass
class NewLink:
    """A one-time link just made: its token (shown this once) and when it expires."""

    user: User
    token: str
    expires_at: datetime


def find_users(search: str = "", status: str = "all") -> list[User]:
    """Accounts whose username or name contains the text, active or deactivated or all."""
    query = select(User).options(selectinload(User.memberships).selectinload(Membership.study))
    search = (search or "").strip()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                User.username.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    if status in ("active", "deactivated"):
        query = query.where(User.active.is_(status == "active"))
    return list(db.session.scalars(query.order_by(User.username)))


def _link(user: User, purpose: str, actor: User | None) -> NewLink:
    """Issue a link for the user and return it with its expiry."""
    token = password_links.issue(user, purpose, actor=actor)
    expires = db.session.scalar(
        select(PasswordLink.expires_at).filter_by(user_id=user.id).order_by(PasswordLink.id.desc())
    )
    return NewLink(user, token, expires)


def create_account(
    username: str,
    display_name: str = "",
    is_admin: bool = False,
    study: Study | None = None,
    role: str | None = None,
    actor: User | None = None,
) -> NewLink:
    """Create an invited account, optionally with a role in a study, and its one-time link."""
    if (study is None) != (not role):
        raise Invalid.single("role", _("Choose a study and a role together."))
    user = accounts.create_invited_user(username, display_name, actor=actor, is_admin=is_admin)
    if study is not None:
        accounts.add_member(study, user, role, actor=actor)
    return _link(user, "invite", actor)


def reset_password(user: User, actor: User | None = None) -> NewLink:
    """A new link to set the password; older links of the user stop working."""
    return _link(user, "reset", actor)


def _refuse_self(user: User, actor: User | None, message: str) -> None:
    """Stop an admin from locking themselves out."""
    if actor is not None and actor.id == user.id:
        raise Invalid.single("account", message)


def deactivate_user(user: User, actor: User | None = None) -> None:
    """Deactivate an account: every login ends and its API tokens stop working."""
    _refuse_self(user, actor, _("You cannot deactivate your own account."))
    if not user.active:
        return
    user.active = False
    logins.end_all_logins(user)
    audit.record("update", "user", user.id, {"active": [True, False]}, actor=actor)


def reactivate_user(user: User, actor: User | None = None) -> None:
    """Let a deactivated account log in again (with its old password or a new link)."""
    if user.active:
        return
    user.active = True
    audit.record("update", "user", user.id, {"active": [False, True]}, actor=actor)


def set_admin(user: User, is_admin: bool, actor: User | None = None) -> None:
    """Give or take the installation-admin flag (never one's own)."""
    if not is_admin:
        _refuse_self(user, actor, _("You cannot remove your own admin rights."))
    if user.is_admin == is_admin:
        return
    audit.record("update", "user", user.id, {"is_admin": [user.is_admin, is_admin]}, actor=actor)
    user.is_admin = is_admin


def change_role(membership: Membership, role: str, actor: User | None = None) -> bool:
    """Give a member another role in the same study (one role per study); False when it is
    the same. The team page (team.change_role) adds that nobody changes their own."""
    if role not in ROLE_VALUES:
        raise Invalid.single("role", _("Unknown role: %(role)s.", role=role))
    if membership.role == role:
        return False
    audit.record(
        "update",
        "membership",
        membership.id,
        {"role": [membership.role, role]},
        actor=actor,
        study_id=membership.study_id,
    )
    membership.role = role
    return True


def add_to_study(user: User, study: Study, role: str, actor: User | None = None) -> Membership:
    """Add an existing account to a study with a role, with a message naming the study if
    the account is a member already."""
    if db.session.scalar(select(Membership.id).filter_by(study_id=study.id, user_id=user.id)):
        raise Invalid.single(
            "study",
            _(
                "%(name)s is already a member of %(study)s; change the role there instead.",
                name=user.username,
                study=study.name,
            ),
        )
    return accounts.add_member(study, user, role, actor=actor)
