"""The Summary sheet's tables: per site, what was observed and how often people met."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..indicators.staying import staying_ratios
from ..models import Encounter, Scan, ScanCount, Session
from .source import StudyData


@dataclass
class Table:
    """A titled table: header, rows, and which chart (if any) is drawn from it."""

    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str | None = None  # "column" (clustered) or "bar" (stacked)
    # Columns that hold fractions of one (shown as percentages).
    percent: bool = False
    # A line under the table (e.g. how its figures are defined).
    note: str = ""


def _texts(labels: str) -> dict[str, str]:
    """Titles and headers in the export's language (English for raw codes)."""
    with force_locale("en" if labels == "codes" else labels):
        return {
            "per_site": _("Sessions, hours observed and encounters per site"),
            "site": _("Site"),
            "sessions": _("Sessions"),
            "hours": _("Hours observed"),
            "encounters": _("Encounters"),
            "per_hour": _("Encounters per hour"),
            "by_type": _("Encounters per observed hour, by type"),
            "by_age": _("People counted in scans, by perceived age"),
            "by_age_share": _("Share of people counted, by perceived age"),
            "scans": _("Scans"),
            "staying": _("Staying ratio: people staying against people passing"),
            "zone": _("Counting line"),
            "all_lines": _("all counting lines"),
            "counts": _("Counts paired"),
            "minutes": _("Minutes counted"),
            "passers": _("Passers"),
            "passers_per_hour": _("Passers per hour"),
            "scans_paired": _("Scans paired"),
            "staying_per_scan": _("People staying per scan"),
            "ratio": _("Staying ratio"),
            "unpaired": _("Counts without a scan"),
            "staying_note": _(
                "Each people-moving count is paired with the scans of its zone in its session "
                "within its period widened by its length on either side; counts without such a "
                "scan are left out. Staying ratio = people staying per scan ÷ passers per hour: "
                "0.10 means 10 people staying for every 100 passing in an hour."
            ),
        }


def summary_tables(data: StudyData) -> list[Table]:
    """The figures per site for the covered sessions, ready to write."""
    texts = _texts(data.options.labels)
    covered = data.session_filter()
    site_names = {sid: site.name for sid, site in data.sites.items()}
    sites = sorted({s.site_id for s in data.sessions.values()}, key=lambda sid: site_names[sid])

    hours: dict[int, float] = {}
    sessions: dict[int, int] = {}
    for s in data.sessions.values():
        sessions[s.site_id] = sessions.get(s.site_id, 0) + 1
        if s.ended_at:
            hours[s.site_id] = (
                hours.get(s.site_id, 0) + (s.ended_at - s.started_at).total_seconds() / 3600
            )

    by_type = _grouped(
        sa.select(Session.site_id, Encounter.encounter_type, sa.func.count())
        .join(Session, Session.id == Encounter.session_id)
        .where(Encounter.session_id.in_(covered), Encounter.retracted.is_(False))
        .group_by(Session.site_id, Encounter.encounter_type)
    )
    by_age = _grouped(
        sa.select(Session.site_id, ScanCount.code, sa.func.sum(ScanCount.count))
        .join(Scan, Scan.id == ScanCount.scan_id)
        .join(Session, Session.id == Scan.session_id)
        .where(Scan.session_id.in_(covered), Scan.retracted.is_(False), ScanCount.category == "age")
        .group_by(Session.site_id, ScanCount.code)
    )
    scans = dict(
        db.session.execute(
            sa.select(Session.site_id, sa.func.count(Scan.id))
            .join(Session, Session.id == Scan.session_id)
            .where(Scan.session_id.in_(covered), Scan.retracted.is_(False))
            .group_by(Session.site_id)
        ).all()
    )

    codes = {cat.key: [c.code for c in cat.codes] for cat in data.categories}
    types = [
        c for c in codes.get("encounter_type", []) if any(by_type.get(s, {}).get(c) for s in sites)
    ]
    ages = [c for c in codes.get("age", []) if any(by_age.get(s, {}).get(c) for s in sites)]

    def per_hour(count: int, site: int) -> float | None:
        return round(count / hours[site], 2) if hours.get(site) else None

    overview = Table(
        texts["per_site"],
        [texts["site"], texts["sessions"], texts["hours"], texts["encounters"], texts["per_hour"]],
    )
    for site in sites:
        total = sum(by_type.get(site, {}).values())
        overview.rows.append(
            [
                site_names[site],
                sessions.get(site, 0),
                round(hours.get(site, 0.0), 2),
                total,
                per_hour(total, site),
            ]
        )

    rates = Table(
        texts["by_type"],
        [texts["site"], *[data.label("encounter_type", c) for c in types]],
        chart="column",
    )
    for site in sites:
        rates.rows.append(
            [site_names[site], *[per_hour(by_type.get(site, {}).get(c, 0), site) for c in types]]
        )

    people = Table(
        texts["by_age"], [texts["site"], texts["scans"], *[data.label("age", c) for c in ages]]
    )
    shares = Table(
        texts["by_age_share"],
        [texts["site"], *[data.label("age", c) for c in ages]],
        chart="bar",
        percent=True,
    )
    for site in sites:
        counted = [by_age.get(site, {}).get(c, 0) for c in ages]
        people.rows.append([site_names[site], scans.get(site, 0), *counted])
        total = sum(counted)
        shares.rows.append(
            [site_names[site], *[round(n / total, 4) if total else None for n in counted]]
        )
    tables = [overview, rates, people, shares]
    staying = staying_table(data, texts)
    return tables + ([staying] if staying.rows else [])


def staying_table(data: StudyData, texts: dict[str, str]) -> Table:
    """Per site and counting line: passers per hour, people staying per scan, their ratio
    (indicators/staying.py); no rows without people-moving counts."""
    table = Table(
        texts["staying"],
        [
            texts["site"],
            texts["zone"],
            texts["counts"],
            texts["minutes"],
            texts["passers"],
            texts["passers_per_hour"],
            texts["scans_paired"],
            texts["staying_per_scan"],
            texts["ratio"],
            texts["unpaired"],
        ],
        note=texts["staying_note"],
    )
    found_all = staying_ratios(data.study, data.session_filter())
    lines = Counter(found.site_id for found in found_all if found.zone_id is not None)

    def order(found) -> tuple:
        zone = data.zones.get(found.zone_id)
        return (data.sites[found.site_id].name, zone is None, zone.name if zone else "")

    for found in sorted(found_all, key=order):
        zone = data.zones.get(found.zone_id) if found.zone_id else None
        if zone is None and lines[found.site_id] < 2:
            continue  # a site with one line: its row says it all
        table.rows.append(
            [
                data.sites[found.site_id].name,
                zone.name if zone else texts["all_lines"],
                found.counts,
                found.minutes,
                found.passers,
                _rounded(found.passers_per_hour, 1),
                found.scans,
                _rounded(found.staying_per_scan, 2),
                _rounded(found.ratio, 4),
                found.unpaired,
            ]
        )
    return table


def _rounded(value: float | None, digits: int) -> float | None:
    """A figure rounded for the sheet, None staying None."""
    return None if value is None else round(value, digits)


def _grouped(query) -> dict[int, dict[str, int]]:
    """{site id: {code: number}} from (site, code, number) rows."""
    result: dict[int, dict[str, int]] = {}
    for site, code, number in db.session.execute(query):
        result.setdefault(site, {})[code] = int(number or 0)
    return result
