"""Accounts: users and their role per study."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    """A user's role within one study."""

    COORDINATOR = "coordinator"
    LEAD = "lead"
    FIELDWORKER = "fieldworker"


ROLE_VALUES = tuple(role.value for role in Role)


class User(UserMixin, db.Model):
    """A person who logs in. Admins manage the installation; everyone else acts per study."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True, info={"required": True})
    display_name: Mapped[str] = mapped_column(sa.String(120), default="", info={"required": True})
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")

    # The login (one signed-in device) and its plain token this object was loaded through;
    # set by observations/logins.py, never stored on the user.
    current_login = None
    login_token = None
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        """Users are the same when they are the same row (UserMixin would compare get_id())."""
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        """The opposite of __eq__."""
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def get_id(self) -> str:
        """Flask-Login's id: the login's random token, never the user id, so it can be revoked."""
        if self.login_token is None:
            raise LookupError("this user was not loaded through a login (see logins.py)")
        return self.login_token

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password itself."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in (Flask-Login reads this)."""
        return self.active

    @property
    def name(self) -> str:
        """What the interface calls this user."""
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(db.Model):
    """A user's role in a study, with the pseudonymous observer code exports show."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "user_id"),
        sa.UniqueConstraint("study_id", "observer_code"),
        sa.CheckConstraint("role IN ('coordinator', 'lead', 'fieldworker')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    observer_code: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # SHA-256 of the secret in the member's private calendar address (None: no feed).
    calendar_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    study: Mapped["Study"] = relationship(back_populates="memberships")  # noqa: F821
    availability: Mapped[list["Availability"]] = relationship(  # noqa: F821
        back_populates="membership",
        order_by="(Availability.weekday, Availability.starts)",
        cascade="all, delete-orphan",
    )
    absences: Mapped[list["Absence"]] = relationship(  # noqa: F821
        back_populates="membership", order_by="Absence.first_day", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Membership {self.user_id}@{self.study_id} {self.role}>"


class Login(db.Model):
    """One signed-in browser or phone. Its random token is what the session and the
    "stay logged in" cookie carry (Flask-Login's alternative id); only its SHA-256 is stored.

    Logging out revokes this login; a password change, deactivation or "log out everywhere"
    revokes the others too, so a copied cookie stops working.
    """

    __tablename__ = "logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # A coarse description such as "Chrome · Android", so people recognise their devices.
    device: Mapped[str] = mapped_column(sa.String(80), default="")
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


PASSWORD_LINK_PURPOSES = ("invite", "reset")


class PasswordLink(db.Model):
    """A one-time link to set a password: for a new account (invite) or a reset.

    Only the token's SHA-256 is stored; the link works once and expires.
    """

    __tablename__ = "password_links"
    __table_args__ = (sa.CheckConstraint("purpose IN ('invite', 'reset')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(10))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 hash is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80), info={"required": True})
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        """A token works until it is revoked."""
        return self.revoked_at is None
