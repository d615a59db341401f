"""The service worker's source: the files it precaches and a version that changes with them."""

import hashlib
import json
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
# Field pages are cached too, so their templates count towards the version.
VERSIONED = [
    STATIC,
    ROOT / "templates" / "field",
    ROOT / "templates" / "base.html",
    ROOT / "templates" / "_macros.html",
]


def _files() -> list[Path]:
    """Every file whose change must reach phones."""
    found = []
    for place in VERSIONED:
        found.extend(
            sorted(p for p in place.rglob("*") if p.is_file()) if place.is_dir() else [place]
        )
    return found


# Not precached: the worker itself, and the large icon only used when installing the app.
NOT_PRECACHED = {"sw.js", "icon-512.png"}


def asset_urls() -> list[str]:
    """The static URLs the service worker precaches."""
    return [
        "/static/" + path.relative_to(STATIC).as_posix()
        for path in sorted(STATIC.rglob("*"))
        if path.is_file() and path.name not in NOT_PRECACHED
    ]


def _version() -> str:
    """A short hash of the versioned files."""
    digest = hashlib.sha256()
    for path in _files():
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def _cached_source() -> str:
    """The worker's source, computed once per process."""
    return source(cached=False)


def source(cached: bool = True) -> str:
    """The service worker with its version and precache list filled in."""
    if cached:
        return _cached_source()
    text = (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    return text.replace("__VERSION__", _version()).replace("__ASSETS__", json.dumps(asset_urls()))
