"""The backup file: a tar archive (gzip-compressed when its name ends in .gz or .tgz).

Members, in this order:
    terloops-backup.json     the manifest (manifest.py)
    database.sqlite3         a SQLite database file, or
    database.pgdump          a pg_dump custom-format dump
    exports/<file>           the export files the snapshot's export index names

`tar tf FILE` lists it and `tar xf FILE` unpacks it with ordinary tools.
"""

import io
import os
import shutil
import tarfile
import time
from pathlib import Path

from flask_babel import gettext as _

from .manifest import MANIFEST, BackupError, Manifest

DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
EXPORTS = "exports/"


def _info(name: str, size: int) -> tarfile.TarInfo:
    """A member owned by nobody in particular, readable by its owner only."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    return info


def write(path: Path, manifest: Manifest, database: Path, export_files: list[Path]) -> list[str]:
    """Write the archive; return the names of the export files that went in.

    An export file deleted in the meantime (it expired) is left out.
    """
    compressed = path.name.endswith((".gz", ".tgz"))
    included = []
    with tarfile.open(path, "w:gz" if compressed else "w", format=tarfile.PAX_FORMAT) as tar:
        data = manifest.to_bytes()
        tar.addfile(_info(MANIFEST, len(data)), io.BytesIO(data))
        with database.open("rb") as handle:
            tar.addfile(_info(DATABASE[manifest.database], database.stat().st_size), handle)
        for file in export_files:
            try:
                handle = file.open("rb")
            except FileNotFoundError:
                continue
            with handle:
                size = os.fstat(handle.fileno()).st_size
                tar.addfile(_info(EXPORTS + file.name, size), handle)
            included.append(file.name)
    return included


def _not_a_backup(path: Path) -> BackupError:
    return BackupError(
        _(
            "%(path)s is not a Terloops backup (one made with `flask --app app backup`).",
            path=str(path),
        )
    )


def _open(path: Path) -> tarfile.TarFile:
    """Open a backup for reading, or refuse clearly."""
    if not path.is_file():
        raise BackupError(_("The file %(path)s does not exist.", path=str(path)))
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, EOFError):
        raise _not_a_backup(path) from None
    except OSError as error:
        raise BackupError(
            _("Cannot read %(path)s: %(reason)s", path=str(path), reason=error.strerror)
        ) from None


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup: its first member."""
    with _open(path) as tar:
        try:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _not_a_backup(path)
            return Manifest.from_bytes(tar.extractfile(first).read())
        except (tarfile.TarError, EOFError, ValueError, TypeError):
            raise _not_a_backup(path) from None


def extract_database(path: Path, manifest: Manifest, folder: Path) -> Path:
    """Unpack the backup's database into `folder`; return its path."""
    name = DATABASE[manifest.database]
    with _open(path) as tar:
        try:
            member = tar.getmember(name)
        except KeyError:
            raise _not_a_backup(path) from None
        target = folder / name
        with tar.extractfile(member) as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
    return target


def extract_exports(path: Path, folder: Path) -> list[str]:
    """Put the backup's export files into the export folder; return their names.

    Only plain files directly under exports/ are taken, so no member lands outside the folder.
    """
    restored = []
    with _open(path) as tar:
        for member in tar:
            name = member.name[len(EXPORTS) :]
            if not member.name.startswith(EXPORTS) or not member.isfile():
                continue
            if not name or "/" in name or name in (".", ".."):
                continue
            partial = folder / f".{name}.part"
            with tar.extractfile(member) as source, partial.open("wb") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
            partial.replace(folder / name)
            restored.append(name)
    return restored
