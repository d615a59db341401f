"""PostgreSQL: `pg_dump` of one exported snapshot, and `pg_restore` into an empty database.

The backup opens a REPEATABLE READ transaction, exports its snapshot and hands it to
`pg_dump --snapshot`, so the dump, the row counts and the export index in the manifest all
see the same moment while the app goes on writing.
"""

import os
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .manifest import BackupError, inventory


def _program(name: str) -> str:
    """The path of pg_dump or pg_restore (TERLOOPS_PG_DUMP / TERLOOPS_PG_RESTORE), or a refusal."""
    setting = name.upper()
    configured = current_app.config.get(setting)
    found = shutil.which(configured or name)
    if found is None:
        raise BackupError(
            _(
                "%(program)s was not found. Install the PostgreSQL client programs (e.g. "
                "apt install postgresql-client) or set TERLOOPS_%(setting)s to its path.",
                program=configured or name,
                setting=setting,
            )
        )
    return found


def _run(program: str, arguments: list[str], url: sa.engine.URL) -> None:
    """Run a PostgreSQL client program against the URL's database; stop on any failure.

    Host, port, user, database and options go in a libpq URI; the password goes in the
    environment, where `ps` does not show it.
    """
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [_program(program), *arguments, "--no-password", f"--dbname={conninfo}"]
    try:
        finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(
            _("%(program)s could not run: %(reason)s", program=program, reason=error)
        ) from None
    if finished.returncode != 0:
        reason = finished.stderr.strip()[-2000:] or f"exit code {finished.returncode}"
        raise BackupError(_("%(program)s failed: %(reason)s", program=program, reason=reason))


def snapshot(engine: sa.Engine, target: Path) -> tuple:
    """Dump the database as one snapshot into `target` (custom format); return what it holds."""
    repeatable = engine.execution_options(isolation_level="REPEATABLE READ")
    with repeatable.connect() as connection, connection.begin():
        # The first statement fixes the transaction's snapshot; pg_dump joins it.
        name = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
        held = inventory(connection)
        dump = ["--format=custom", f"--file={target}", f"--snapshot={name}"]
        _run("pg_dump", dump, engine.url)
    return held


def load(source: Path, engine: sa.Engine) -> None:
    """Restore a custom-format dump into the (empty) database, all or nothing.

    Objects are owned by the user the app connects as, whoever owned them before.
    """
    _run(
        "pg_restore",
        ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", str(source)],
        engine.url,
    )
