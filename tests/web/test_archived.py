"""An archived study is read-only: its members read and export it, nothing new is stored."""

import io
import json

import pytest
import sqlalchemy as sa

from observations import studies, tokens
from observations.extensions import db
from observations.models import AuditEvent, ExportPreset, FieldNote, Study, User
from tests.conftest import AuthActions

EXPORT = "/studies/alpha/research/export"
ARCHIVED_PAGE = "Studie Study alpha is gearchiveerd"


def archive(app, slug: str = "alpha") -> None:
    """Archive a study through the service."""
    with app.app_context():
        studies.archive_study(db.session.scalar(sa.select(Study).filter_by(slug=slug)))
        db.session.commit()


def study_id(app, slug: str = "alpha") -> int:
    """The id of a study."""
    with app.app_context():
        return db.session.scalar(sa.select(Study.id).filter_by(slug=slug))


def test_the_admin_archives_and_reopens_a_study(app, client, auth, world):
    auth.login("root")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Archiveren: Study alpha" in page
    alpha = study_id(app)
    response = client.post(
        f"/admin/studies/{alpha}/archive", data={"csrf_token": auth.token("/admin/")}
    )
    assert response.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert "Studie Study alpha is gearchiveerd: vanaf nu alleen-lezen." in page
    assert "Heropenen: Study alpha" in page and "Archiveren: Study beta" in page
    with app.app_context():
        assert db.session.get(Study, alpha).archived_at is not None
    client.post(f"/admin/studies/{alpha}/reopen", data={"csrf_token": auth.token("/admin/")})
    with app.app_context():
        assert db.session.get(Study, alpha).archived_at is None
        actions = db.session.scalars(
            sa.select(AuditEvent.action).filter_by(entity="study", entity_key=str(alpha))
        ).all()
        assert actions == ["create", "archive", "unarchive"]


def test_archiving_needs_the_admin_and_a_form_token(app, client, auth, world):
    alpha = study_id(app)
    auth.login("alpha-coordinator")
    refused = client.post(
        f"/admin/studies/{alpha}/archive", data={"csrf_token": auth.token("/account")}
    )
    assert refused.status_code == 403
    auth.logout()
    auth.login("root")
    assert client.post(f"/admin/studies/{alpha}/archive").status_code == 400
    missing = client.post(
        "/admin/studies/999999/archive", data={"csrf_token": auth.token("/admin/")}
    )
    assert missing.status_code == 404
    with app.app_context():
        assert db.session.get(Study, alpha).archived_at is None


def test_leads_still_read_export_and_keep_presets(app, client, auth, world):
    archive(app)
    auth.login("alpha-lead")
    assert client.get("/studies/alpha/research/").status_code == 200
    token = auth.token(EXPORT)
    exported = client.post(
        EXPORT, data={"csrf_token": token, "format": "csv", "labels": "nl", "export": "1"}
    )
    exported.close()
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    saved = client.post(
        EXPORT,
        data={"csrf_token": token, "format": "csv", "labels": "nl", "save_preset": "1",
              "preset_name": "Alles"},
    )  # fmt: skip
    assert saved.status_code == 302
    with app.app_context():
        preset = db.session.scalar(sa.select(ExportPreset)).id
    deleted = client.post(
        f"/studies/alpha/research/presets/{preset}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 302


def test_a_change_in_an_archived_study_is_refused_with_a_message(app, client, auth, world):
    archive(app)
    auth.login("alpha-coordinator")
    assert client.get("/studies/alpha/manage/queue").status_code == 200
    with app.app_context():
        fieldworker = db.session.scalar(sa.select(User.id).filter_by(username="alpha-fieldworker"))
    queue = {"format": "terloops-queue", "version": 1, "records": []}
    response = client.post(
        "/studies/alpha/manage/queue",
        data={
            "file": (io.BytesIO(json.dumps(queue).encode()), "queue.json"),
            "fieldworker": str(fieldworker),
            "csrf_token": auth.token("/studies/alpha/manage/queue"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert (
        "Studie Study alpha is gearchiveerd: je kunt de studie nog lezen en exporteren, maar er "
        "kan niets meer in worden veranderd." in page
    )
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent).filter_by(action="upload")) is None


def test_the_queue_service_refuses_an_archived_study(app, world):
    from observations.queue_upload import upload_queue
    from observations.validation import Invalid

    archive(app)
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        user = db.session.scalar(sa.select(User).filter_by(username="alpha-fieldworker"))
        with pytest.raises(Invalid) as refused:
            upload_queue({"records": []}, study, user, user, "queue.json")
        assert "gearchiveerd" in refused.value.errors["file"][0]


def test_the_fieldwork_home_says_archived_and_offers_no_start(app, client, auth, world):
    auth.login("alpha-fieldworker")
    assert "Start een ongeplande sessie" in client.get("/studies/alpha/field/").get_data(
        as_text=True
    )
    archive(app)
    page = client.get("/studies/alpha/field/").get_data(as_text=True)
    assert "Deze studie is gearchiveerd" in page
    assert "/studies/alpha/field/start" not in page


def test_members_still_find_an_archived_study_marked_as_such(app, client, auth, world):
    archive(app)
    auth.login("alpha-lead")
    page = client.get("/studies").get_data(as_text=True)
    assert "Study alpha" in page and "gearchiveerd" in page
    assert "/studies/alpha/research/" in page


def test_the_phone_is_told_in_its_language(app, client, world):
    archive(app)
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username="alpha-fieldworker"))
        user.locale = "en"
        _token, plain = tokens.create_token(user, "phone")
        db.session.commit()
    record = {
        "uuid": "6f1c2a52-5c1e-4f3b-9d2a-1b7e0c9a4d10",
        "kind": "session",
        "study": "alpha",
        "site": 1,
        "zones": [1],
        "started_at": "2026-05-01T14:00:00+02:00",
    }
    response = client.post(
        "/api/v1/sync", json={"records": [record]}, headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 200
    # The study has no sites, so the record is wrong in more ways; archived is said too.
    assert response.get_json()["results"][0]["errors"]["study"] == [
        "Study Study alpha is archived: nothing new can be stored. Your records stay on "
        "this phone; ask your coordinator."
    ]
    capture = client.get(
        "/api/v1/studies/alpha/capture", headers={"Authorization": f"Bearer {plain}"}
    )
    assert capture.status_code == 200


def test_other_studies_are_not_affected(app, client, world):
    archive(app)
    auth = AuthActions(client)
    auth.login("beta-lead")
    token = auth.token("/studies/beta/research/export")
    saved = client.post(
        "/studies/beta/research/export",
        data={"csrf_token": token, "format": "csv", "labels": "nl", "save_preset": "1",
              "preset_name": "B"},
    )  # fmt: skip
    assert saved.status_code == 302


def test_records_sent_before_archiving_are_duplicates_not_refusals(app, client, world):
    """A phone that never heard the answer sends again: what arrived is not refused."""
    from observations.models import Site, Zone

    with app.app_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="alpha"))
        site = Site(study_id=study.id, name="Bibliotheek")
        site.zones = [Zone(name="Leestafel")]
        db.session.add(site)
        user = db.session.scalar(sa.select(User).filter_by(username="alpha-fieldworker"))
        _token, plain = tokens.create_token(user, "phone")
        db.session.commit()
        site_id, zone_id = site.id, site.zones[0].id
    session = {
        "uuid": "0b6f2f5e-93a4-4b43-9a7e-3f1f8f0c2a11",
        "kind": "session",
        "study": "alpha",
        "site": site_id,
        "zones": [zone_id],
        "started_at": "2026-05-01T14:00:00+02:00",
    }
    note = {
        "uuid": "5d9e7c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6",
        "kind": "note",
        "session": session["uuid"],
        "written_at": "2026-05-01T14:05:00+02:00",
        "text": "Rustig bij de ingang.",
    }
    headers = {"Authorization": f"Bearer {plain}"}

    def statuses(*records):
        answer = client.post("/api/v1/sync", json={"records": list(records)}, headers=headers)
        return [result["status"] for result in answer.get_json()["results"]]

    assert statuses(session, note) == ["created", "created"]
    archive(app)
    assert statuses(session, note) == ["duplicate", "duplicate"]
    later = {**note, "uuid": "7a8b9c0d-1e2f-4a5b-8c6d-7e8f9a0b1c2d", "text": "Later."}
    changed = {**note, "revision": 2, "text": "Anders."}
    assert statuses(later, changed) == ["invalid", "invalid"]
    with app.app_context():
        texts = db.session.scalars(sa.select(FieldNote.text)).all()
    assert texts == ["Rustig bij de ingang."]
