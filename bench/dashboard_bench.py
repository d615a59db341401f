"""The site dashboard and the cross-site comparison over N encounters, against a floor query.

Fills a fresh database with the five demo sites (their zones, neighbourhoods and cities) and
N encounters spread over two years of sessions (both DST changes of each year inside):
  - sessions of 60–120 minutes at local hours 8–20, on average PER_SESSION encounters each;
    review states, programmes and crowding mixed as in the demo, 1 % retracted;
  - a scan of every zone of the session every SCAN_MINUTES (age, gender, company, role,
    regular, posture and activity counts, about twenty rows per scan), with zone conditions;
  - encounters with type, parties and relation (3 % without relation), 1 % retracted, and
    flags (across ages 25 %, different company 30 %, via object 10 %); dated site profiles.
Then times, server-side and as the best of a few runs, `site_dashboard` for the first site,
`comparison` of all sites, and the floor `SELECT count(*) FROM encounters`. `--explain` also
times the three statements behind each page and bare passes over the same rows (grouping
the encounters, joining their flags, summing the scan counts): what no query can go below.

    python bench/dashboard_bench.py --encounters 1000000 [--database-url URL] [--explain]
        [--scan-minutes 30] [--keep (measure the database as it is)]

Last line: `encounters=N site_ms=A compare_ms=B floor_ms=F`.
"""

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import app_on, fresh_app  # noqa: E402
from observations import indicators, studies  # noqa: E402
from observations.demo.places import SITES  # noqa: E402
from observations.extensions import db  # noqa: E402
from observations.indicators import facts  # noqa: E402
from observations.models import (  # noqa: E402
    Encounter,
    EncounterFlag,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    Site,
    SiteProfile,
    Study,
    User,
    Zone,
    session_zones,
)

PER_SESSION = 40
SCAN_MINUTES = 30
FIRST_DAY = date(2025, 1, 6)
DAYS = 728
RUNS = 5
TYPES = {
    "eye_contact": 30,
    "greeting": 25,
    "short_chat": 20,
    "conversation": 10,
    "help": 6,
    "joint_activity": 6,
    "friction": 3,
}
PARTIES = {"visitor_visitor": 70, "visitor_staff": 20, "visitor_trader": 8, "staff_staff": 2}
RELATIONS = {"strangers": 45, "recognised": 32, "acquaintances": 20, None: 3}
REVIEW = {"approved": 80, "pending": 10, "has_issues": 7, "rejected": 3}
PROGRAMMES = {"none": 80, "regular_programme": 15, "cultural_event": 5}
CROWDING = {"empty": 2, "quiet": 30, "moderate": 40, "busy": 22, "crowded": 6}
SCAN_CODES = {
    "age": ("0-14", "15-24", "25-64", "65+", "unknown"),
    "gender": ("man", "woman", "unknown"),
    "company": ("alone", "pair", "group", "large_group"),
    "role": ("visitor", "staff", "trader"),
    "regular": ("regular", "new", "unknown"),
    "posture": ("standing", "sitting_fixed", "sitting_movable"),
    "activity": ("conversing", "reading_games", "resting"),
}
CONDITIONS = ("accessible", "usable", "staff_present", "well_lit", "movable_seats", "staff_hosting")
FLAGS = {"across_ages": 0.25, "different_company": 0.30, "via_object": 0.10}


def _pick(rng, weights: dict):
    """One key drawn with the given relative weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_sites(study: Study) -> list[Site]:
    """The five demo sites with their zones and two dated profiles each."""
    sites = []
    for position, spec in enumerate(SITES):
        site = Site(
            study_id=study.id,
            name=spec["name"],
            kind=spec["kind"],
            city=spec["city"],
            neighbourhood=spec["neighbourhood"],
            position=position,
            zones=[Zone(name=z["name"], area_m2=z.get("area_m2")) for z in spec["zones"]],
        )
        db.session.add(site)
        db.session.flush()
        for number, valid_from in enumerate((FIRST_DAY, FIRST_DAY + timedelta(days=365))):
            data = {
                "seating_movable": 10 * (position + number),
                "hosting": ("none", "sometimes", "always")[(position + number) % 3],
                "light": ("adequate", "good")[number],
            }
            db.session.add(SiteProfile(site_id=site.id, valid_from=valid_from, data=data))
        sites.append(site)
    return sites


def session_rows(rng, site, zones, observer, zone_info, now, ids, rows, most, scan_minutes):
    """One session with its zones, scans, counts, conditions, encounters and flags."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    local = datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.choice((0, 15, 30)))
    began = local.replace(tzinfo=zone_info).astimezone(UTC)
    minutes = rng.randint(60, 120)
    common = {"study_id": site.study_id, "revision": 1, "received_at": now, "codebook_version": 1}
    session_id = ids["session"] = ids["session"] + 1
    rows["sessions"].append(
        common
        | {
            "id": session_id,
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "site_id": site.id,
            "fieldworker_id": observer,
            "started_at": began,
            "ended_at": began + timedelta(minutes=minutes),
            "crowding": _pick(rng, CROWDING),
            "programme": _pick(rng, PROGRAMMES),
            "review_state": _pick(rng, REVIEW),
            "retracted": rng.random() < 0.01,
        }
    )
    rows["session_zones"] += [{"session_id": session_id, "zone_id": z} for z in zones]
    for round_no in range(max(1, minutes // scan_minutes)):
        for position, zone in enumerate(zones):
            scan_id = ids["scan"] = ids["scan"] + 1
            at = began + timedelta(minutes=5 + scan_minutes * round_no + position)
            rows["scans"].append(
                common
                | {
                    "id": scan_id,
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "session_id": session_id,
                    "zone_id": zone,
                    "observed_at": at,
                    "retracted": False,
                }
            )
            for category, codes in SCAN_CODES.items():
                for code in rng.sample(codes, min(len(codes), 3)):
                    rows["scan_counts"].append(
                        {"scan_id": scan_id, "category": category, "code": code,
                         "count": rng.randint(0, 9)}
                    )  # fmt: skip
            rows["scan_conditions"] += [
                {"scan_id": scan_id, "code": code} for code in CONDITIONS if rng.random() < 0.5
            ]
    seconds = minutes * 60
    for _ in range(min(most, rng.randint(PER_SESSION // 2, PER_SESSION * 3 // 2))):
        encounter_id = ids["encounter"] = ids["encounter"] + 1
        rows["encounters"].append(
            common
            | {
                "id": encounter_id,
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "session_id": session_id,
                "zone_id": rng.choice(zones),
                "occurred_at": began + timedelta(seconds=rng.randrange(seconds)),
                "encounter_type": _pick(rng, TYPES),
                "parties": _pick(rng, PARTIES),
                "relation": _pick(rng, RELATIONS),
                "note": "",
                "retracted": rng.random() < 0.01,
            }
        )
        rows["encounter_flags"] += [
            {"encounter_id": encounter_id, "code": flag}
            for flag, p in FLAGS.items()
            if rng.random() < p
        ]


def fill(url: str, instance: str, encounters: int, scan_minutes: int = SCAN_MINUTES) -> None:
    """A study with about `encounters` encounters (see the module docstring)."""
    app = fresh_app(url, instance)
    rng = random.Random(11)
    tables = {
        "sessions": Session.__table__,
        "session_zones": session_zones,
        "scans": Scan.__table__,
        "scan_counts": ScanCount.__table__,
        "scan_conditions": ScanCondition.__table__,
        "encounters": Encounter.__table__,
        "encounter_flags": EncounterFlag.__table__,
    }
    with app.app_context():
        study = studies.create_study("Dashboard bench", "bench")
        sites = make_sites(study)
        observers = []
        for n in range(6):
            user = User(username=f"veldwerker{n}", display_name=f"V{n}", password_hash="x")
            db.session.add(user)
            observers.append(user)
        db.session.commit()
        zone_info = ZoneInfo(study.timezone)
        now = datetime.now(UTC)
        ids = {"session": 0, "scan": 0, "encounter": 0}
        site_zones = [(site, [z.id for z in site.zones]) for site in sites]
        number = 0
        while ids["encounter"] < encounters:
            rows = {name: [] for name in tables}
            for _ in range(500):
                site, zones = site_zones[number % len(site_zones)]
                observer = observers[number % len(observers)].id
                session_rows(
                    rng, site, zones, observer, zone_info, now, ids, rows,
                    encounters - ids["encounter"], scan_minutes,
                )  # fmt: skip
                number += 1
                if ids["encounter"] >= encounters:
                    break
            with db.engine.begin() as connection:
                for name, table in tables.items():
                    if rows[name]:
                        connection.execute(sa.insert(table), rows[name])
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                for table in ("sessions", "scans", "encounters"):
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
        # What the app does as records arrive, all at once here: the indicator facts.
        started = time.perf_counter()
        rows = facts.rebuild()
        db.session.commit()
        print(f"indicator facts: {rows} rows in {time.perf_counter() - started:.0f} s")
        # What autovacuum does soon after a bulk load: statistics, and on PostgreSQL the
        # visibility map that lets a query read a covering index without the table.
        autocommit = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with autocommit as connection:
            is_pg = db.engine.dialect.name == "postgresql"
            connection.execute(sa.text("VACUUM ANALYZE" if is_pg else "ANALYZE"))


def best_ms(work, runs: int = RUNS) -> float:
    """The fastest of a few runs, in milliseconds (the first also warms the caches)."""
    best = float("inf")
    for _ in range(runs):
        db.session.expire_all()
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
        db.session.rollback()
    return best * 1000


def evidence(study, f) -> None:
    """Print what the pages' parts cost, and bare passes over the same rows."""
    from observations.indicators.local_time import utc_hour
    from observations.indicators.tallies import MIX_CATEGORIES, Tallies

    for name, scope in (("site", f.replace(sites=(study.sites[0].id,))), ("compare", f)):
        parts = {
            part: best_ms(lambda p=part, s=scope: getattr(Tallies.of(study, s), p), 3)
            for part in ("time", "mix", "kinds")
        }
        print(f"  {name}: " + " ".join(f"{part}={ms:.0f} ms" for part, ms in parts.items()))
    # Other filters read other facts, or the records themselves.
    site = study.sites[0]
    cases = {
        "comparison, 10:00–14:00 on weekdays (facts per hour)": f.replace(
            hour_from=10, hour_to=14, days="weekday"
        ),
        "comparison, one year (facts per session and day)": f.replace(
            date_from=FIRST_DAY, date_to=FIRST_DAY + timedelta(days=364)
        ),
        "site dashboard, one zone (counted from the records)": f.replace(zones=(site.zones[0].id,)),
    }
    for label, scoped in cases.items():
        if scoped.zones:
            work = lambda s=scoped: indicators.site_dashboard(study, site, s)  # noqa: E731
        else:
            work = lambda s=scoped: indicators.comparison(study, s)  # noqa: E731
        print(f"  {label}: {best_ms(work, 3):.0f} ms")
    e, counts = Encounter.__table__, ScanCount.__table__
    bucket = utc_hour(e.c.occurred_at)
    flags = {code: EncounterFlag.__table__.alias(code) for code in ("age", "company")}
    joined = e
    for code, flag in zip(flags, ("across_ages", "different_company"), strict=True):
        joined = joined.outerjoin(
            flags[code],
            sa.and_(flags[code].c.encounter_id == e.c.id, flags[code].c.code == flag),
        )
    bare = {
        "encounters grouped by session and hour": sa.select(sa.func.count()).select_from(
            sa.select(e.c.session_id, bucket)
            .where(e.c.retracted.is_(False))
            .group_by(e.c.session_id, bucket)
            .subquery()
        ),
        "encounters with their two flags": sa.select(
            *(sa.func.count(flag.c.code) for flag in flags.values())
        )
        .select_from(joined)
        .where(e.c.retracted.is_(False)),
        "sum of the mix categories' scan counts": sa.select(sa.func.sum(counts.c.count)).where(
            counts.c.category.in_(MIX_CATEGORIES)
        ),
    }
    for label, query in bare.items():
        print(f"  bare pass, {label}: {best_ms(lambda q=query: db.session.execute(q), 3):.0f} ms")


def measure(url: str, instance: str, explain: bool) -> tuple[int, float, float, float]:
    """Time the site dashboard, the comparison and the floor on a filled database."""
    app = app_on(url, instance)
    with app.app_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="bench"))
        site = study.sites[0]
        f = indicators.Filters()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Encounter))
        rows = {
            table: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for table, model in (("sessions", Session), ("scans", Scan), ("scan counts", ScanCount))
        }
        print("rows: " + ", ".join(f"{n} {table}" for table, n in rows.items()))
        floor = best_ms(lambda: db.session.execute(sa.text("SELECT count(*) FROM encounters")))
        site_ms = best_ms(lambda: indicators.site_dashboard(study, site, f))
        compare_ms = best_ms(lambda: indicators.comparison(study, f))
        if explain:
            evidence(study, f)
        db.session.remove()
    return count, site_ms, compare_ms, floor


def main() -> None:
    """Fill, measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encounters", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument(
        "--keep", action="store_true", help="measure the database as it is, without filling it"
    )
    parser.add_argument(
        "--scan-minutes",
        type=int,
        default=SCAN_MINUTES,
        help="minutes between two scans of a zone (default %(default)s, as in the demo)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="also time the parts and bare passes"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        if not args.keep:
            started = time.perf_counter()
            fill(url, tmp, args.encounters, args.scan_minutes)
            print(f"filled {args.encounters} encounters in {time.perf_counter() - started:.0f} s")
        count, site_ms, compare_ms, floor_ms = measure(url, tmp, args.explain)
    print(
        f"encounters={count} site_ms={site_ms:.0f} compare_ms={compare_ms:.0f} "
        f"floor_ms={floor_ms:.0f}"
    )


if __name__ == "__main__":
    main()
