"""Backup and restore of a whole installation: the database and its export files.

`flask --app app backup --out FILE` (cli_backup.py) snapshots the live database with the
engine's own tool (SQLite's online backup API, `pg_dump` for PostgreSQL) into one archive
together with the export files its export index names (archive.py); `flask --app app restore
FILE` brings the archive back into an empty database of the same kind.
"""

from .create import Written, make_backup
from .manifest import BackupError, Manifest, kind_label
from .restore import Restored, restore_backup

__all__ = [
    "BackupError",
    "Manifest",
    "Restored",
    "Written",
    "kind_label",
    "make_backup",
    "restore_backup",
]
