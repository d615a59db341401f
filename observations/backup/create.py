"""Make a backup of the configured database while the app goes on working."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from flask_babel import gettext as _

from ..export.jobs import file_of
from ..extensions import db
from . import archive, postgres, sqlite
from .manifest import BackupError, Manifest, kind_of


@dataclass
class Written:
    """What `make_backup` wrote."""

    manifest: Manifest
    size: int
    # Finished exports whose file was gone (expired or deleted) when the backup was made.
    missing_exports: list[str]


def _export_files(exports: list[tuple]) -> list[Path]:
    """The files of the finished exports the snapshot lists, where the app keeps them."""
    return [file_of(SimpleNamespace(id=job_id, file_name=name)) for job_id, name in exports]


def make_backup(out: Path, with_exports: bool = True, overwrite: bool = False) -> Written:
    """Snapshot the database (and its export files) into the archive `out`.

    The archive is written next to `out` and renamed into place, so a failed backup never
    leaves half a file under the chosen name; it is readable by its owner only, as it holds
    accounts and password hashes.
    """
    engine = db.engine
    kind = kind_of(engine.url)
    if out.is_dir():
        raise BackupError(_("%(path)s is a folder; give a file name.", path=str(out)))
    if out.exists() and not overwrite:
        raise BackupError(
            _(
                "%(path)s exists already. Choose another name, or add --overwrite.",
                path=str(out),
            )
        )
    if not out.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.", path=str(out.parent)))
    try:
        work = tempfile.TemporaryDirectory(dir=out.parent, prefix=".terloops-backup-")
    except OSError as error:
        raise BackupError(
            _("Cannot write to %(path)s: %(reason)s", path=str(out.parent), reason=error.strerror)
        ) from None
    db.session.remove()
    with work as folder:
        database = Path(folder) / archive.DATABASE[kind]
        if kind == "sqlite":
            revision, tables, exports = sqlite.snapshot(engine.url, database)
        else:
            revision, tables, exports = postgres.snapshot(engine, database)
        wanted = _export_files(exports) if with_exports else []
        present = [file for file in wanted if file.is_file()]
        manifest = Manifest(kind, revision, tables, [file.name for file in present])
        partial = Path(folder) / "backup.part"
        try:
            included = archive.write(partial, manifest, database, present)
            partial.chmod(0o600)
            os.replace(partial, out)
        except OSError as error:
            raise BackupError(
                _("Cannot write %(path)s: %(reason)s", path=str(out), reason=error.strerror)
            ) from None
    missing = [file.name for file in wanted if file.name not in included]
    return Written(manifest, out.stat().st_size, missing)
