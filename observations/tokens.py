"""Personal API tokens: created once, stored only as a hash, revocable."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, select

from . import audit, text
from .extensions import db
from .models import ApiToken, User, utcnow

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


def user_for_token(plain: str) -> User | None:
    """The active user a bearer token belongs to, if the token is valid and not revoked."""
    if not plain.startswith(PREFIX):
        return None
    # Every API request asks this: one query, built once, loads the user with the token.
    row = db.session.execute(_lookup(), {"digest": _digest(plain)}).first()
    if row is None:
        return None
    user, token_id, revoked_at, last_used_at = row
    if revoked_at is not None or not user.active:
        return None
    # Written at most once a minute: a phone syncing every few seconds would otherwise make
    # every request a write (and, on SQLite, wait for the write lock twice). The caller
    # commits what is dirty.
    now = utcnow()
    if last_used_at is None or now - last_used_at >= LAST_USED_STEP:
        db.session.get(ApiToken, token_id).last_used_at = now
    return user


@cache
def _lookup():
    """SQL: the user, token id, revocation and last use of the token with hash :digest."""
    return (
        select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == bindparam("digest"))
    )


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc())
        )
    )
