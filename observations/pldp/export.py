"""PLDP 1.0 single-table export: one row per scan, the protocol's columns and formats."""

import csv
from collections.abc import Callable
from itertools import groupby

import sqlalchemy as sa

from ..export.csvzip import cell
from ..export.source import StudyData
from ..models import Scan, ScanCount, SessionWeather
from .columns import CONTEXT_COLUMNS, MICROCLIMATE, TIME_CHARACTER, export_name


def pldp_time(moment) -> str:
    """A local time as the protocol writes it: yyyymmdd:hhmm."""
    return moment.strftime("%Y%m%d:%H%M") if moment else ""


def count_columns(data: StudyData) -> list[tuple[str, str, str]]:
    """(category, code, column) for every code of the single-valued scan categories."""
    return [
        (category.key, code.code, export_name(category.key, code.code))
        for category in data.categories
        if category.applies_to == "scan" and not category.multiple
        for code in category.codes
    ]


def context_cells(
    data: StudyData, weather: dict, session, zone_id: int, survey: tuple, row_id: int, total: int
) -> list:
    """The protocol's context columns (CONTEXT_COLUMNS) of one row: the study, the place,
    the survey (its id, start and stop, as stored UTC times), the conditions and observer."""
    survey_id, start, stop = survey
    site = data.sites[session.site_id]
    zone = data.zones.get(zone_id)
    return [
        "",
        "",
        "",
        "1.0",
        data.study.slug,
        zone_id,
        "",
        site.city,
        "",
        site.name,
        zone.name if zone else "",
        "",
        survey_id,
        pldp_time(data.local(start)),
        pldp_time(data.local(stop)),
        "absolute",
        "analogue",
        ", ".join(MICROCLIMATE[c] for c in weather.get(session.id, []) if c in MICROCLIMATE),
        "" if session.temperature_c is None else session.temperature_c,
        TIME_CHARACTER.get(session.programme, ""),
        data.observers.get(session.fieldworker_id, ""),
        row_id,
        total,
    ]


def write_pldp(data: StudyData, path: str, advance: Callable[[int], None]) -> dict[str, int]:
    """Write the covered scans as a PLDP single-table CSV; return the row count."""
    counts = count_columns(data)
    position = {(category, code): i for i, (category, code, _) in enumerate(counts)}
    weather = data._many(SessionWeather.__table__, "session_id", "code")
    rows = data._stream(
        sa.select(
            Scan.id,
            Scan.session_id,
            Scan.zone_id,
            Scan.observed_at,
            ScanCount.category,
            ScanCount.code,
            ScanCount.count,
        )
        .outerjoin(ScanCount, ScanCount.scan_id == Scan.id)
        .where(Scan.session_id.in_(data.session_filter()), Scan.retracted.is_(False))
        .order_by(Scan.session_id, Scan.zone_id, Scan.observed_at, Scan.id)
    )
    row_ids: dict[tuple[int, int], int] = {}

    def lines():
        for (_scan_id, session_id, zone_id, observed_at), group in groupby(
            rows, key=lambda r: (r[0], r[1], r[2], r[3])
        ):
            values = [0] * len(counts)
            per_category: dict[str, int] = {}
            for *_, category, code, number in group:
                if category is None or (category, code) not in position:
                    continue
                values[position[(category, code)]] += number
                per_category[category] = per_category.get(category, 0) + number
            # Everyone has an age and a gender, so those totals give the people present.
            total = max([per_category.get(k, 0) for k in ("age", "gender")] or [0]) or max(
                per_category.values(), default=0
            )
            session = data.sessions[session_id]
            key = (session_id, zone_id)
            row_ids[key] = row_ids.get(key, 0) + 1
            survey = (session.uuid, observed_at, session.ended_at)
            context = context_cells(data, weather, session, zone_id, survey, row_ids[key], total)
            yield context + values

    header = CONTEXT_COLUMNS + [column for _, _, column in counts]
    return write_rows(path, header, lines(), advance)


def write_rows(path: str, header: list[str], rows, advance: Callable[[int], None]) -> dict:
    """Write a PLDP table (UTF-8 with a BOM, formula-like text defused); return its rows."""
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
            written += 1
            if not written % 5000:
                advance(5000)
    advance(written % 5000)
    return {"PLDP": written}
