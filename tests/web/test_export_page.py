"""The export page: roles, filters, presets, background jobs and their failures."""

import csv
import io
import re
import time

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from observations.extensions import db
from observations.models import ExportJob, ExportPreset, PasserCount, PasserTally, Site
from tests import snapshots
from tests.conftest import AuthActions, csrf_token

PAGE = "/studies/demo/research/export"


@pytest.fixture
def lead(app, client):
    """The demo study with its research lead logged in."""
    snapshots.demo(app)
    AuthActions(client).login("lead", "correct-horse-battery")
    return client


def post(client, **data):
    """Submit the export form; a file answer is read and closed at once."""
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    response = client.post(
        PAGE, data={"csrf_token": token, "format": "xlsx", "labels": "nl", **data}
    )
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize(
    ("username", "status"), [("lead", 200), ("coordinator", 200), ("fieldworker", 403)]
)
def test_who_may_export(app, client, username, status):
    snapshots.demo(app)
    AuthActions(client).login(username, "correct-horse-battery")
    assert client.get(PAGE).status_code == status
    if status == 403:
        token = csrf_token(client.get("/account").get_data(as_text=True))
        refused = client.post(PAGE, data={"csrf_token": token, "export": "1"})
        assert refused.status_code == 403


def test_small_export_downloads_at_once(lead):
    response = post(lead, export="Exporteren", labels="en")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert re.search(r"terloops-demo-\d{8}-\d{6}\.xlsx", response.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert "Encounters" in book.sheetnames
    page = lead.get(PAGE).get_data(as_text=True)
    assert "Lieke (onderzoeksleider)" in page and "Downloaden" in page
    assert re.search(r"\b\d{1,3}\.\d{3} rijen", page), "row counts in Dutch notation"


def test_the_form_filters_the_export(app, lead):
    with app.app_context():
        park = db.session.scalar(sa.select(Site).filter_by(name="Wijkpark Cromvliet")).id
    response = post(lead, export="1", sites=str(park), format="csv")
    import zipfile

    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sessions = archive.read("Sessions.csv").decode("utf-8-sig").splitlines()[1:]
    assert sessions and all("Wijkpark Cromvliet" in line for line in sessions)


def test_the_passers_by_counts_download_as_a_pldp_people_moving_table(app, lead):
    with app.app_context():
        stored = db.session.scalar(
            sa.select(sa.func.sum(PasserTally.count))
            .join(PasserCount)
            .where(PasserTally.category == "mode", PasserCount.retracted.is_(False))
        )
    response = post(lead, export="1", format="pldp-moving")
    assert response.status_code == 200
    assert re.search(
        r"terloops-demo-\d{8}-\d{6}-pldp-moving\.csv", response.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {"row_total", "mode_pedestrian", "mode_bicyclist", "group_8+"} <= set(rows[0])
    assert stored and sum(int(row["row_total"]) for row in rows) == stored
    page = lead.get(PAGE).get_data(as_text=True)
    assert "pldp-moving" in page, "the past export lists its format"


def test_bad_period_is_explained_and_settings_kept(lead):
    response = post(lead, export="1", date_from="2026-05-10", date_to="2026-05-01", labels="en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "De einddatum ligt vóór de begindatum." in page
    assert (
        'value="en" checked' in page
        or 'checked value="en"' in page
        or re.search(r'<input[^>]*checked[^>]*value="en"|<input[^>]*value="en"[^>]*checked', page)
    )


def test_presets_save_apply_and_delete(app, lead):
    assert "Geef de voorinstelling een naam." in post(
        lead, save_preset="1", preset_name=""
    ).get_data(as_text=True)
    response = post(
        lead,
        save_preset="1",
        preset_name="Alleen goedgekeurd",
        labels="codes",
        review_states="approved",
    )
    assert response.status_code == 302
    with app.app_context():
        preset = db.session.scalar(sa.select(ExportPreset))
        assert preset.settings["review_states"] == ["approved"]
    page = lead.get(response.location).get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*value="approved"|<input[^>]*value="approved"'
        r"[^>]*checked",
        page,
    )
    assert "Alleen goedgekeurd" in page
    token = csrf_token(page)
    lead.post(f"/studies/demo/research/presets/{preset.id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(sa.select(ExportPreset)) is None


def test_someone_elses_preset_is_not_found(app, lead):
    with app.app_context():
        other = db.session.scalar(sa.text("SELECT id FROM users WHERE username='coordinator'"))
        study = db.session.scalar(sa.text("SELECT id FROM studies WHERE slug='demo'"))
        db.session.add(ExportPreset(study_id=study, user_id=other, name="x", settings={}))
        db.session.commit()
        preset = db.session.scalar(sa.select(ExportPreset)).id
    assert lead.get(f"{PAGE}?preset={preset}").status_code == 404


def wait_for(client, status_url: str, seconds: float = 60) -> dict:
    """Poll a job's status until it finishes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(status_url).get_json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError("the export did not finish")


def test_large_export_runs_in_the_background_with_progress(app, lead):
    app.config["EXPORT_INLINE_ROWS"] = 0
    response = post(lead, export="1")
    assert response.status_code == 302
    job_id = int(re.search(r"job=(\d+)", response.location).group(1))
    page = lead.get(response.location).get_data(as_text=True)
    assert "loopt op de achtergrond" in page
    status_url = f"/studies/demo/research/export/jobs/{job_id}"
    state = wait_for(lead, status_url)
    assert state["status"] == "done" and state["progress"] == 100
    download = lead.get(state["download"])
    download.get_data()
    download.close()
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data), read_only=True).sheetnames[0] == "About"
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert job.row_counts["Encounters"] > 0 and job.size_bytes == len(download.data)


def test_a_failing_export_shows_why(app, lead, monkeypatch):
    from observations.export import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(jobs, "export", broken)
    app.config["EXPORT_INLINE_ROWS"] = 0
    response = post(lead, export="1")
    job_id = int(re.search(r"job=(\d+)", response.location).group(1))
    state = wait_for(lead, f"/studies/demo/research/export/jobs/{job_id}")
    assert state["status"] == "failed" and "schijf vol" in state["error"]
    page = lead.get(PAGE).get_data(as_text=True)
    assert "De export is mislukt: schijf vol" in page
    assert lead.get(f"/studies/demo/research/export/jobs/{job_id}/download").status_code == 404


def test_a_small_export_that_fails_says_so(app, lead, monkeypatch):
    from observations.export import jobs

    monkeypatch.setattr(jobs, "export", lambda *a, **k: (_ for _ in ()).throw(OSError("kapot")))
    response = post(lead, export="1")
    assert response.status_code == 302
    assert "De export is mislukt: kapot" in lead.get(response.location).get_data(as_text=True)


def test_jobs_of_another_study_are_not_found(app, lead):
    from observations import studies

    with app.app_context():
        other = studies.create_study("Ander", "ander")
        user = db.session.scalar(sa.text("SELECT id FROM users WHERE username='lead'"))
        job = ExportJob(
            study_id=other.id, user_id=user, format="xlsx", status="done", file_name="x.xlsx"
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    assert lead.get(f"/studies/demo/research/export/jobs/{job_id}").status_code == 404
    assert lead.get(f"/studies/demo/research/export/jobs/{job_id}/download").status_code == 404


def test_past_exports_say_what_they_hold(app):
    from observations.i18n import export_summary

    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert export_summary({"labels": "en"}) == "labels: English · alle locaties · hele periode"
        assert (
            export_summary({"labels": "codes", "sites": [1, 2], "date_from": "2026-11-01"})
            == "labels: codes · 2 locaties · 2026-11-01 – …"
        )


def finished_job(app, username="lead", days_ago=0) -> int:
    """A finished export of the demo study made by `username`, with its file on disk."""
    from datetime import timedelta

    from observations.export import jobs
    from observations.models import Study, User, utcnow

    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="demo"))
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        finished = utcnow() - timedelta(days=days_ago)
        job = ExportJob(
            study_id=study.id,
            user_id=user.id,
            format="xlsx",
            status="done",
            progress=100,
            row_counts={"Encounters": 3},
            file_name=f"oud-{username}-{days_ago}.xlsx",
            created_at=finished,
            finished_at=finished,
        )
        db.session.add(job)
        db.session.commit()
        jobs.file_of(job).write_bytes(b"PK")
        return job.id


def job_file(app, job_id: int):
    from observations.export import jobs

    with app.test_request_context():
        return jobs.file_of(db.session.get(ExportJob, job_id))


def test_files_past_the_keeping_period_are_deleted_and_say_so(app, lead):
    old, recent = finished_job(app, days_ago=31), finished_job(app, days_ago=29)
    old_file, recent_file = job_file(app, old), job_file(app, recent)
    post(lead, export="1")
    assert not old_file.exists() and recent_file.exists()
    page = lead.get(PAGE).get_data(as_text=True)
    assert "bestand na 30 dagen verwijderd" in page
    assert "Bestanden worden na de export 30 dagen bewaard." in page
    response = lead.get(f"/studies/demo/research/export/jobs/{old}/download")
    assert response.status_code == 302
    assert "exports worden 30 dagen bewaard" in lead.get(PAGE).get_data(as_text=True)
    download = lead.get(f"/studies/demo/research/export/jobs/{recent}/download")
    download.get_data()
    download.close()
    assert download.status_code == 200 and download.data == b"PK"


def test_a_lead_deletes_their_own_export_only(app, lead):
    own, others = finished_job(app), finished_job(app, username="coordinator")
    token = csrf_token(lead.get(PAGE).get_data(as_text=True))
    delete = "/studies/demo/research/export/jobs/{}/delete"
    assert lead.post(delete.format(own)).status_code == 400, "no CSRF token, no deletion"
    assert lead.post(delete.format(others), data={"csrf_token": token}).status_code == 403
    response = lead.post(delete.format(own), data={"csrf_token": token}, follow_redirects=True)
    assert "Export oud-lead-0.xlsx verwijderd." in response.get_data(as_text=True)
    assert not job_file(app, others).parent.joinpath(f"{own}-oud-lead-0.xlsx").exists()
    with app.app_context():
        assert db.session.get(ExportJob, own) is None
        assert db.session.get(ExportJob, others) is not None


def test_a_running_export_cannot_be_deleted(app, lead):
    job_id = finished_job(app)
    with app.app_context():
        db.session.get(ExportJob, job_id).status = "running"
        db.session.commit()
    token = csrf_token(lead.get(PAGE).get_data(as_text=True))
    response = lead.post(
        f"/studies/demo/research/export/jobs/{job_id}/delete",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Deze export loopt nog" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ExportJob, job_id) is not None


def test_the_file_name_is_stamped_in_the_studys_local_time(app, world, monkeypatch):
    from datetime import UTC, datetime

    from observations.export import ExportOptions, jobs
    from observations.models import Study, User

    # 22:30 UTC on 1 July is half past midnight on 2 July in Amsterdam (summer time).
    monkeypatch.setattr(jobs, "utcnow", lambda: datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        user = db.session.scalar(sa.select(User).filter_by(username="alpha-lead"))
        job = jobs.create_job(study, user, ExportOptions(format="csv"))
        assert job.file_name == "terloops-alpha-20260702-003000.zip"
        study.timezone = "America/New_York"
        assert jobs.create_job(study, user, ExportOptions()).file_name.endswith(
            "-20260701-183000.xlsx"
        )


@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31", "2026-02-30"])
def test_a_date_out_of_range_is_explained_not_a_server_error(lead, day):
    response = post(lead, export="1", date_to=day)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        "Geef een datum van 2000-01-01 tot en met 2099-12-31." in page
        or "Geef een datum zoals" in page
    )
