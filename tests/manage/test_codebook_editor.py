"""The codebook editor: each change one version with its snapshot and one audit event;
retire and restore; xlsx export and import; phones offline on an older version still sync."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from observations import codebook, codebook_editor, codebook_xlsx
from observations.codebook_editor import NothingChanged
from observations.export import ExportOptions, export
from observations.extensions import db
from observations.models import AuditEvent, Codebook, Session
from observations.sync import sync_records
from observations.validation import Invalid
from tests.manage.helpers_codebook import (
    CHESS_ROW,
    code,
    logged_in,
    post,
    session_record,
    site_with_zone,
    study,
    user,
)

BASE = "/studies/alpha/manage/codebook"


def versions(slug: str = "alpha") -> list[Codebook]:
    """The study's versions, oldest first."""
    return list(
        db.session.scalars(
            select(Codebook).filter_by(study_id=study(slug).id).order_by(Codebook.version)
        )
    )


def codebook_events() -> list[AuditEvent]:
    """The audit events of codebook changes, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity.like("codebook%"), AuditEvent.action != "export")
            .order_by(AuditEvent.id)
        )
    )


def snapshot_code(version: Codebook, category: str, key: str) -> dict:
    """A code as a version's snapshot holds it."""
    cat = next(c for c in version.snapshot["categories"] if c["key"] == category)
    return next(c for c in cat["codes"] if c["code"] == key)


def test_each_change_is_one_new_version_with_snapshot_and_one_audit_event(app, world):
    with app.test_request_context():
        alpha, actor = study(), user("alpha-coordinator")
        activity = code("alpha", "activity", "waiting").category
        codebook_editor.update_category(alpha, activity, actor, label_en="Activities")
        new = codebook_editor.add_code(
            alpha, activity, actor, "chess", label_nl="schaken", label_en="chess"
        )
        codebook_editor.update_code(alpha, new, actor, label_en="playing chess", position=3)
        codebook_editor.retire_code(alpha, new, actor)
        codebook_editor.restore_code(alpha, new, actor)
        db.session.commit()

        made = versions()
        assert [v.version for v in made] == [1, 2, 3, 4, 5, 6]
        assert all(v.created_by_id == actor.id and v.note for v in made[1:])
        assert made[1].snapshot["categories"][6]["label"]["en"] == "Activities"
        assert snapshot_code(made[2], "activity", "chess")["introduced_in"] == 3
        assert snapshot_code(made[3], "activity", "chess")["label"]["en"] == "playing chess"
        assert snapshot_code(made[4], "activity", "chess")["retired_in"] == 5
        assert snapshot_code(made[5], "activity", "chess")["retired_in"] is None
        # The older snapshots keep what those versions said.
        assert snapshot_code(made[2], "activity", "chess")["label"]["en"] == "chess"

        events = codebook_events()
        assert [(e.action, e.entity, e.entity_key) for e in events] == [
            ("update", "codebook_category", "activity"),
            ("create", "codebook_code", "activity.chess"),
            ("update", "codebook_code", "activity.chess"),
            ("retire", "codebook_code", "activity.chess"),
            ("restore", "codebook_code", "activity.chess"),
        ]
        assert events[0].changes == {
            "label_en": ["Activity", "Activities"],
            "codebook_version": [1, 2],
        }
        assert events[1].changes["label_nl"] == [None, "schaken"]
        assert events[2].changes == {
            "label_en": ["chess", "playing chess"],
            "position": [12, 3],
            "codebook_version": [3, 4],
        }
        assert events[3].changes == {"retired_in": [None, 5], "codebook_version": [4, 5]}
        assert events[4].changes == {"retired_in": [5, None], "codebook_version": [5, 6]}
        assert all(e.study_id == alpha.id and e.actor_id == actor.id for e in events)


def test_nothing_changed_makes_no_version(app, world):
    with app.test_request_context():
        alpha = study()
        category = code("alpha", "activity", "waiting").category
        with pytest.raises(NothingChanged):
            codebook_editor.update_category(alpha, category, None, label_en=category.label_en)
        db.session.rollback()
        assert codebook.current_version(alpha) == 1


def test_retire_and_restore_decide_which_versions_may_use_the_code(app, world):
    with app.test_request_context():
        alpha = study()
        waiting = code("alpha", "activity", "waiting")
        codebook_editor.retire_code(alpha, waiting, None)
        db.session.commit()
        assert waiting.valid_in(1) and not waiting.valid_in(2)
        assert "waiting" not in [c.code for c in codebook.codes_by_category(alpha)["activity"]]
        codebook_editor.restore_code(alpha, waiting, None)
        db.session.commit()
        # Restored: valid again in every version since its introduction, also version 2.
        assert waiting.valid_in(1) and waiting.valid_in(2) and waiting.valid_in(3)


def test_the_last_code_in_use_of_a_category_cannot_be_retired(app, world):
    with app.test_request_context():
        alpha = study()
        category = code("alpha", "role", "staff").category
        codebook_editor.retire_code(alpha, code("alpha", "role", "staff"), None)
        codebook_editor.retire_code(alpha, code("alpha", "role", "trader"), None)
        with pytest.raises(Invalid, match="minstens één code"):
            codebook_editor.retire_code(alpha, code("alpha", "role", "visitor"), None)
        db.session.rollback()
        assert len(category.codes) == 3


def test_records_of_version_n_sync_after_the_codebook_moved_on(app, world):
    with app.test_request_context():
        site, zone = site_with_zone()
        fieldworker = user("alpha-fieldworker")
        # The phone was offline on version 1 and coded "busy" crowding.
        offline = session_record("alpha", site, zone, 1, crowding="busy")
        codebook_editor.retire_code(study(), code("alpha", "crowding", "busy"), None)
        db.session.commit()
        assert codebook.current_version(study()) == 2

        [result] = sync_records(fieldworker, [offline])
        assert result["status"] == "created", result
        stored = db.session.scalar(select(Session).filter_by(uuid=offline["uuid"]))
        assert (stored.codebook_version, stored.crowding) == (1, "busy")

        # The same retired code in a record of version 2 is refused, saying which code.
        newer = session_record("alpha", site, zone, 2, crowding="busy")
        [refused] = sync_records(fieldworker, [newer])
        assert refused["status"] == "invalid"
        message = " ".join(refused["errors"]["crowding"])
        assert "busy" in message and "buiten gebruik gesteld in codeboekversie 2" in message
        # A version the study does not have yet is refused too.
        [future] = sync_records(fieldworker, [session_record("alpha", site, zone, 3)])
        assert future["status"] == "invalid" and "codebook_version" in future["errors"]


def test_the_field_pages_carry_the_new_version(app, world, client):
    logged_in(client, "alpha-fieldworker")
    with app.test_request_context():
        codebook_editor.retire_code(study(), code("alpha", "crowding", "busy"), None)
        db.session.commit()
    page = client.get("/studies/alpha/field/start").get_data(as_text=True)
    assert '"version": 2' in page
    assert 'value="busy"' not in page and 'value="moderate"' in page


def test_a_retired_code_is_still_exported_with_its_label(app, world, tmp_path):
    with app.test_request_context():
        site, zone = site_with_zone()
        record = session_record("alpha", site, zone, 1, crowding="busy")
        assert sync_records(user("alpha-fieldworker"), [record])[0]["status"] == "created"
        codebook_editor.retire_code(study(), code("alpha", "crowding", "busy"), None)
        db.session.commit()
        path = tmp_path / "records.xlsx"
        export(study(), ExportOptions(labels="en"), str(path))
    book = load_workbook(path, read_only=True)
    rows = list(book["Sessions"].iter_rows(values_only=True))
    book.close()
    assert "busy" in rows[1] and "crowding" in rows[0]


def edited_export(app, edit) -> bytes:
    """The study's codebook as xlsx, with `edit(sheet)` applied."""
    with app.test_request_context():
        content = codebook_xlsx.export_codebook(study())
    book = load_workbook(io.BytesIO(content))
    edit(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_round_trip_unchanged_is_refused_as_nothing_changed(app, world):
    content = edited_export(app, lambda sheet: None)
    with app.test_request_context():
        with pytest.raises(NothingChanged):
            codebook_xlsx.import_codebook(study(), content, None)
        db.session.rollback()
        assert codebook.current_version(study()) == 1


def test_xlsx_import_changes_labels_retires_and_adds_in_one_version(app, world):
    def edit(sheet):
        rows = {(r[0].value, r[5].value): r for r in sheet.iter_rows(min_row=2)}
        rows[("activity", "waiting")][7].value = "queueing"
        rows[("activity", "phone")][11].value = "yes"
        sheet.append(CHESS_ROW)

    content = edited_export(app, edit)
    with app.test_request_context():
        report = codebook_xlsx.import_codebook(study(), content, user("alpha-coordinator"))
        db.session.commit()
        assert report.version == 2 and codebook.current_version(study()) == 2
        assert code("alpha", "activity", "waiting").label_en == "queueing"
        assert code("alpha", "activity", "phone").retired_in == 2
        assert code("alpha", "activity", "chess").introduced_in == 2
        [event] = codebook_events()
        assert event.action == "import"
        assert event.changes["activity.waiting.label_en"] == ["waiting", "queueing"]
        assert event.changes["activity.phone.retired_in"] == [None, 2]


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(app, world):
    def edit(sheet):
        rows = {(r[0].value, r[5].value): r for r in sheet.iter_rows(min_row=2)}
        rows[("activity", "waiting")][7].value = "queueing"  # fine, but must not be kept
        rows[("activity", "phone")][6].value = ""  # missing Dutch label
        rows[("age", "0-14")][7].value = "x" * 200  # too long
        rows[("age", "65+")][8].value = "bad\x7ftext"  # control character
        sheet.append(["nonsense", "a", "b", "scan", "no", "c", "d", "e", "", "", 1, "no"])
        sheet.append(["activity", "a", "b", "scan", "no", "Bad Key!", "d", "e", "", "", 1, "no"])
        sheet.append(["activity", "a", "b", "scan", "no", "waiting", "d", "e", "", "", 1, "no"])

    content = edited_export(app, edit)
    with app.test_request_context():
        with pytest.raises(codebook_xlsx.ImportRefused) as refused:
            codebook_xlsx.import_codebook(study(), content, None)
        db.session.rollback()
        numbers = {row for row, _reason in refused.value.errors}
        assert len(numbers) >= 6
        reasons = " ".join(reason for _row, reason in refused.value.errors)
        for expected in (
            "label_nl",
            "Hoogstens 120",
            "stuurteken",
            "nonsense",
            "Ongeldige code",
            "twee keer",
        ):
            assert expected in reasons, expected
        assert code("alpha", "activity", "waiting").label_en == "waiting"
        assert codebook.current_version(study()) == 1
        assert not codebook_events()


def test_a_file_without_the_header_is_refused(app, world):
    book = Workbook()
    book.active.append(["what", "ever"])
    out = io.BytesIO()
    book.save(out)
    with app.test_request_context():
        with pytest.raises(codebook_xlsx.ImportRefused) as refused:
            codebook_xlsx.import_codebook(study(), out.getvalue(), None)
        assert refused.value.errors[0][0] == 1
        with pytest.raises(codebook_xlsx.ImportRefused):
            codebook_xlsx.import_codebook(study(), b"not a workbook", None)


def test_pages_edit_retire_and_restore(app, world, client):
    auth = logged_in(client, "alpha-coordinator")
    with app.app_context():
        waiting = code("alpha", "activity", "waiting")
        ids = waiting.id, waiting.category_id
    answer = post(
        client,
        auth,
        f"{BASE}/codes/{ids[0]}",
        {"label_nl": "wachten", "label_en": "queueing", "position": "5"},
    )
    assert answer.status_code == 302
    assert post(client, auth, f"{BASE}/codes/{ids[0]}/retire", {}).status_code == 302
    page = client.get(BASE).get_data(as_text=True)
    assert "queueing" in page and "buiten gebruik sinds versie 3" in page
    assert post(client, auth, f"{BASE}/codes/{ids[0]}/restore", {}).status_code == 302
    with app.app_context():
        assert codebook.current_version(study()) == 4
        assert code("alpha", "activity", "waiting").retired_in is None


@pytest.mark.parametrize(
    ("locale", "message"),
    [("nl", "Gebruik 1 tot 40 kleine letters"), ("en", "Use 1 to 40 lower-case letters")],
)
def test_a_bad_new_code_is_refused_in_the_users_language(app, world, client, locale, message):
    auth = logged_in(client, "alpha-coordinator")
    client.post("/language", data={"locale": locale, "csrf_token": auth.token("/account")})
    answer = new_code(
        app,
        client,
        auth,
        {"code": "Schaak Spel", "label_nl": "schaken", "label_en": "", "position": "1"},
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in page and "schaken" in page
    with app.app_context():
        assert codebook.current_version(study()) == 1


def test_a_duplicate_code_key_is_refused(app, world, client):
    auth = logged_in(client, "alpha-coordinator")
    answer = new_code(
        app, client, auth, {"code": "waiting", "label_nl": "a", "label_en": "b", "position": "1"}
    )
    assert answer.status_code == 422
    assert "heeft al een code waiting" in answer.get_data(as_text=True)


def new_code(app, client, auth, fields: dict):
    """Post the new-code form of study alpha's activity category."""
    with app.app_context():
        category_id = code("alpha", "activity", "waiting").category_id
    return post(client, auth, f"{BASE}/categories/{category_id}/codes/new", fields)


def test_a_change_without_csrf_token_is_refused(app, world, client):
    logged_in(client, "alpha-coordinator")
    with app.app_context():
        code_id = code("alpha", "activity", "waiting").id
    answer = client.post(f"{BASE}/codes/{code_id}/retire")
    assert answer.status_code in (302, 400)
    with app.app_context():
        assert codebook.current_version(study()) == 1


def test_another_studys_category_or_code_answers_404(app, world, client):
    auth = logged_in(client, "alpha-coordinator")
    with app.app_context():
        beta_code = code("beta", "activity", "waiting")
        code_id, category_id = beta_code.id, beta_code.category_id
    assert client.get(f"{BASE}/codes/{code_id}").status_code == 404
    assert client.get(f"{BASE}/categories/{category_id}").status_code == 404
    assert post(client, auth, f"{BASE}/codes/{code_id}/retire", {}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.max(Codebook.version))) == 1


def test_download_and_upload_on_the_page(app, world, client):
    auth = logged_in(client, "alpha-coordinator")
    download = client.get(f"{BASE}/codebook.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.data))
    book.active["H2"] = "baby"
    book.active["A3"] = "nonsense"
    out = io.BytesIO()
    book.save(out)
    answer = post(
        client,
        auth,
        f"{BASE}/import",
        {"file": (io.BytesIO(out.getvalue()), "codebook.xlsx")},
        content_type="multipart/form-data",
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Rij 3:" in page and "nonsense" in page
    with app.app_context():
        assert codebook.current_version(study()) == 1
