"""Restore a backup into an empty database of the same kind.

"Empty" means: no table holds a row, and every table is one of Terloops' own. A database
just created by `flask db upgrade` (tables, no rows) is empty in this sense; its tables are
dropped before the restore. A database with even one row, or with tables of some other
application, is refused: a restore never overwrites data.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..export.jobs import export_dir
from ..extensions import db
from . import archive, postgres, sqlite
from .manifest import VERSION, BackupError, Manifest, inventory, kind_label, kind_of

VERSION_TABLE = "alembic_version"


@dataclass
class Restored:
    """What `restore_backup` brought back."""

    manifest: Manifest
    export_files: list[str]
    export_folder: Path
    # "current", "behind" (run `flask db upgrade`) or "unknown" (a newer Terloops made it).
    revision_state: str
    head: str | None


def refusal(connection: sa.Connection) -> str | None:
    """Why the database is not empty enough to restore into, or None."""
    names = set(sa.inspect(connection).get_table_names())
    foreign = sorted(names - set(db.metadata.tables) - {VERSION_TABLE})
    if foreign:
        return _(
            "The database holds tables Terloops does not know: %(tables)s. Restore into a "
            "database of its own.",
            tables=", ".join(foreign),
        )
    filled = {}
    for name in sorted(names - {VERSION_TABLE}):
        rows = connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
        if rows:
            filled[name] = rows
    if filled:
        return _(
            "The database is not empty (%(tables)s). A restore only goes into an empty "
            "database: create a new one (or move this one's file away) and run the command "
            "again.",
            tables=_some(filled),
        )
    return None


def _some(filled: dict[str, int], shown: int = 4) -> str:
    """The tables that hold rows, the ones people know first, and how many more there are."""
    first = ("studies", "users", "sessions")
    names = sorted(
        filled,
        key=lambda name: (name not in first, first.index(name) if name in first else 0, name),
    )
    listed = ", ".join(f"{name}: {filled[name]}" for name in names[:shown])
    more = len(names) - shown
    if more > 0:
        listed += " " + ngettext("and %(num)d more table", "and %(num)d more tables", more)
    return listed


def _drop_empty_tables(engine: sa.Engine) -> None:
    """Drop the tables of an empty schema, so the dump can create them again.

    The tables are locked and looked at once more first: a row written since the first look
    (an app still running) stops the restore instead of going with the tables.
    """
    metadata = sa.MetaData()
    with engine.begin() as connection:
        metadata.reflect(connection)
        if metadata.tables:
            quote = connection.dialect.identifier_preparer.quote
            tables = ", ".join(quote(name) for name in metadata.tables)
            connection.execute(sa.text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
        reason = refusal(connection)
        if reason:
            raise BackupError(reason)
        metadata.drop_all(connection)


def revision_state(revision: str | None) -> tuple[str, str | None]:
    """Where a revision stands against this code's migrations, and the head revision."""
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    if revision == head:
        return "current", head
    known = {item.revision for item in script.walk_revisions()}
    return ("behind" if revision in known else "unknown"), head


def _check(path: Path, kind: str) -> Manifest:
    """The backup's manifest, if it can go into this database at all."""
    manifest = archive.read_manifest(path)
    if manifest.version > VERSION:
        raise BackupError(
            _("%(path)s was made by a newer version of Terloops; update first.", path=str(path))
        )
    if manifest.database != kind:
        raise BackupError(
            _(
                "%(path)s holds a %(backup)s database, but the configured database is "
                "%(configured)s. A backup goes back into the same kind of database.",
                path=str(path),
                backup=kind_label(manifest.database),
                configured=kind_label(kind),
            )
        )
    return manifest


def restore_backup(path: Path) -> Restored:
    """Bring a backup back into the configured, empty database and the export folder."""
    engine = db.engine
    kind = kind_of(engine.url)
    manifest = _check(path, kind)
    db.session.remove()
    with engine.connect() as connection:
        reason = refusal(connection)
    if reason:
        raise BackupError(reason)
    exports = export_dir(current_app)
    if manifest.export_files and not os.access(exports, os.W_OK):
        raise BackupError(_("Cannot write to %(path)s.", path=str(exports)))
    with tempfile.TemporaryDirectory(prefix="terloops-restore-") as folder:
        database = archive.extract_database(path, manifest, Path(folder))
        engine.dispose()
        if kind == "sqlite":
            sqlite.load(database, engine.url)
        else:
            _drop_empty_tables(engine)
            postgres.load(database, engine)
        engine.dispose()
    with engine.connect() as connection:
        revision, tables, _exports = inventory(connection)
    if (revision, tables) != (manifest.revision, manifest.tables):
        differences = ", ".join(
            f"{name}: {manifest.tables.get(name)} → {tables.get(name)}"
            for name in sorted(set(tables) | set(manifest.tables))
            if tables.get(name) != manifest.tables.get(name)
        )
        raise BackupError(
            _(
                "The restored database differs from the backup's description: %(differences)s",
                differences=differences or f"{manifest.revision} → {revision}",
            )
        )
    restored = archive.extract_exports(path, exports)
    state, head = revision_state(revision)
    return Restored(manifest, restored, exports, state, head)
