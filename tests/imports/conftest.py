"""PLDP tables for the import page, and sums to compare what went in with what is stored."""

import csv
import io
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from observations.extensions import db
from observations.models import Category, Scan, ScanCount, Session, Study, Zone
from tests.conftest import AuthActions, csrf_token
from tests.tasks.conftest import queue_apps, queue_name  # noqa: F401 (fixtures)

DATA = Path(__file__).resolve().parents[1] / "data"
SEATTLE = (DATA / "seattle_2018_people_staying.csv").read_text(encoding="utf-8-sig")
LOCATIONS = (DATA / "seattle_2018_locations.csv").read_text(encoding="utf-8-sig")
GENDERS = {"Male": "man", "Female": "woman", "Gender_Unknown": "unknown"}


def allow_several_activities(slug: str) -> None:
    """Let one person count in several activities in the study, as PLDP notes them (a study
    the import creates does so itself; an existing one keeps its rules: scan_rules.py)."""
    study = db.session.scalar(sa.select(Study).filter_by(slug=slug))
    category = db.session.scalar(sa.select(Category).filter_by(study_id=study.id, key="activity"))
    category.per_person = None


def first_rows(count: int) -> str:
    """The Seattle table cut to its header and first `count` rows."""
    return "".join(SEATTLE.splitlines(keepends=True)[: count + 1])


def csv_sums(table: str) -> Counter:
    """Straight sums over a table: people per (location, gender code)."""
    sums = Counter()
    for row in csv.DictReader(io.StringIO(table)):
        for column, code in GENDERS.items():
            sums[(row["Location_ID"], code)] += int(row[column] or 0)
    return +sums


def stored_sums(slug: str) -> Counter:
    """The same sums from the study's scans: people per (location, gender code)."""
    sums = Counter()
    rows = db.session.execute(
        sa.select(Zone.name, ScanCount.code, ScanCount.count)
        .join(Scan, Scan.zone_id == Zone.id)
        .join(ScanCount, ScanCount.scan_id == Scan.id)
        .join(Session, Session.id == Scan.session_id)
        .join(Study, Study.id == Session.study_id)
        .where(Study.slug == slug, ScanCount.category == "gender")
    )
    for zone, code, count in rows:
        sums[(zone.split(" · ")[0], code)] += count
    return +sums


def page_of(slug: str) -> str:
    return f"/studies/{slug}/research/import"


def upload(
    client,
    slug: str,
    table: bytes | None,
    locations: bytes | None = None,
    encoding: str = "",
    kind: str = "",
    **kwargs,
):
    """Post the import form with the files (name, bytes) given, an encoding and the kind
    of table ("": detect them)."""
    token = csrf_token(client.get(page_of(slug)).get_data(as_text=True))
    data = {"csrf_token": token, "encoding": encoding, "kind": kind}
    if table is not None:
        data["table"] = (io.BytesIO(table), "counts.csv")
    if locations is not None:
        data["locations"] = (io.BytesIO(locations), "locations.csv")
    return client.post(page_of(slug), data=data, content_type="multipart/form-data", **kwargs)


def logged_in(client, username: str, language: str = "en"):
    """Log in and choose the interface language (Dutch is the default)."""
    AuthActions(client).login(username)
    token = csrf_token(client.get("/account").get_data(as_text=True))
    client.post("/language", data={"locale": language, "next": "/", "csrf_token": token})
    return client
