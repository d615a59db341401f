"""Named objects of the access tests' world for the import page: a finished import of lead_a
and of lead_b ("import of <actor>"), a failed one in study A (the page sweep sees the report
and the reason) and a running one in study B: in study A it would stop the purge page of
the retention tests before its confirmation field is checked."""

from observations.extensions import db
from observations.models import ImportJob, utcnow

REPORT = [
    "study: {slug}",
    "rows read: 2; imported: 2; rejected: 0",
    "surveys → sessions: created 1",
    "people counted: 3",
    "mapped: Male → gender:man",
]


def _job(study, user, **values) -> ImportJob:
    job = ImportJob(
        study_id=study.id, user_id=user.id, file_name="tellingen-2025.csv", rows=2, **values
    )
    db.session.add(job)
    db.session.flush()
    return job


def add(world, studies: dict, users: dict) -> None:
    """Add the imports (studies: "a"/"b"; users: by actor)."""
    for actor, key in (("lead_a", "a"), ("lead_b", "b")):
        study = studies[key]
        report = [line.format(slug=study.slug) for line in REPORT]
        done = _job(study, users[actor], status="done", progress=100, report=report)
        done.finished_at = utcnow()
        world.objects[f"import of {actor}"] = done.id
    _job(studies["b"], users["lead_b"], status="running", progress=40, content=b"x")
    _job(
        studies["a"],
        users["lead_a"],
        status="failed",
        error="Location L1: too long",
        finished_at=utcnow(),
    )
