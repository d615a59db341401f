"""Configuration: safe laptop defaults, then instance/config.py, then the environment."""

import os
from pathlib import Path

from . import limit_storage, sqlite_writes


def defaults(instance_path: str) -> dict:
    """Return the defaults every installation starts from."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(instance_path) / "terloops.db"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        # A form left open for hours in the field must still submit.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "LOGIN_LIMITS": "10 per minute;50 per hour",
        "LOGIN_USER_LIMITS": "20 per hour",
        # Failures of the current password on the change-password form, per user.
        "PASSWORD_CHANGE_LIMITS": "5 per 15 minutes",
        # Requests to /api/v1 per token, logged-in browser or address (api/limits.py): a
        # phone sends a batch every second or so while its fieldworker taps, a script pages
        # through the read API; neither comes near this.
        "API_LIMITS": "600 per minute",
        # A login with "stay logged in" lasts this many days after it was last used; the
        # remember cookie lasts as long (REMEMBER_COOKIE_DURATION is derived from it).
        "REMEMBER_DAYS": 30,
        # A login without "stay logged in" ends after this many hours without use.
        "LOGIN_IDLE_HOURS": 12,
        "PROXY_FIX_X_FOR": 0,
        # Werkzeug's strong default; the tests choose a cheap one to stay fast.
        "PASSWORD_HASH_METHOD": "scrypt",
        # A sync request carries at most this many bytes (and MAX_BATCH records).
        "SYNC_MAX_BYTES": 2 * 1024 * 1024,
        # Compress text answers, including scripts and the web app manifest.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        # Exports estimated at more rows than this run in the background with a progress bar.
        "EXPORT_INLINE_ROWS": 50_000,
        # Export files are deleted this many days after they were made.
        "EXPORT_KEEP_DAYS": 30,
        # Where export files are kept (TERLOOPS_EXPORT_DIR): a folder every app instance and
        # worker sees, e.g. a shared volume; None is instance/exports.
        "EXPORT_DIR": None,
        # A running export whose heartbeat is older than this was cut off (its worker died):
        # the reaper queues it again once, then marks it failed (tasks/reaper.py).
        "EXPORT_STALE_SECONDS": 300,
        # PLDP tables of more rows than this are imported in the background (the import
        # page follows their progress); smaller ones at once.
        "IMPORT_INLINE_ROWS": 5_000,
        # The import page takes files (table and locations file together) up to this size.
        "IMPORT_MAX_BYTES": 16 * 1024 * 1024,
        # A running import whose heartbeat is older than this was cut off (as for exports).
        "IMPORT_STALE_SECONDS": 300,
        # Largest request at all, e.g. a queue file a coordinator uploads.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # The read API's paged tables show a record this many seconds after it was received,
        # so that a sync still committing never ends up behind a client's cursor
        # (export/keyset.py); TERLOOPS_API_SETTLE_SECONDS changes it.
        "API_SETTLE_SECONDS": 5,
        # Close sessions their fieldworkers forgot to end, as a periodic task of the queue;
        # TERLOOPS_CLOSE_FORGOTTEN=false leaves it to cron and `flask close-forgotten`.
        "CLOSE_FORGOTTEN": True,
        # The task queue (observations/tasks). Without REDIS_URL it is a SQLite file
        # (QUEUE_PATH, default instance/queue.db) that each web process works in a thread of
        # its own; with TERLOOPS_REDIS_URL it lives in Redis and only `flask --app app worker`
        # works it. REDIS_URL is also where login and API limits are counted, unless
        # TERLOOPS_RATELIMIT_STORAGE_URI names another place (see `derived`).
        "REDIS_URL": None,
        "QUEUE_PATH": None,
        "QUEUE_NAME": "terloops",
        # Whether web processes work the queue themselves; None: when there is no REDIS_URL.
        "QUEUE_IN_WEB": None,
        # Run tasks at once in the caller instead of queueing them; None: in tests (TESTING).
        "QUEUE_IMMEDIATE": None,
    }


def derived(config: dict) -> None:
    """Fill in the settings that follow from others, once every source has been read.

    One TERLOOPS_REDIS_URL configures everything that needs Redis: the login and API limits
    are counted there unless a RATELIMIT_STORAGE_URI of their own was given. Without Redis
    they are counted in process memory (limit_storage.py: memory:// without its thread).
    """
    if not config.get("RATELIMIT_STORAGE_URI"):
        in_memory = f"{limit_storage.SCHEME}://"
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or in_memory
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        # SQLite's writers queue for their turn instead of sleeping on its lock; a file
        # that is opened cannot drop its connection, so nothing is pinged before each use.
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}) | {"pool_pre_ping": False}
        # A batch's INSERT … RETURNING has one text per number of rows: room for them all
        # beside the other statements (the driver keeps 128 by default; 1,500 syncs of
        # bench/load.py's mix used about 100).
        options["connect_args"] = {
            "factory": sqlite_writes.Connection,
            "cached_statements": 1024,
        } | dict(options.get("connect_args") or {})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def normalise_database_url(url: str) -> str:
    """Map the common postgres:// spellings onto the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment() -> dict:
    """Read the documented environment variables that have no TERLOOPS_ prefix."""
    config = {}
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("TERLOOPS_DEFAULT_LOCALE"):
        config["BABEL_DEFAULT_LOCALE"] = os.environ["TERLOOPS_DEFAULT_LOCALE"]
    if os.environ.get("SESSION_COOKIE_SECURE"):
        secure = os.environ["SESSION_COOKIE_SECURE"].lower() in ("1", "true", "yes")
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = secure
    return config
