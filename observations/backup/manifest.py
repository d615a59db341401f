"""What a backup holds, written as the first member of the archive, and how to read a database.

The manifest names the kind of database, its Alembic revision, the rows of every table as the
snapshot saw them and the export files that came along. `restore` checks it before touching
anything and compares the restored rows with it afterwards.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

FORMAT = "terloops-backup"
VERSION = 1
MANIFEST = "terloops-backup.json"
KINDS = ("sqlite", "postgresql")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the user's language."""


def kind_of(url: sa.engine.URL) -> str:
    """The kind of database behind a URL, or a clear refusal for one we cannot back up."""
    backend = url.get_backend_name()
    if backend not in KINDS:
        raise BackupError(
            _(
                "Backup and restore support SQLite and PostgreSQL databases, not %(scheme)s.",
                scheme=url.drivername,
            )
        )
    return backend


def kind_label(kind: str) -> str:
    """A database kind as people write it."""
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(kind, kind)


@dataclass
class Manifest:
    """The description of one backup."""

    database: str
    revision: str | None
    tables: dict[str, int]
    export_files: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    format: str = FORMAT
    version: int = VERSION

    @property
    def rows(self) -> int:
        """Rows in all tables together (Alembic's own table left out)."""
        return sum(n for name, n in self.tables.items() if name != "alembic_version")

    def to_bytes(self) -> bytes:
        """The manifest as the archive stores it."""
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "Manifest":
        """Read a manifest; anything else is not a Terloops backup (ValueError)."""
        values = json.loads(data.decode("utf-8"))
        if not isinstance(values, dict) or values.get("format") != FORMAT:
            raise ValueError("not a Terloops manifest")
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


def inventory(connection: sa.Connection) -> tuple[str | None, dict[str, int], list[tuple]]:
    """The revision, the rows per table and the finished exports (id, file name) a connection
    sees; inside one transaction, that of its snapshot."""
    names = sorted(sa.inspect(connection).get_table_names())
    tables = {
        name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
        for name in names
    }
    revision = None
    if "alembic_version" in names:
        revision = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    exports = []
    if "export_jobs" in names:
        jobs = sa.table("export_jobs", sa.column("id"), sa.column("file_name"), sa.column("status"))
        exports = [
            tuple(row)
            for row in connection.execute(
                sa.select(jobs.c.id, jobs.c.file_name)
                .where(jobs.c.status == "done")
                .order_by(jobs.c.id)
            )
        ]
    return revision, tables, exports
