"""The correction page: prefilled form, reasons, sync messages, history, roles, audit log."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import Correction, Encounter, FieldNote, Scan, Session
from observations.sync import sync_records
from tests.conftest import AuthActions
from tests.review.conftest import Records
from tests.review.page_form import form_values
from tests.sync.conftest import START

REASON = "Verkeerde relatie aangetikt <script>alert(1)</script>"


@pytest.fixture
def setup(app):
    """One ended session with a record of each kind, and one of another study."""
    with app.test_request_context():
        records = Records(app)
        synced = records.synced()
        other = records.session(
            study="elders", site=records.elsewhere, zones=[records.elsewhere_zone]
        )
        sync_records(records.outsider, [other])
        ids = dict(db.session.execute(sa.select(Session.uuid, Session.id)).all())
        db.session.commit()
        return {
            "study": records.study.slug,
            "session_id": ids[synced["session"]["uuid"]],
            "other_session_id": ids[other["uuid"]],
            "records": synced,
        }


def login(app, username: str):
    """A test client logged in as the user."""
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def url(setup, kind: str, session_id=None, uuid=None, study=None) -> str:
    """The correction page of one of the setup's records."""
    session_id = session_id or setup["session_id"]
    uuid = uuid or setup["records"][kind]["uuid"]
    return (
        f"/studies/{study or setup['study']}/research/sessions/{session_id}/records/{kind}/{uuid}"
    )


def post(client, address: str, **changes):
    """Send the page's form as shown, with some fields changed."""
    page = client.get(address)
    assert page.status_code == 200
    values = form_values(page.get_data(as_text=True))
    for name, value in changes.items():
        if isinstance(value, list):
            values.setlist(name, value)
        else:
            values[name] = value
    return client.post(address, data=values)


def stored(app, model, uuid):
    """A record as stored now."""
    with app.app_context():
        return db.session.scalar(sa.select(model).filter_by(uuid=uuid))


@pytest.mark.parametrize("username", ["leider", "coordinator"])
def test_a_lead_or_coordinator_corrects_a_relation(app, setup, username):
    client = login(app, username)
    answer = post(client, url(setup, "encounter"), relation="acquaintances", reason=REASON)
    assert answer.status_code == 302
    assert (
        answer.location.endswith(f"/studies/{setup['study']}/research/")
        or "sessions" in answer.location
    )
    encounter = stored(app, Encounter, setup["records"]["encounter"]["uuid"])
    assert encounter.relation == "acquaintances" and encounter.revision == 2
    # Untouched fields (the time, to its fraction of a second) did not change.
    with app.app_context():
        correction = db.session.scalar(sa.select(Correction))
        assert correction.changes == {"relation": ["recognised", "acquaintances"]}
        assert correction.reason == REASON.strip()
    page = client.get(url(setup, "encounter")).get_data(as_text=True)
    assert "alert(1)" in page and "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_form_is_prefilled_with_codes_of_the_records_version(app, setup):
    page = login(app, "leider").get(url(setup, "encounter")).get_data(as_text=True)
    values = form_values(page)
    assert values["relation"] == "recognised" and values.getlist("flags") == ["across_ages"]
    assert values["encounter_type"] == "greeting"
    assert 'value="acquaintances"' in page and 'value="friction"' in page


def test_the_reason_is_required_and_nothing_typed_is_lost(app, setup):
    client = login(app, "leider")
    answer = post(
        client, url(setup, "encounter"), relation="strangers", note="Bij de krant", reason=" "
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="reason-error"' in page
    values = form_values(page)
    assert values["relation"] == "strangers" and values["note"] == "Bij de krant"
    assert stored(app, Encounter, setup["records"]["encounter"]["uuid"]).relation == "recognised"


def test_an_unknown_code_gets_the_sync_message_at_its_field(app, setup):
    answer = post(login(app, "leider"), url(setup, "encounter"), relation="vrienden", reason="r")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="relation-error"' in page and "vrienden" in page


def test_a_time_outside_the_session_is_refused(app, setup):
    client = login(app, "leider")
    late = (START + timedelta(minutes=90)).astimezone(ZoneInfo("Europe/Amsterdam"))
    late = late.strftime("%Y-%m-%dT%H:%M")  # as typed, in the study's time zone
    answer = post(client, url(setup, "note"), written_at=late, reason="r")
    assert answer.status_code == 422
    assert 'id="written_at-error"' in answer.get_data(as_text=True)


def test_a_time_that_is_not_one_gets_a_message(app, setup):
    answer = post(login(app, "leider"), url(setup, "note"), written_at="gisteren", reason="r")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="written_at-error"' in page and 'value="gisteren"' in page


def test_scan_counts_are_number_inputs_and_the_arithmetic_is_checked(app, setup):
    client = login(app, "leider")
    page = client.get(url(setup, "scan")).get_data(as_text=True)
    values = form_values(page)
    # 65+ is the fourth age code, woman the second gender code.
    assert values["count_age_3"] == "2" and values["count_gender_1"] == "3"
    answer = post(client, url(setup, "scan"), count_age_3="5", reason="r")
    assert answer.status_code == 422
    assert 'id="counts-error"' in answer.get_data(as_text=True)
    answer = post(client, url(setup, "scan"), count_age_3="3", count_gender_1="4", reason="Telfout")
    assert answer.status_code == 302
    with app.app_context():
        scan = db.session.scalar(sa.select(Scan).filter_by(uuid=setup["records"]["scan"]["uuid"]))
        counts = {(c.category, c.code): c.count for c in scan.counts}
        assert counts[("age", "65+")] == 3 and counts[("gender", "woman")] == 4
        correction = db.session.scalar(sa.select(Correction))
        assert correction.changes == {"counts.age.65+": [2, 3], "counts.gender.woman": [3, 4]}


def test_a_bad_count_gets_a_message(app, setup):
    answer = post(login(app, "leider"), url(setup, "scan"), count_age_3="twee", reason="r")
    assert answer.status_code == 422
    assert 'id="count_age_3-error"' in answer.get_data(as_text=True)


def test_a_session_and_a_note_are_corrected(app, setup):
    client = login(app, "coordinator")
    answer = post(
        client, url(setup, "session"), crowding="busy", temperature_c="12,5", reason="Was druk"
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    session = stored(app, Session, setup["records"]["session"]["uuid"])
    assert session.crowding == "busy" and session.temperature_c == 12.5
    answer = post(client, url(setup, "note"), text="Drukte bij de leestafels.", reason="Typo")
    assert answer.status_code == 302
    assert stored(app, FieldNote, setup["records"]["note"]["uuid"]).text == (
        "Drukte bij de leestafels."
    )


def test_nothing_changed_is_said(app, setup):
    answer = post(login(app, "leider"), url(setup, "session"), reason="Niets")
    assert answer.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Correction)) == 0


def test_the_history_shows_who_when_why_and_old_to_new(app, setup):
    client = login(app, "leider")
    post(client, url(setup, "encounter"), relation="strangers", reason="Eerste")
    post(client, url(setup, "encounter"), relation="acquaintances", reason="Tweede")
    page = client.get(url(setup, "encounter") + "?lang=en").get_data(as_text=True)
    assert page.index("Tweede") < page.index("Eerste")  # newest first
    assert "<del>" in page and "<ins>" in page
    assert "Leider" in page  # the lead's display name


def test_a_fieldworker_is_forbidden(app, setup):
    client = login(app, "veldwerker")
    assert client.get(url(setup, "encounter")).status_code == 403


def test_records_of_another_study_or_session_are_not_found(app, setup):
    client = login(app, "leider")
    assert (
        client.get(url(setup, "session", session_id=setup["other_session_id"])).status_code == 404
    )
    assert (
        client.get(url(setup, "scan", uuid=setup["records"]["encounter"]["uuid"])).status_code
        == 404
    )
    assert client.get(url(setup, "thing", uuid=setup["records"]["note"]["uuid"])).status_code == 404
    assert client.get(url(setup, "encounter", session_id=99999)).status_code == 404


def test_the_audit_page_shows_the_correction_and_its_reason(app, setup):
    client = login(app, "coordinator")
    post(client, url(setup, "encounter"), relation="strangers", reason="Tikfout <b>vet</b>")
    page = client.get(f"/studies/{setup['study']}/manage/audit?action=correct").get_data(
        as_text=True
    )
    assert setup["records"]["encounter"]["uuid"] in page
    assert "recognised" in page and "strangers" in page
    assert "Tikfout &lt;b&gt;vet&lt;/b&gt;" in page
    assert "<code>reason</code>: Tikfout" in page  # a reason, not an old → new pair
