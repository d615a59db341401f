"""Slowing down password guessing without letting a stranger lock anyone out.

Failures are counted with the `limits` library in the storage RATELIMIT_STORAGE_URI names
(terloops-memory:// and memory:// count per process; redis:// is shared by every worker and
instance):
- per address, for any username (LOGIN_LIMITS): beyond it the address waits;
- per username, over all addresses (LOGIN_USER_LIMITS): beyond it only the addresses that
  failed for that username themselves wait, so the fieldworker on their own phone still logs in;
- per user, the current password on the change-password form (PASSWORD_CHANGE_LIMITS).
Successful logins never count. IPv6 addresses count per /64, which one household or attacker has.
"""

import ipaddress
import math
import time

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from .. import limit_storage

EXTENSION = "login_throttle"
# Storages that count in this process alone.
IN_MEMORY = ("memory://", f"{limit_storage.SCHEME}://")


def init_app(app: Flask) -> None:
    """Open the counting storage once per app, and say so when it is per process."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    storage = storage_from_string(uri, **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
    app.extensions[EXTENSION] = MovingWindowRateLimiter(storage)
    if uri.startswith(IN_MEMORY) and not (app.debug or app.testing):
        app.logger.warning(
            "Login attempts are counted in process memory: every worker process counts on its "
            "own. Run one worker, or set TERLOOPS_REDIS_URL=redis://… (or "
            "TERLOOPS_RATELIMIT_STORAGE_URI) (README, Production)."
        )


def _limiter() -> RateLimiter:
    """The app's rate limiter over its counting storage."""
    return current_app.extensions[EXTENSION]


def _limits(setting: str) -> list[RateLimitItem]:
    """The limits a setting names, e.g. "10 per minute;50 per hour"."""
    return parse_many(current_app.config[setting])


def _key(*parts: str) -> tuple[str, ...]:
    """The identifiers of a counter, behind the installation's key prefix if it has one."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return (prefix, *parts) if prefix else parts


def address_key(address: str | None) -> str:
    """Who is counted: an IPv4 address, or the /64 network of an IPv6 address."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _wait(item: RateLimitItem, key: tuple[str, ...]) -> int:
    """Whole seconds until the counter allows one more attempt (at least 1)."""
    reset_time = _limiter().get_window_stats(item, *key).reset_time
    return max(1, math.ceil(reset_time - time.time()))


def _failed_within(item: RateLimitItem, key: tuple[str, ...]) -> bool:
    """Tell whether this counter holds a failure within the item's window."""
    return _limiter().get_window_stats(item, *key).remaining < item.amount


def login_wait(username: str, address: str | None) -> int:
    """Seconds this address must wait before trying this username again; 0: go ahead."""
    limiter, network = _limiter(), address_key(address)
    waits = [
        _wait(item, _key("login-address", network))
        for item in _limits("LOGIN_LIMITS")
        if not limiter.test(item, *_key("login-address", network))
    ]
    for item in _limits("LOGIN_USER_LIMITS"):
        user_key = _key("login-user", username)
        if not limiter.test(item, *user_key) and _failed_within(
            item, _key("login-pair", username, network)
        ):
            waits.append(_wait(item, user_key))
    return max(waits, default=0)


def login_failed(username: str, address: str | None) -> None:
    """Count a failed login against the address, the username and the pair of both."""
    limiter, network = _limiter(), address_key(address)
    for item in _limits("LOGIN_LIMITS"):
        limiter.hit(item, *_key("login-address", network))
    for item in _limits("LOGIN_USER_LIMITS"):
        limiter.hit(item, *_key("login-user", username))
        limiter.hit(item, *_key("login-pair", username, network))


def password_change_wait(user_id: int) -> int:
    """Seconds the user must wait before the current password is checked again; 0: go ahead."""
    key = _key("password-change", str(user_id))
    return max(
        (
            _wait(item, key)
            for item in _limits("PASSWORD_CHANGE_LIMITS")
            if not _limiter().test(item, *key)
        ),
        default=0,
    )


def password_change_failed(user_id: int) -> None:
    """Count a wrong current password on the change-password form."""
    for item in _limits("PASSWORD_CHANGE_LIMITS"):
        _limiter().hit(item, *_key("password-change", str(user_id)))


def waiting_time(seconds: int) -> str:
    """A waiting time in words, rounded up: "40 seconds", "3 minutes", "2 hours"."""
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", math.ceil(minutes / 60))


def too_many_logins(seconds: int) -> str:
    """The message shown to an address that must wait before logging in again."""
    return _("Too many login attempts. Wait %(time)s and try again.", time=waiting_time(seconds))


def too_many_password_checks(seconds: int) -> str:
    """The message shown when the current password was wrong too often."""
    return _(
        "The current password was wrong too often. Wait %(time)s and try again.",
        time=waiting_time(seconds),
    )
