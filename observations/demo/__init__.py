"""The demo study: five meeting places, a team, a schedule and six weeks of fieldwork, with
people-moving counts at each site's counting line.

Generated from a fixed seed, so two runs on the same day give the same data; running it
when the demo study already exists changes nothing.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import accounts, audit, studies
from ..extensions import db
from ..models import Site, Study, User, Zone, utcnow
from .conditions import add_conditions
from .fieldwork import generate_fieldwork
from .passing import store_counts
from .places import SITES

DEMO_SLUG = "demo"
DEMO_SEED = 2026
# The people-moving counts draw from a generator of their own, so that the rest of the demo
# stays as it was before they existed.
PASSERS_SEED = 2613
DEFAULT_PASSWORD = "terloops-demo"
# username, display name, admin, role in the demo study (in observer-code order: W01 to W05)
ACCOUNTS = [
    ("fieldworker", "Fatima (veldwerk)", False, "fieldworker"),
    ("fieldworker2", "Bram (veldwerk)", False, "fieldworker"),
    ("lead", "Lieke (onderzoeksleider)", False, "lead"),
    ("coordinator", "Cor (coördinator)", False, "coordinator"),
    # The third fieldworker came later; three make the three observer pairs of the
    # reliability check (demo/pairs.py).
    ("fieldworker3", "Sanne (veldwerk)", False, "fieldworker"),
    ("admin", "Beheerder", True, None),
]
FIELDWORKERS = ("fieldworker", "fieldworker2", "fieldworker3")


@dataclass
class DemoResult:
    """What the demo command did, for printing."""

    created: bool
    study: Study
    accounts: list[tuple[str, str]]


def _user(username: str, display_name: str, is_admin: bool, password: str) -> User:
    """Return the existing account, or create it with the demo password."""
    user = db.session.scalar(select(User).filter_by(username=username))
    return user or accounts.create_user(username, password, display_name, is_admin=is_admin)


def _places(study: Study) -> list[tuple[dict, Site]]:
    """Create the five sites with their zones."""
    created = []
    for spec in SITES:
        site = Site(
            study_id=study.id,
            **{k: spec[k] for k in ("name", "kind", "address", "city", "neighbourhood")},
        )
        site.zones = [
            Zone(
                name=zone["name"],
                area_m2=zone["area_m2"],
                position=position,
                counting_line=zone.get("counting_line", False),
            )
            for position, zone in enumerate(spec["zones"])
        ]
        db.session.add(site)
        created.append((spec, site))
    db.session.flush()
    return created


def create_demo(password: str = DEFAULT_PASSWORD, today: date | None = None) -> DemoResult:
    """Create the demo study unless it exists; the caller commits."""
    study = db.session.scalar(select(Study).filter_by(slug=DEMO_SLUG))
    roles = [(a[0], a[3] or "admin") for a in ACCOUNTS]
    if study is not None:
        return DemoResult(False, study, roles)
    users = {name: _user(name, display, admin, password) for name, display, admin, _ in ACCOUNTS}
    study = studies.create_study(
        "Publieke familiariteit (demo)",
        DEMO_SLUG,
        "Demonstratiestudie: ontmoetingen op vijf plekken uit het onderzoek van "
        "Kennisplatform Inclusief Samenleven. Alle waarnemingen zijn gegenereerd.",
    )
    members = [
        accounts.add_member(study, users[username], role)
        for username, _, _, role in ACCOUNTS
        if role
    ]
    places = _places(study)
    today = today or datetime.now(ZoneInfo(study.timezone)).date()
    add_conditions(places, members, today)
    observed = generate_fieldwork(
        random.Random(DEMO_SEED),
        study,
        places,
        observers=[users[name] for name in FIELDWORKERS],
        reviewer=users["lead"],
        today=today,
        # Small teams observe too: the coordinator is out at a site right now.
        running_by=users["coordinator"],
    )
    store_counts(random.Random(PASSERS_SEED), study.id, places, observed, utcnow())
    audit.record("create", "study", study.id, {"demo": [None, True]}, study_id=study.id)
    return DemoResult(True, study, roles)
