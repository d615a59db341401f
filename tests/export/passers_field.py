"""A small study with people-moving counts and scans of known numbers, synced as phones do.

Study `tellen` (Europe/Amsterdam) has two sites:

- *Bieb*: zones Entree (a counting line) and Leestafels. Session A (W01, 4 May 2026
  10:00–11:00) counts 24 people at Entree from 10:10 and 16 from 10:40 (10 minutes each),
  and scans Entree at 10:05 (6 people), 10:25 (8) and 10:50 (4); a scan of Leestafels at
  10:12 (50 people) is another zone. A third count (withdrawn) does not count. Session C
  (W01, 6 May) counts 7 people at Entree with no scan: unpaired.
  Entree: 2 counts paired, 40 passers in 20 minutes = 120 an hour; 3 scans, 18 people =
  6 a scan; staying ratio 6 / 120 = 0.05.
- *Park*: two counting lines, Pad and Vijverpad. Session B (W02, 4 May 14:00–15:00) counts
  30 at Pad from 14:10 (10 min), 45 at Vijverpad from 14:30 (15 min) and 10 at Pad from
  14:45 (5 min, no Pad scan within 14:40–14:55: unpaired); scans Pad at 14:20 (3 people),
  Vijverpad at 14:40 (9) and 14:55 (empty).
  Pad: 180 an hour, 3 a scan, ratio 1/60. Vijverpad: 180 an hour, 4.5 a scan, ratio 0.025.
  The park: 75 in 25 minutes = 180 an hour, 12 people in 3 scans = 4, ratio 4/180.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from observations import studies
from observations.extensions import db
from observations.models import PasserCount, PasserTally, Site, Study, User, Zone
from observations.sync import sync_records
from tests import factories

# Each (category, code) the counts below hold, summed over the live counts: the sheet's
# and the PLDP export's totals must be these.
TOTALS = {
    ("mode", "on_foot"): 20 + 16 + 7 + 20 + 40 + 10,
    ("mode", "bicycle"): 10 + 3,
    ("mode", "wheelchair"): 1,
    ("mode", "pushchair"): 2 + 2,
    ("mode", "other"): 1,
    ("gender", "man"): 10 + 15,
    ("gender", "woman"): 12 + 14,
    ("age", "25-64"): 15 + 30,
    ("age", "65+"): 5,
    ("age", "0-14"): 4,
    ("group", "alone"): 6,
    ("group", "pair"): 8,
    ("group", "group"): 3,
}


def scan(session: dict, zone: int, at: str, people: int) -> dict:
    """A scan of `people` (age 25–64, half of them women) or, with none, marked empty."""
    counts = {}
    if people:
        women = people // 2
        counts = {"age": {"25-64": people}, "gender": {"woman": women, "man": people - women}}
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "scan",
        "session": session["uuid"],
        "zone": zone,
        "observed_at": at,
        "counts": counts,
        "conditions": [] if people else ["empty"],
    }


def count(session: dict, zone: int, at: str, minutes: int, counts: dict, **extra) -> dict:
    """A people-moving count."""
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "passers",
        "session": session["uuid"],
        "zone": zone,
        "started_at": at,
        "minutes": minutes,
        "counts": counts,
        **extra,
    }


@dataclass
class Counted:
    """Ids and users of the study."""

    study_id: int = 0
    users: dict[str, User] = field(default_factory=dict)
    sites: dict[str, int] = field(default_factory=dict)
    zones: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)


def _session(site: int, zones: list[int], day: str, start: str, end: str) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": "tellen",
        "site": site,
        "zones": zones,
        "started_at": f"{day}T{start}:00+02:00",
        "ended_at": f"{day}T{end}:00+02:00",
        "weather": ["indoors"],
        "programme": "none",
    }


def _site(study, name: str, kind: str, city: str, lines: dict[str, bool]) -> Site:
    """A site with zones {name: whether it is a counting line}."""
    zones = [
        Zone(name=zone, position=position, counting_line=line)
        for position, (zone, line) in enumerate(lines.items())
    ]
    return Site(study_id=study.id, name=name, kind=kind, city=city, zones=zones)


def build() -> Counted:
    """Create the study and sync its records (needs an app context); commits."""
    study = studies.create_study("Tellen", "tellen")
    library = _site(study, "Bieb", "library", "Almere", {"Entree": True, "Leestafels": False})
    park = _site(study, "Park", "park", "Den Haag", {"Pad": True, "Vijverpad": True})
    db.session.add_all([library, park])
    first = factories.user("teller", "fieldworker", study)
    second = factories.user("teller2", "fieldworker", study)
    factories.user("tellen-lead", "lead", study)
    db.session.flush()
    built = Counted(study.id, {"W01": first, "W02": second})
    built.sites = {"Bieb": library.id, "Park": park.id}
    built.zones = {z.name: z.id for z in (*library.zones, *park.zones)}
    entree, tables = built.zones["Entree"], built.zones["Leestafels"]
    pad, pond = built.zones["Pad"], built.zones["Vijverpad"]

    def t(day: str, clock: str) -> str:
        return f"2026-05-{day}T{clock}:00+02:00"

    a = _session(library.id, [entree, tables], "2026-05-04", "10:00", "11:00")
    withdrawn = count(a, entree, t("04", "10:20"), 10, {"mode": {"on_foot": 99}})
    records_a = [
        {**a, "ended_at": None},  # open while its counts come in: the undo is a correction
        count(
            a,
            entree,
            t("04", "10:10"),
            10,
            {
                "mode": {"on_foot": 20, "wheelchair": 1, "pushchair": 2, "other": 1},
                "gender": {"man": 10, "woman": 12},
                "age": {"25-64": 15, "65+": 5, "0-14": 4},
            },
        ),
        count(
            a,
            entree,
            t("04", "10:40"),
            10,
            {"mode": {"on_foot": 16}, "group": {"alone": 6, "pair": 8}},
        ),
        withdrawn,
        {**withdrawn, "revision": 2, "retracted": True},
        scan(a, entree, t("04", "10:05"), 6),
        scan(a, entree, t("04", "10:25"), 8),
        scan(a, entree, t("04", "10:50"), 4),
        scan(a, tables, t("04", "10:12"), 50),
        {**a, "revision": 2},
    ]
    c = _session(library.id, [entree, tables], "2026-05-06", "10:00", "10:30")
    records_c = [c, count(c, entree, t("06", "10:05"), 10, {"mode": {"on_foot": 7}})]
    b = _session(park.id, [pad, pond], "2026-05-04", "14:00", "15:00")
    records_b = [
        b,
        count(
            b,
            pad,
            t("04", "14:10"),
            10,
            {"mode": {"on_foot": 20, "bicycle": 10}, "gender": {"man": 15, "woman": 14}},
        ),
        count(
            b,
            pond,
            t("04", "14:30"),
            15,
            {
                "mode": {"on_foot": 40, "bicycle": 3, "pushchair": 2},
                "age": {"25-64": 30},
                "group": {"group": 3},
            },
        ),
        count(b, pad, t("04", "14:45"), 5, {"mode": {"on_foot": 10}}),
        scan(b, pad, t("04", "14:20"), 3),
        scan(b, pond, t("04", "14:40"), 9),
        scan(b, pond, t("04", "14:55"), 0),
    ]
    for owner, records in ((first, records_a + records_c), (second, records_b)):
        results = sync_records(owner, records)
        assert {r["status"] for r in results} <= {"created", "updated"}, results
    built.sessions = {"A": a["uuid"], "B": b["uuid"], "C": c["uuid"]}
    db.session.commit()
    return built


def stored(slug: str) -> Counter:
    """People per (category, code) in a study's people-moving counts (not withdrawn)."""
    rows = db.session.execute(
        sa.select(PasserTally.category, PasserTally.code, sa.func.sum(PasserTally.count))
        .join(PasserCount, PasserCount.id == PasserTally.passer_count_id)
        .join(Study, Study.id == PasserCount.study_id)
        .where(Study.slug == slug, PasserCount.retracted.is_(False))
        .group_by(PasserTally.category, PasserTally.code)
    )
    return Counter({(category, code): int(n) for category, code, n in rows})
