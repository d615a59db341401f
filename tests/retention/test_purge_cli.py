"""`flask purge STUDY`: what it shows, when it refuses, and what it deletes (and leaves)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from observations.export import ExportOptions
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import (
    AuditEvent,
    Codebook,
    ExportJob,
    ExportPreset,
    ImportJob,
    Membership,
    Session,
    Site,
    Study,
    Zone,
    utcnow,
)
from tests.retention.conftest import by_slug, export_now, purge_events, rows_of

ALL_GONE = "sessions", "scans", "scan_counts", "encounters", "encounter_flags", "field_notes"


def counts(app, slug: str) -> dict[str, int]:
    """Rows per purged table of a study."""
    with app.app_context():
        return rows_of(by_slug(slug).id)


def export(app, slug: str = "alpha", **kwargs) -> int:
    """A finished complete export of the study, made now."""
    with app.test_request_context():
        return export_now(by_slug(slug), **kwargs)


def test_a_dry_run_shows_what_would_go_and_changes_nothing(app, runner, fieldwork):
    export(app)
    before = counts(app, "alpha")
    result = runner.invoke(args=["purge", "alpha", "--dry-run"])
    assert result.exit_code == 0, result.output
    for table in ("sessions", "scans", "encounters", "field_notes", "reviews", "fact_hours"):
        assert f"  {table:<20} {before[table]:>9}" in result.output
    assert before["sessions"] == 2 and before["export_jobs"] == 1
    assert f"  {'in all':<20} {sum(before.values()):>9}" in result.output
    assert "Sessions from " in result.output and "(Europe/Amsterdam)" in result.output
    assert "Complete export made at " in result.output
    assert "Dry run: nothing was deleted." in result.output
    assert counts(app, "alpha") == before
    with app.app_context():
        assert not purge_events()


def test_without_an_export_it_refuses_and_deletes_nothing(app, runner, fieldwork):
    before = counts(app, "alpha")
    result = runner.invoke(args=["purge", "alpha", "--yes"])
    assert result.exit_code == 2
    assert "There is no complete export of this study yet" in result.output
    assert counts(app, "alpha") == before
    # A dry run says the same, and exits normally.
    result = runner.invoke(args=["purge", "alpha", "--dry-run"])
    assert result.exit_code == 0 and "Refused: There is no complete export" in result.output


def test_an_export_older_than_the_last_record_does_not_count(app, runner, fieldwork):
    job_id = export(app)
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        job.created_at = utcnow() - timedelta(days=20)  # before the second session arrived
        db.session.commit()
    before = counts(app, "alpha")
    result = runner.invoke(args=["purge", "alpha", "--yes"])
    assert result.exit_code == 2
    assert "was made before the last record arrived or changed" in result.output
    assert counts(app, "alpha") == before


def test_a_filtered_or_pldp_export_does_not_count(app, runner, fieldwork):
    with app.app_context():
        site_id = db.session.scalar(sa.select(Site.id).filter_by(study_id=by_slug("alpha").id))
    export(app, options=ExportOptions(format="xlsx", sites=[site_id]))
    export(app, options=ExportOptions(format="csv", review_states=["approved"]))
    export(app, options=ExportOptions(format="pldp"))
    export(app, options=ExportOptions(format="csv"), status="failed")
    result = runner.invoke(args=["purge", "alpha", "--yes"])
    assert result.exit_code == 2, result.output
    assert "There is no complete export of this study yet" in result.output


def import_job(app, slug: str = "alpha", status: str = "done") -> None:
    """A PLDP import of the study by its lead; a queued or running one still holds its file."""
    with app.app_context():
        study = by_slug(slug)
        lead = db.session.scalar(sa.select(Membership).filter_by(study_id=study.id, role="lead"))
        waiting = status in ("queued", "running")
        db.session.add(
            ImportJob(
                study_id=study.id,
                user_id=lead.user_id,
                file_name="telling.csv",
                content=b"location_id,survey_id\n1,1\n" if waiting else None,
                status=status,
                report=[] if waiting else ["rows read: 1"],
            )
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("running", "message"),
    [
        (lambda app: export(app, status="running"), "An export of this study is running"),
        (lambda app: import_job(app, status="running"), "An import into this study is running"),
    ],
    ids=["export", "import"],
)
def test_a_running_export_or_import_blocks_even_a_forced_purge(
    app, runner, fieldwork, running, message
):
    export(app)
    running(app)
    result = runner.invoke(args=["purge", "alpha", "--yes", "--force-without-export"])
    assert result.exit_code == 2
    assert message in result.output
    assert counts(app, "alpha")["sessions"] == 2


def test_with_an_export_it_deletes_exactly_the_study_records(app, runner, fieldwork):
    import_job(app, "beta")
    beta_before = counts(app, "beta")
    export(app, "beta")
    beta_before["export_jobs"] += 1
    import_job(app, "alpha")
    job_id = export(app)
    with app.app_context():
        file = export_jobs.file_of(db.session.get(ExportJob, job_id))
        kept = {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Study, Site, Zone, Membership, Codebook, ExportPreset)
        }
    assert file.exists()
    alpha_before = counts(app, "alpha")
    assert alpha_before["import_jobs"] == 1 and beta_before["import_jobs"] == 1
    result = runner.invoke(args=["purge", "alpha", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Deleted {sum(alpha_before.values())} rows of study alpha" in result.output
    assert set(counts(app, "alpha").values()) == {0}
    assert counts(app, "beta") == beta_before
    assert not file.exists()
    with app.app_context():
        assert kept == {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Study, Site, Zone, Membership, Codebook, ExportPreset)
        }
        assert by_slug("alpha").purged_at is not None and by_slug("beta").purged_at is None
        (event,) = purge_events()
        alpha = by_slug("alpha")
        assert (event.study_id, event.entity, event.entity_key) == (
            alpha.id,
            "study",
            str(alpha.id),
        )
        assert event.actor_id is None
        for table in ALL_GONE:
            assert event.changes[table] == [alpha_before[table], 0]
        assert event.changes["via"] == [None, "command line"]
        assert event.changes["export"][1].endswith(" xlsx")
        assert event.changes["first_session"][0] < event.changes["last_session"][0]
        assert "forced_without_export" not in event.changes
        # The audit trail of the records themselves stays: append-only.
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).filter_by(action="correct")
        )
    # Nothing is left, so a second purge has nothing to do.
    again = runner.invoke(args=["purge", "alpha", "--yes"])
    assert again.exit_code == 0 and "Nothing to delete." in again.output


def test_forced_without_an_export_it_warns_and_the_audit_event_says_so(app, runner, fieldwork):
    result = runner.invoke(args=["purge", "alpha", "--yes", "--force-without-export"])
    assert result.exit_code == 0, result.output
    assert "Warning: no complete export holds these records" in result.output
    assert counts(app, "alpha")["sessions"] == 0
    with app.app_context():
        (event,) = purge_events()
        assert event.changes["forced_without_export"] == [None, True]
        assert "export" not in event.changes


def test_it_asks_before_deleting(app, runner, fieldwork):
    export(app)
    before = counts(app, "alpha")
    result = runner.invoke(args=["purge", "alpha"], input="n\n")
    assert result.exit_code == 1
    assert f"Delete these {sum(before.values())} rows for good?" in result.output
    assert counts(app, "alpha") == before
    result = runner.invoke(args=["purge", "alpha"], input="y\n")
    assert result.exit_code == 0, result.output
    assert counts(app, "alpha")["sessions"] == 0


def test_an_export_on_the_command_line_counts(app, runner, fieldwork, tmp_path):
    out = tmp_path / "alpha.csv.zip"
    partial = runner.invoke(
        args=["export", "alpha", "--format", "csv", "--out", str(out), "--from", "2000-01-01"]
    )
    assert partial.exit_code == 0, partial.output
    refused = runner.invoke(args=["purge", "alpha", "--dry-run"])
    assert "Refused: There is no complete export" in refused.output
    complete = runner.invoke(args=["export", "alpha", "--format", "csv", "--out", str(out)])
    assert complete.exit_code == 0, complete.output
    result = runner.invoke(args=["purge", "alpha", "--yes"])
    assert result.exit_code == 0, result.output
    assert "(csv, the command line)" in result.output
    with app.app_context():
        (event,) = purge_events()
        assert event.changes["export"][1].endswith(" csv")


def test_an_unknown_study_gets_a_clear_message(runner, fieldwork):
    result = runner.invoke(args=["purge", "gamma", "--yes"])
    assert result.exit_code == 2
    assert "There is no study with the short name gamma." in result.output


def test_a_review_after_the_export_needs_a_new_export(app, runner, fieldwork):
    """A decision changes what an export holds (the review state): it counts as a change."""
    from observations.review import decisions
    from tests.retention.conftest import users_of

    export(app)
    with app.test_request_context():
        session = db.session.scalars(
            sa.select(Session).filter_by(study_id=by_slug("alpha").id)
        ).first()
        decisions.decide(session, "has_issues", "Toch niet.", users_of("alpha")["lead"])
        db.session.commit()
    result = runner.invoke(args=["purge", "alpha", "--yes"])
    assert result.exit_code == 2
    assert "Export the study again first" in result.output
