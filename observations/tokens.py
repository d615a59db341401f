"""Personal API tokens: created once, stored only as a hash, revocable."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, select, update

from . import audit, core_sql, text
from .extensions import db
from .models import ApiToken, User, utcnow
from .review.forgotten import closed_lately, closed_since

PREFIX = "tl_"
# How precisely a token's last use is kept (the token page shows it to the minute).
LAST_USED_STEP = timedelta(minutes=1)


def _digest(token: str) -> str:
    """The SHA-256 of a token; tokens are long and random, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the user; the plain token is returned this once only."""
    name = text.clean(name, text.rule_of(ApiToken.name), "name")
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.flush()
    audit.record("create", "api_token", token.id, {"name": [None, name]}, actor=user)
    return token, plain


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens."""
    token = db.session.scalar(select(ApiToken).filter_by(id=token_id, user_id=user.id))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("revoke", "api_token", token.id, actor=user)
    return token


class TokenUser(NamedTuple):
    """Who a valid token speaks for: the user's id and chosen language, and whether the
    server ended a session of theirs lately (review/forgotten.py, closed_lately)."""

    id: int
    locale: str | None
    closed_lately: bool


def user_for_token(plain: str) -> TokenUser | None:
    """The active user a bearer token belongs to, if the token is valid and not revoked.

    Every API request asks this, so it reads the columns it needs, not the User entity:
    loading the entity through the ORM cost 320 µs a request against 80 µs for the row
    (measured, SQLite), and a phone's sync needs only the user's id and the language of its
    messages. A route that needs more loads the user (api/auth.py).
    """
    if not plain.startswith(PREFIX):
        return None
    connection = core_sql.connection()
    params = {"digest": _digest(plain), "closed_since": closed_since()}
    row = connection.execute(_lookup(), params).first()
    if row is None:
        return None
    user_id, locale, active, token_id, revoked_at, last_used_at, closed = row
    if revoked_at is not None or not active:
        return None
    # Written at most once a minute: a phone syncing every few seconds would otherwise make
    # every request a write (and, on SQLite, wait for the write lock twice). Committed at
    # once: the request's own transaction starts afresh.
    now = utcnow()
    if last_used_at is None or now - last_used_at >= LAST_USED_STEP:
        connection.execute(_touch(), {"token_id": token_id, "now": now})
        db.session.commit()
    return TokenUser(user_id, locale, closed)


@cache
def _lookup():
    """SQL: the user's id, language and activity, token id, revocation and last use of the
    token with hash :digest, and whether the server ended a session of the user since
    :closed_since."""
    return (
        select(
            User.id,
            User.locale,
            User.active,
            ApiToken.id,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
            closed_lately(User.id),
        )
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == bindparam("digest"))
    )


@cache
def _touch():
    """SQL: note that token :token_id was used at :now."""
    return (
        update(ApiToken)
        .where(ApiToken.id == bindparam("token_id"))
        .values(last_used_at=bindparam("now"))
    )


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc())
        )
    )
