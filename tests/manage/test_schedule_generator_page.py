"""The schedule generator's pages: form, preview, save, validation in nl and en, CSRF."""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from observations.extensions import db
from observations.models import AuditEvent, Site, Slot, Study, Zone
from tests.conftest import csrf_token

URL = "/studies/alpha/manage/schedule/generate"
SAVE = URL + "/save"


@pytest.fixture
def sites(app, world):
    """Two sites in study alpha, one in beta; their ids by name."""
    with app.app_context():
        ids = {}
        for slug, name in (("alpha", "Bieb"), ("alpha", "Park"), ("beta", "Markt")):
            study = db.session.scalar(sa.select(Study).filter_by(slug=slug))
            site = Site(study_id=study.id, name=name, zones=[Zone(name="Hal")])
            db.session.add(site)
            db.session.flush()
            ids[name] = site.id
        db.session.commit()
        return ids


@pytest.fixture
def coordinator(client, auth, sites):
    """Logged in as study alpha's coordinator."""
    auth.login("alpha-coordinator")
    return client


def params(ids, **changes) -> dict:
    """A valid request for two weeks at both sites of alpha."""
    data = {
        "sites": [ids["Bieb"], ids["Park"]],
        "first_day": "2026-06-01",
        "last_day": "2026-06-14",
        "weekdays": list(range(7)),
        "windows": "09:00-12:00, 13:00-17:00",
        "per_window": "1",
        "duration_minutes": "60",
        "paired_share": "15",
        "seed": "",
    }
    data.update(changes)
    return data


def hidden_fields(html: str, *extra: tuple[str, str]) -> MultiDict:
    """The save form's hidden fields, as a browser would send them."""
    form = html[html.index('action="' + SAVE) :]
    form = form[: form.index("</form>")]
    found = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    return MultiDict([(name, unescape(value)) for name, value in found] + list(extra))


def preview(client, data) -> str:
    """Post the form and return the preview page."""
    data = {**data, "csrf_token": csrf_token(client.get(URL).get_data(as_text=True))}
    answer = client.post(URL, data=data)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def test_the_form_offers_the_studys_sites_only(coordinator):
    page = coordinator.get(URL).get_data(as_text=True)
    assert "Bieb" in page and "Park" in page and "Markt" not in page


def test_preview_then_save_stores_what_was_previewed(app, coordinator, sites):
    page = preview(coordinator, params(sites))
    assert "Bieb" in page and "Dit plan opslaan" in page
    count = int(re.search(r"(\d+) tijdsloten", page).group(1))
    assert count == 2 * 2 * 2 * 2  # sites × kinds × windows × weeks
    seed = hidden_fields(page)["seed"]
    assert seed, "a seed is chosen and carried to the save button"
    answer = coordinator.post(SAVE, data=hidden_fields(page))
    assert answer.status_code == 302 and answer.location.endswith("/studies/alpha/manage/")
    with app.app_context():
        slots = db.session.scalars(sa.select(Slot).order_by(Slot.starts_at)).all()
        assert len(slots) == count
        assert all(s.zones and s.time_window in ("09:00-12:00", "13:00-17:00") for s in slots)
        events = db.session.scalars(sa.select(AuditEvent).filter_by(entity="schedule")).all()
        assert len(events) == 1 and events[0].changes["slots"] == [None, count]
    stale = coordinator.post(SAVE, data=hidden_fields(page))
    assert stale.status_code == 422, "the same plan cannot be booked twice"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Slot.id))) == count


def test_change_goes_back_to_the_form_with_the_values_kept(coordinator, sites):
    page = preview(coordinator, params(sites, windows="08:00-10:00"))
    fields = hidden_fields(page, ("change", "1"))
    answer = coordinator.post(URL, data=fields)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'value="08:00-10:00"' in html
    assert 'value="2026-06-14"' in html


@pytest.mark.parametrize(
    ("locale", "changes", "message"),
    [
        ("nl", {"last_day": "2026-05-01"}, "De laatste dag valt vóór de eerste dag."),
        ("en", {"last_day": "2026-05-01"}, "The last day comes before the first day."),
        ("en", {"last_day": "2027-06-01"}, "Plan at most 26 weeks at a time."),
        ("en", {"windows": "9 tot 12"}, "9 tot 12 is not a time window"),
        ("nl", {"windows": "9 tot 12"}, "9 tot 12 is geen tijdvak"),
        ("en", {"duration_minutes": "240"}, "Window 09:00-12:00 is shorter than a session."),
        ("en", {"per_window": "0"}, "Give a number of sessions from 1 to 10."),
    ],
)
def test_bad_input_is_refused_in_the_users_language(coordinator, sites, locale, changes, message):
    token = csrf_token(coordinator.get(URL).get_data(as_text=True))
    coordinator.post("/language", data={"locale": locale, "csrf_token": token})
    answer = coordinator.post(URL, data={**params(sites, **changes), "csrf_token": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in html.replace("&#39;", "'")
    for value in changes.values():
        assert f'value="{value}"' in html, "what was typed is kept"


def test_another_studys_site_is_refused(app, coordinator, sites):
    token = csrf_token(coordinator.get(URL).get_data(as_text=True))
    data = {**params(sites, sites=[sites["Markt"]]), "csrf_token": token}
    answer = coordinator.post(URL, data=data)
    assert answer.status_code == 422
    assert "Kies uit de getoonde mogelijkheden." in answer.get_data(as_text=True)
    data["seed"] = "5"
    assert coordinator.post(SAVE, data=data).status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Slot.id))) == 0


def test_posts_without_csrf_token_are_refused(app, coordinator, sites):
    assert coordinator.post(URL, data=params(sites)).status_code == 400
    assert coordinator.post(SAVE, data=params(sites, seed="1")).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Slot.id))) == 0


def test_fieldworkers_and_leads_may_not_generate(client, auth, sites):
    auth.login("alpha-fieldworker")
    assert client.get(URL).status_code == 403
