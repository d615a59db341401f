"""The Excel export of a study with N encounters, against a bare writer loop (the floor).

Fills a fresh database with N encounters and, in proportion, sessions (one per 40
encounters), scans (two per session, ten counts each) and notes (one per session). Then,
each in a process of its own so that peak memory is the export's alone:
  1. exports the workbook, counting the cells it writes per sheet and kind;
  2. the floor: writes the same number of cells of the same kinds into the same sheets
     with a bare loop over the same library (XlsxWriter, constant-memory mode).

    python bench/export_bench.py --rows 1000000 [--database-url URL] [--compare-openpyxl]

Last line: `rows=N seconds=S peak_rss_mb=M floor_seconds=F ratio=R` (R = S / F).
"""

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PER_SESSION = 40
SAMPLE_TEXTS = [
    "Nieuwe Bibliotheek Almere",
    "Kinderhoek",
    "W01",
    "kort praatje",
    "bezoeker–bezoeker",
    "onbekenden",
]


def fill(url: str, instance: str, encounters: int) -> None:
    """A study with `encounters` encounters and proportional sessions, scans and notes."""
    import sqlalchemy as sa

    from bench.common import fresh_app
    from observations import accounts, studies
    from observations.extensions import db
    from observations.models import (
        Encounter,
        EncounterFlag,
        FieldNote,
        Scan,
        ScanCount,
        Session,
        Site,
        Zone,
        session_zones,
    )

    app = fresh_app(url, instance)
    rng = random.Random(1)
    with app.app_context():
        study = studies.create_study("Export bench", "bench")
        sites = [
            Site(
                study_id=study.id,
                name=f"Locatie {n}",
                kind="market",
                zones=[Zone(name=f"Zone {n}.{z}") for z in range(3)],
            )
            for n in range(5)
        ]
        db.session.add_all(sites)
        observers = [accounts.create_user(f"veldwerker{n}", "bench-password-1") for n in range(4)]
        for user in observers:
            accounts.add_member(study, user, "fieldworker")
        db.session.commit()
        codes = {
            "encounter_type": ["eye_contact", "greeting", "short_chat", "conversation", "help"],
            "parties": ["visitor_visitor", "visitor_staff", "visitor_trader"],
            "relation": ["strangers", "recognised", "acquaintances"],
            "scan": [
                ("age", "25-64"),
                ("age", "65+"),
                ("age", "0-14"),
                ("gender", "man"),
                ("gender", "woman"),
                ("activity", "conversing"),
                ("activity", "buying_selling"),
                ("posture", "standing"),
                ("company", "pair"),
                ("role", "visitor"),
            ],
        }
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        now = datetime.now(UTC)
        n_sessions = max(1, encounters // PER_SESSION)
        next_ids = {"session": 1, "scan": 1, "encounter": 1, "note": 1}
        for first in range(0, n_sessions, 1000):
            batch = range(first, min(first + 1000, n_sessions))
            rows = {
                "sessions": [],
                "zones": [],
                "scans": [],
                "counts": [],
                "encounters": [],
                "flags": [],
                "notes": [],
            }
            for number in batch:
                site = sites[number % 5]
                began = start + timedelta(hours=6 * number)
                session_id = next_ids["session"]
                next_ids["session"] += 1
                common = {
                    "study_id": study.id,
                    "revision": 1,
                    "received_at": now,
                    "codebook_version": 1,
                    "retracted": False,
                }
                rows["sessions"].append(
                    {
                        **common,
                        "id": session_id,
                        "uuid": str(uuid.uuid4()),
                        "site_id": site.id,
                        "fieldworker_id": observers[number % 4].id,
                        "started_at": began,
                        "ended_at": began + timedelta(minutes=90),
                        "crowding": "busy",
                        "programme": "none",
                        "review_state": "approved",
                    }
                )
                rows["zones"] += [{"session_id": session_id, "zone_id": z.id} for z in site.zones]
                for scan in range(2):
                    scan_id = next_ids["scan"]
                    next_ids["scan"] += 1
                    rows["scans"].append(
                        {
                            **common,
                            "id": scan_id,
                            "uuid": str(uuid.uuid4()),
                            "session_id": session_id,
                            "zone_id": site.zones[scan].id,
                            "observed_at": began + timedelta(minutes=10 + scan),
                        }
                    )
                    rows["counts"] += [
                        {"scan_id": scan_id, "category": c, "code": x, "count": rng.randint(1, 30)}
                        for c, x in codes["scan"]
                    ]
                for minute in range(PER_SESSION):
                    encounter_id = next_ids["encounter"]
                    next_ids["encounter"] += 1
                    rows["encounters"].append(
                        {
                            **common,
                            "id": encounter_id,
                            "uuid": str(uuid.uuid4()),
                            "session_id": session_id,
                            "zone_id": rng.choice(site.zones).id,
                            "occurred_at": began + timedelta(minutes=minute * 2),
                            "encounter_type": rng.choice(codes["encounter_type"]),
                            "parties": rng.choice(codes["parties"]),
                            "relation": rng.choice(codes["relation"]),
                            "note": "over het weer" if minute % 10 == 0 else "",
                        }
                    )
                    if minute % 4 == 0:
                        rows["flags"].append({"encounter_id": encounter_id, "code": "across_ages"})
                rows["notes"].append(
                    {
                        **common,
                        "id": next_ids["note"],
                        "uuid": str(uuid.uuid4()),
                        "session_id": session_id,
                        "written_at": began,
                        "text": "Veel vaste klanten bij de groentekraam.",
                    }
                )
                next_ids["note"] += 1
            with db.engine.begin() as connection:
                for table, key in (
                    (Session.__table__, "sessions"),
                    (session_zones, "zones"),
                    (Scan.__table__, "scans"),
                    (ScanCount.__table__, "counts"),
                    (Encounter.__table__, "encounters"),
                    (EncounterFlag.__table__, "flags"),
                    (FieldNote.__table__, "notes"),
                ):
                    if rows[key]:
                        connection.execute(sa.insert(table), rows[key])
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                for table in ("sessions", "scans", "encounters", "field_notes"):
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
                connection.execute(sa.text("ANALYZE"))


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it is not inherited
    from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_export(url: str, instance: str, out: str) -> None:
    """Export the benchmark study; print seconds, peak memory and the cells written."""
    from bench.common import app_on
    from observations.export import ExportOptions, export
    from observations.extensions import db
    from observations.models import Study

    app = app_on(url, instance)
    with app.app_context():
        study = db.session.scalar(db.select(Study).filter_by(slug="bench"))
        cells: dict = {}
        started = time.perf_counter()
        counts = export(study, ExportOptions(), out, cells=cells)
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "rows": counts, "cells": cells}
        )
    )


def child_floor(plan: str, out: str) -> None:
    """Write the same number of cells of the same kinds with a bare XlsxWriter loop."""
    import xlsxwriter

    cells = json.loads(plan)
    started = time.perf_counter()
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    moment = datetime(2026, 5, 1, 14, 5)
    limit = 1_048_575
    for name, plan_of_sheet in cells.items():
        # The sheet's own width, so the floor writes as many rows as the export.
        sheet, part = book.add_worksheet(name), 1
        row, col, width = 1, 0, plan_of_sheet["columns"]
        for kind, how_many in plan_of_sheet["kinds"].items():
            for index in range(how_many):
                if kind == "text":
                    sheet.write_string(row, col, SAMPLE_TEXTS[index % 6])
                elif kind == "number":
                    sheet.write_number(row, col, index)
                else:
                    sheet.write_datetime(row, col, moment, when)
                col += 1
                if col == width:
                    row, col = row + 1, 0
                    if row > limit:
                        part += 1
                        sheet, row = book.add_worksheet(f"{name} {part}"), 1
    book.close()
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_openpyxl(plan: str, out: str) -> None:
    """The same floor with openpyxl's write-only mode, the other streaming writer."""
    import openpyxl

    cells = json.loads(plan)
    started = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    moment = datetime(2026, 5, 1, 14, 5)
    for name, plan_of_sheet in cells.items():
        sheet, width, line = book.create_sheet(name), plan_of_sheet["columns"], []
        for kind, how_many in plan_of_sheet["kinds"].items():
            for index in range(how_many):
                if kind == "text":
                    line.append(SAMPLE_TEXTS[index % 6])
                else:
                    line.append(index if kind == "number" else moment)
                if len(line) == width:
                    sheet.append(line)
                    line = []
        if line:
            sheet.append(line)
    book.save(out)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def run_child(*args: str) -> dict:
    """Run this script as a child process and read its JSON answer."""
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Fill, export, write the floor, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="encounters")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--child-export", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument(
        "--compare-openpyxl",
        action="store_true",
        help="also time the floor with openpyxl's write-only mode",
    )
    parser.add_argument("--child-floor", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-openpyxl", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_export:
        return child_export(*args.child_export)
    if args.child_floor:
        return child_floor(*args.child_floor)
    if args.child_openpyxl:
        return child_openpyxl(*args.child_openpyxl)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        fill(url, tmp, args.rows)
        print(f"filled {args.rows} encounters in {time.perf_counter() - started:.0f} s")
        result = run_child("--child-export", url, tmp, f"{tmp}/export.xlsx")
        size = Path(f"{tmp}/export.xlsx").stat().st_size / 1e6
        floor = run_child("--child-floor", json.dumps(result["cells"]), f"{tmp}/floor.xlsx")
        if args.compare_openpyxl:
            other = run_child("--child-openpyxl", json.dumps(result["cells"]), f"{tmp}/op.xlsx")
            print(f"openpyxl write-only floor: {other['seconds']:.1f} s")
        if not args.database_url:
            Path(f"{tmp}/bench.db").unlink()
    cells = sum(sum(sheet["kinds"].values()) for sheet in result["cells"].values())
    print(f"export: {result['rows']} rows, {cells} cells, {size:.0f} MB file")
    seconds, peak, floor_seconds = result["seconds"], result["peak_rss_mb"], floor["seconds"]
    print(
        f"rows={args.rows} seconds={seconds:.1f} peak_rss_mb={peak:.0f} "
        f"floor_seconds={floor_seconds:.1f} ratio={seconds / floor_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
