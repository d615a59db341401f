"""The coordinator's "delete data" page: what it shows, what it refuses, and what it deletes."""

import re
from datetime import timedelta

import sqlalchemy as sa

from observations import studies
from observations.extensions import db
from observations.models import ExportJob, utcnow
from tests.conftest import AuthActions
from tests.retention.conftest import by_slug, export_now, purge_events, rows_of

URL = "/studies/alpha/manage/retention/delete"


def counts(app, slug: str = "alpha") -> dict[str, int]:
    """Rows per purged table of a study."""
    with app.app_context():
        return rows_of(by_slug(slug).id)


def export(app, slug: str = "alpha") -> int:
    """A finished complete export of the study, made now."""
    with app.test_request_context():
        return export_now(by_slug(slug))


def shown_count(page: str, table: str) -> int:
    """The number of rows the page's table shows for one table name."""
    match = re.search(
        rf"<code>{table}</code></td>\s*<td class=\"num\" data-label=\"[^\"]+\">([\d.,\s]+)</td>",
        page,
    )
    assert match, f"no row for {table}"
    return int(re.sub(r"\D", "", match.group(1)))


def test_the_page_shows_what_goes_and_the_last_export(app, coordinator):
    client, _token = coordinator
    job_id = export(app)
    before = counts(app)
    page = client.get(URL).get_data(as_text=True)
    assert f"/studies/alpha/research/export/jobs/{job_id}/download" in page
    for table in ("sessions", "scans", "scan_counts", "encounters", "field_notes", "export_jobs"):
        assert shown_count(page, table) == before[table]
    assert before["sessions"] == 2
    export_cell = re.search(r"<dd data-export>(.*?)</dd>", page, re.S).group(1)
    assert (
        "<time datetime=" in export_cell and "xlsx" in export_cell and "Alpha-Lead" in export_cell
    )
    assert 'name="confirmation"' in page and "Type alpha to confirm" in page
    assert "What stays:" in page


def test_without_an_export_the_page_refuses_and_offers_the_export(app, coordinator):
    client, token = coordinator
    page = client.get(URL).get_data(as_text=True)
    assert "There is no complete export of this study yet" in page
    assert 'name="confirmation"' not in page
    assert "/studies/alpha/research/export" in page
    before = counts(app)
    answer = client.post(URL, data={"confirmation": "alpha", "csrf_token": token})
    assert answer.status_code == 422
    assert "There is no complete export of this study yet" in answer.get_data(as_text=True)
    assert counts(app) == before


def test_an_export_before_the_last_record_is_named_in_the_refusal(app, coordinator):
    client, _token = coordinator
    job_id = export(app)
    with app.app_context():
        db.session.get(ExportJob, job_id).created_at = utcnow() - timedelta(days=20)
        db.session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert "was made before the last record arrived or changed" in page
    assert 'name="confirmation"' not in page


def test_a_wrong_short_name_changes_nothing_and_keeps_what_was_typed(app, coordinator):
    client, token = coordinator
    export(app)
    before = counts(app)
    for typed in ("beta", "Alpha", "alph", ""):
        answer = client.post(URL, data={"confirmation": typed, "csrf_token": token})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422, typed
        assert re.search(
            r'<p class="error" id="confirmation-error">\s*Type the short name alpha exactly', page
        ), typed
        if typed:
            assert f'value="{typed}"' in page
        assert counts(app) == before
    with app.app_context():
        assert not purge_events()


def test_the_right_short_name_deletes_and_the_page_says_so(app, coordinator):
    client, token = coordinator
    export(app, "beta")
    beta_before = counts(app, "beta")
    export(app)
    before = counts(app)
    answer = client.post(URL, data={"confirmation": " alpha ", "csrf_token": token})
    assert answer.status_code == 302
    assert answer.location.endswith("/studies/alpha/manage/retention")
    assert set(counts(app).values()) == {0}
    assert counts(app, "beta") == beta_before
    page = client.get(answer.location).get_data(as_text=True)
    assert f"{sum(before.values())} rows of this study were deleted." in page
    assert "Last deletion:" in page and "By Alpha-Coordinator." in page
    assert shown_count(page, "encounters") == before["encounters"]
    with app.app_context():
        (event,) = purge_events()
        coordinator_id = db.session.scalar(
            sa.text("SELECT id FROM users WHERE username = 'alpha-coordinator'")
        )
        assert event.actor_id == coordinator_id
        assert event.changes["sessions"] == [2, 0]
        assert "via" not in event.changes
    audit_log = client.get("/studies/alpha/manage/audit").get_data(as_text=True)
    assert "records deleted" in audit_log and "<code>encounter_flags</code>" in audit_log
    nothing = client.get(URL).get_data(as_text=True)
    assert "there is nothing to delete" in nothing


def test_the_form_needs_its_csrf_token(app, coordinator):
    client, _token = coordinator
    export(app)
    before = counts(app)
    assert client.post(URL, data={"confirmation": "alpha"}).status_code == 400
    assert counts(app) == before


def test_only_the_coordinator_of_the_study_and_the_admin_may_delete(app, client, fieldwork):
    export(app)
    before = counts(app)
    auth = AuthActions(client)
    for username, status in (("alpha-lead", 403), ("beta-coordinator", 404)):
        auth.login(username)
        token = auth.token("/account")
        answer = client.post(URL, data={"confirmation": "alpha", "csrf_token": token})
        assert answer.status_code == status, username
        assert counts(app) == before
        auth.logout()
    auth.login("root")
    answer = client.post(URL, data={"confirmation": "alpha", "csrf_token": auth.token("/account")})
    assert answer.status_code == 302
    assert counts(app)["sessions"] == 0


def test_an_archived_study_can_still_be_purged(app, coordinator):
    client, token = coordinator
    export(app)
    with app.app_context():
        studies.archive_study(by_slug("alpha"))
        db.session.commit()
    answer = client.post(URL, data={"confirmation": "alpha", "csrf_token": token})
    assert answer.status_code == 302
    assert counts(app)["sessions"] == 0
