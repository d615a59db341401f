"""5,000 records through POST /api/v1/sync into a fresh database, then the same batches again.

The records are 50 sessions of 100: the session, 3 scans, 94 encounters and 2 notes, sent
in batches of 100 (what a phone sends) with a personal API token. Replaying the batches
must add no row. The floor, measured in the same run, inserts the resulting rows into a
fresh database with one executemany per table.

    python bench/sync_bench.py [--records N] [--database-url URL]

Last line: `records=N seconds=S replay_rows_added=0 floor_seconds=F ratio=R` (R = S / F).
"""

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bare_insert_seconds, fresh_app, table_rows
from observations import accounts, studies, tokens
from observations.extensions import db
from observations.models import Site, Zone

PER_SESSION = 100
BATCH = 100


def setup(app) -> tuple[str, int, list[int]]:
    """A study with one site of three zones and a fieldworker with a token."""
    with app.app_context():
        study = studies.create_study("Bench", "bench")
        site = Site(
            study_id=study.id,
            name="Markt",
            kind="market",
            zones=[Zone(name=f"Rij {n}") for n in range(3)],
        )
        db.session.add(site)
        user = accounts.create_user("veldwerker", "bench-password-1")
        accounts.add_member(study, user, "fieldworker")
        _token, plain = tokens.create_token(user, "bench")
        db.session.commit()
        return plain, site.id, [zone.id for zone in site.zones]


def records(total: int, site: int, zones: list[int]) -> list[dict]:
    """Plausible records: sessions, each followed by its scans, encounters and notes."""
    rng = random.Random(7)
    start = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    made = []
    for number in range(total // PER_SESSION):
        began = start + timedelta(hours=3 * number)
        session = str(uuid.UUID(int=rng.getrandbits(128), version=4))

        def at(minutes: float, began: datetime = began) -> str:
            return (began + timedelta(minutes=minutes)).isoformat()

        made.append(
            {
                "uuid": session,
                "kind": "session",
                "study": "bench",
                "site": site,
                "zones": zones,
                "started_at": at(0),
                "weather": ["clouds_light"],
                "crowding": "busy",
                "programme": "none",
                "device_time": at(0),
            }
        )
        for scan in range(3):
            # Counts that obey the scan's arithmetic (scan_rules.py): as many genders as ages.
            adults, elderly = rng.randint(1, 20), rng.randint(0, 9)
            men = rng.randint(0, adults + elderly)
            made.append(
                {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "kind": "scan",
                    "session": session,
                    "zone": zones[scan],
                    "observed_at": at(5 + scan),
                    "counts": {
                        "age": {"25-64": adults, "65+": elderly},
                        "gender": {"man": men, "woman": adults + elderly - men},
                        "activity": {"buying_selling": rng.randint(1, adults + elderly)},
                    },
                    "conditions": ["accessible", "usable"],
                }
            )
        for encounter in range(PER_SESSION - 6):
            made.append(
                {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "kind": "encounter",
                    "session": session,
                    "zone": rng.choice(zones),
                    "occurred_at": at(10 + encounter),
                    "encounter_type": "greeting",
                    "parties": "visitor_trader",
                    "relation": "recognised",
                    "flags": ["across_ages"] if encounter % 4 == 0 else [],
                }
            )
        for note in range(2):
            made.append(
                {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "kind": "note",
                    "session": session,
                    "written_at": at(100 + note),
                    "text": "Veel vaste klanten bij de groentekraam.",
                }
            )
    return made


def send(client, token: str, batches: list[list[dict]]) -> float:
    """POST every batch; return the seconds it took."""
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    for batch in batches:
        response = client.post("/api/v1/sync", json={"records": batch}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
    return time.perf_counter() - started


def row_counts(app) -> dict[str, int]:
    """Rows per table."""
    with app.app_context():
        return {
            t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        }


def main() -> None:
    """Sync, replay, measure the floor, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = fresh_app(url, tmp)
        token, site, zones = setup(app)
        made = records(args.records, site, zones)
        batches = [made[i : i + BATCH] for i in range(0, len(made), BATCH)]
        client = app.test_client()
        seconds = send(client, token, batches)
        before = row_counts(app)
        replay = send(client, token, batches)
        added = sum(row_counts(app).values()) - sum(before.values())
        floor = bare_insert_seconds(table_rows(app), url, tmp)
        with app.app_context():
            db.drop_all()
    print(
        f"{len(made)} records in {len(batches)} batches: {seconds:.2f} s "
        f"({len(made) / seconds:.0f} records/s); replay {replay:.2f} s, rows added {added}"
    )
    print(
        f"records={len(made)} seconds={seconds:.2f} replay_rows_added={added} "
        f"floor_seconds={floor:.3f} ratio={seconds / floor:.1f}"
    )


if __name__ == "__main__":
    main()
