"""A site archived while a phone is out: its running session still syncs, new ones do not."""

from observations.extensions import db
from observations.models import Site
from observations.sync import sync_records


def archive(site_id: int) -> None:
    """Archive a site as the coordinator's page does."""
    db.session.get(Site, site_id).active = False
    db.session.commit()


def test_a_session_begun_before_archiving_still_takes_its_records(field):
    session = field.session()
    assert sync_records(field.fieldworker, [session])[0]["status"] == "created"
    archive(field.site)
    ended = {**session, "revision": 2, "ended_at": session["started_at"]}
    later = [field.encounter(session), ended]
    assert [r["status"] for r in sync_records(field.fieldworker, later)] == ["created", "updated"]


def test_a_new_session_at_an_archived_site_is_refused_with_a_reason(field):
    archive(field.site)
    result = sync_records(field.fieldworker, [field.session()])[0]
    assert result["status"] == "invalid"
    assert "gearchiveerd" in result["errors"]["site"][0]
