"""Text fields of the retention pages (manage/retention), for the hostile-strings test: the
retention period (a whole number) and the short name typed to confirm a purge. Neither can
hold a hostile string: each is refused with a message, what was typed shown back."""

from observations.export import ExportOptions
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import Study, User, utcnow
from tests.access.hostile_fields import Field, Outcome, judge_refusal
from tests.access.hostile_sites import COORDINATOR, _refused, manage_url


def _exported(bench) -> None:
    """A complete export of study A made now, so that the purge page offers its form."""
    with bench.app.test_request_context():
        study = db.session.get(Study, bench.study_id("a"))
        user = db.session.get(User, bench.user_id(COORDINATOR))
        job = export_jobs.create_job(study, user, ExportOptions(format="csv"))
        job.status, job.finished_at = "done", utcnow()
        db.session.commit()


def _confirmation(bench, hostile):
    """The string typed as the study's short name: nothing is deleted, the form comes back."""
    _exported(bench)
    answer = bench.post(
        COORDINATOR, manage_url(bench, "/retention/delete"), {"confirmation": hostile.value}
    )
    outcome = Outcome()
    judge_refusal(outcome, answer, hostile)
    return outcome


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [
        Field(
            "retention: period in months",
            lambda b, h: _refused(b, h, manage_url(b, "/retention"), {}, "retention_months"),
            always_refused=True,
        ),
        Field("retention: short name to confirm a purge", _confirmation, always_refused=True),
    ]
