"""Alembic environment: runs migrations against the Flask app's database."""

import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name:
    # Keep loggers that exist already (the app's, pytest's) working.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option(
    "sqlalchemy.url",
    engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


def render_item(type_, obj, autogen_context):
    """Render our UTCDateTime column type as the plain timezone-aware DateTime it stores."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""

    def skip_empty(context_, revision, directives):
        """Write no revision file when autogenerate found nothing to change."""
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty)
    options.setdefault("compare_type", True)
    options.setdefault("render_item", render_item)
    with engine.connect() as connection, _sqlite_foreign_keys_off(connection):
        context.configure(connection=connection, target_metadata=target_db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


@contextmanager
def _sqlite_foreign_keys_off(connection):
    """On SQLite, check foreign keys after the migrations instead of during them.

    A batch operation copies a table, drops the original and renames the copy. With foreign
    keys on, dropping a table that other tables' rows point at fails (sessions, with its
    scans and encounters), so a migration that batch-alters it could not run on real data.
    SQLite's own advice for such changes: foreign keys off, and `foreign_key_check` at the
    end, which refuses to finish if a migration left a dangling reference.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    # The pragma is a no-op inside a transaction: end the one SQLAlchemy began.
    connection.commit()
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
        dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise RuntimeError(f"the migration left dangling foreign keys: {dangling[:5]}")
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
