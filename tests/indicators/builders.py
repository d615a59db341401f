"""Hand-made fieldwork for the indicator tests: sessions, encounters and scans at local times."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from observations.extensions import db
from observations.models import Encounter, Scan, ScanCount, Session, Site, SiteProfile, Zone

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(day: str, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    """An aware time in the study's zone (fold=1: the second of a repeated autumn hour)."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=AMSTERDAM, fold=fold
    )


class Builder:
    """Adds sites, sessions and their records to one study, with a fieldworker."""

    def __init__(self, study, fieldworker):
        self.study, self.fieldworker = study, fieldworker

    def site(self, name, zones, position=0, neighbourhood="", city="") -> Site:
        """A site with named zones."""
        site = Site(
            study_id=self.study.id,
            name=name,
            position=position,
            neighbourhood=neighbourhood,
            city=city,
            zones=[Zone(name=z) for z in zones],
        )
        db.session.add(site)
        db.session.flush()
        return site

    def profile(self, site, valid_from: str, **data) -> None:
        """A site profile version."""
        db.session.add(
            SiteProfile(site_id=site.id, valid_from=date.fromisoformat(valid_from), data=data)
        )

    def session(self, site, start, end, zones=None, **fields) -> Session:
        """An ended (end given) session, approved unless told otherwise."""
        session = Session(
            uuid=str(uuid.uuid4()),
            study_id=self.study.id,
            site_id=site.id,
            fieldworker_id=self.fieldworker.id,
            started_at=start,
            ended_at=end,
            zones=list(zones if zones is not None else site.zones),
            review_state=fields.pop("review_state", "approved"),
            **fields,
        )
        db.session.add(session)
        db.session.flush()
        return session

    def encounter(self, session, at, zone, kind, relation=None, parties="visitor_visitor",
                  flags=(), retracted=False) -> Encounter:  # fmt: skip
        """One encounter with its flags."""
        encounter = Encounter(
            uuid=str(uuid.uuid4()),
            study_id=self.study.id,
            session_id=session.id,
            zone_id=zone.id if zone is not None else None,
            occurred_at=at,
            encounter_type=kind,
            relation=relation,
            parties=parties,
            retracted=retracted,
        )
        encounter.flags = list(flags)
        db.session.add(encounter)
        return encounter

    def scan(self, session, at, zone, counts: dict, conditions=(), retracted=False) -> Scan:
        """One scan: counts as {category: {code: n}}, and the zone's conditions."""
        scan = Scan(
            uuid=str(uuid.uuid4()),
            study_id=self.study.id,
            session_id=session.id,
            zone_id=zone.id,
            observed_at=at,
            retracted=retracted,
        )
        scan.conditions = list(conditions)
        scan.counts = [
            ScanCount(category=category, code=code, count=n)
            for category, codes in counts.items()
            for code, n in codes.items()
        ]
        db.session.add(scan)
        return scan
