"""The world the access tests run in: studies A and B, eight actors, and what each one owns.

`build(demo=False)` makes a small world fast enough to rebuild many times (the route matrix);
`build(demo=True)` makes the demo study study A, so that pages show real content (the page
sweep). Both hold the same named objects, so one table of expectations serves both.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from observations import accounts, demo, studies, tokens
from observations.export import ExportOptions
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import ExportPreset, Site, Study, User, Zone, utcnow
from observations.sync import sync_records
from tests.access import areas
from tests.factories import PASSWORD

ACTORS = (
    "anonymous",
    "fieldworker_a",
    "fieldworker_a2",
    "fieldworker_b",
    "lead_a",
    "coordinator_a",
    "lead_b",
    "admin",
)
# The demo's own accounts are the actors of study A; study B has its own fieldworker and lead.
USERNAMES = {
    "fieldworker_a": "fieldworker",
    "fieldworker_a2": "fieldworker2",
    "fieldworker_b": "berk-fieldworker",
    "lead_a": "lead",
    "coordinator_a": "coordinator",
    "lead_b": "berk-lead",
    "admin": "admin",
}
# Which study each member belongs to (the admin belongs to none and may see both).
STUDY_OF = {
    "fieldworker_a": "a",
    "fieldworker_a2": "a",
    "lead_a": "a",
    "coordinator_a": "a",
    "fieldworker_b": "b",
    "lead_b": "b",
}
STUDY_B = ("Studie Berk", "berk")
STUDY_A_SMALL = ("Studie Anjer", "anjer")


@dataclass
class World:
    """Who the actors are and the objects named in the expectation table."""

    usernames: dict[str, str]
    objects: dict[str, object] = field(default_factory=dict)
    study_names: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str):
        """An object by its name in the table, e.g. "export of lead_a"."""
        try:
            return self.objects[name]
        except KeyError:
            known = ", ".join(sorted(self.objects))
            raise KeyError(f"the world has no object {name!r}; it has: {known}") from None

    def hidden_study_names(self, actor: str) -> list[str]:
        """Names of the studies this actor may not know exist."""
        if actor == "admin":
            return []
        own = STUDY_OF.get(actor)
        return [name for key, name in self.study_names.items() if key != own]


def _started(minutes_ago: int) -> str:
    """A time as a phone sends it (with microseconds, which pages must not show in markup)."""
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def session_records(study: str, site: int, zones: list[int]) -> tuple[dict, dict]:
    """A new open session at a site and one encounter in it, as a phone sends them."""
    session = {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": study,
        "site": site,
        "zones": zones,
        "started_at": _started(30),
        "weather": ["indoors"],
        "crowding": "moderate",
        "programme": "none",
    }
    record = {
        "uuid": str(uuid.uuid4()),
        "kind": "encounter",
        "session": session["uuid"],
        "occurred_at": _started(10),
        "encounter_type": "greeting",
        "parties": "visitor_visitor",
        "relation": "recognised",
        "flags": ["across_ages"],
    }
    return session, record


def _study_with_site(name: str, slug: str, site_name: str) -> Study:
    """A study with the default codebook and one site of two zones."""
    study = studies.create_study(name, slug)
    site = Site(
        study_id=study.id,
        name=site_name,
        kind="library",
        zones=[Zone(name="Entree", position=0), Zone(name="Leestafels", position=1)],
    )
    db.session.add(site)
    db.session.flush()
    return study


def _first_site(study: Study) -> Site:
    """The study's first site by name."""
    return db.session.scalars(select(Site).filter_by(study_id=study.id).order_by(Site.name)).first()


def _finished_export(study: Study, user) -> int:
    """A finished export of the user, with its file on disk; returns the job's id."""
    job = export_jobs.create_job(study, user, ExportOptions(format="csv"))
    content = b"sessions.csv\n"
    job.status, job.progress, job.finished_at = "done", 100, utcnow()
    job.row_counts, job.size_bytes = {"Sessions": 1}, len(content)
    db.session.flush()
    (export_jobs.export_dir(current_app) / f"{job.id}-{job.file_name}").write_bytes(content)
    return job.id


def _actors(study_a: Study, study_b: Study, demo_study: bool) -> dict[str, User]:
    """The seven accounts (the demo has made those of study A already) and their roles."""
    users = {
        actor: db.session.scalar(select(User).filter_by(username=username))
        or accounts.create_user(username, PASSWORD, actor, is_admin=actor == "admin")
        for actor, username in USERNAMES.items()
    }
    for actor, home in STUDY_OF.items():
        if home == "b" or not demo_study:
            study = study_a if home == "a" else study_b
            accounts.add_member(study, users[actor], actor.split("_")[0])
    db.session.flush()
    return users


def _owned_objects(world: World, studies_by_key: dict, users: dict) -> None:
    """Open sessions, exports, presets and API tokens, each named after its owner."""
    for actor in ("fieldworker_a", "fieldworker_a2", "fieldworker_b"):
        study = studies_by_key[STUDY_OF[actor]]
        site = _first_site(study)
        session, record = session_records(study.slug, site.id, [z.id for z in site.zones])
        results = sync_records(users[actor], [session, record])
        assert [r["status"] for r in results] == ["created", "created"], results
        world.objects[f"session of {actor}"] = session["uuid"]
        world.objects[f"encounter of {actor}"] = record
    for actor in ("lead_a", "coordinator_a", "lead_b"):
        study = studies_by_key[STUDY_OF[actor]]
        world.objects[f"export of {actor}"] = _finished_export(study, users[actor])
    for actor in ("lead_a", "lead_b"):
        preset = ExportPreset(
            study_id=studies_by_key[STUDY_OF[actor]].id,
            user_id=users[actor].id,
            name="Alles als csv",
            settings=ExportOptions(format="csv").to_json(),
        )
        db.session.add(preset)
        db.session.flush()
        world.objects[f"preset of {actor}"] = preset.id
    for actor, user in users.items():
        token, plain = tokens.create_token(user, "laptop")
        world.objects[f"token of {actor}"] = token.id
        world.objects[f"bearer of {actor}"] = plain


def build(demo_study: bool = False) -> World:
    """Create the world in the current app's empty tables and commit it (needs a request)."""
    if demo_study:
        study_a = demo.create_demo(password=PASSWORD).study
    else:
        study_a = _study_with_site(*STUDY_A_SMALL, "Bibliotheek Anjer")
    study_b = _study_with_site(*STUDY_B, "Buurthuis Berk")
    users = _actors(study_a, study_b, demo_study)
    site_a = _first_site(study_a)
    world = World(dict(USERNAMES), study_names={"a": study_a.name, "b": study_b.name})
    world.objects = {
        "study a": study_a.slug,
        "study b": study_b.slug,
        "id of study a": study_a.id,
        "id of study b": study_b.id,
        "no such study": "geen-studie",
        "site of study a": site_a.id,
        "zones of study a": [zone.id for zone in site_a.zones],
        "not a uuid": "geen-uuid",
        "a static file": "css/app.css",
    }
    _owned_objects(world, {"a": study_a, "b": study_b}, users)
    for module in areas.modules("objects"):
        module.add(world, {"a": study_a, "b": study_b}, users)
    db.session.commit()
    return world


def empty_tables() -> None:
    """Delete every row of every table, children first (faster than dropping the tables)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def logged_in(app, world, actor: str):
    """A test client of the actor, logged in through the real form, and its CSRF token."""
    from tests.conftest import AuthActions

    client = app.test_client()
    auth = AuthActions(client)
    if actor != "anonymous":
        response = auth.login(world.usernames[actor])
        assert response.status_code == 302, f"{actor} could not log in"
    return client, auth.token("/account" if actor != "anonymous" else "/login")
