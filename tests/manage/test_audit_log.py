"""The audit log pages: filters, paging, the coordinator sees only their study, the admin all."""

import re
from datetime import timedelta

from sqlalchemy import select

from observations import audit, audit_log, codebook_editor
from observations.extensions import db
from observations.models import AuditEvent, utcnow
from tests.manage.helpers_codebook import code, logged_in, study, user

AUDIT = "/studies/alpha/manage/audit"


def rows(page: str) -> int:
    """How many events a page shows."""
    return len(re.findall(r'<th scope="row"><time', page))


def add_events(app, count: int, study_slug: str = "alpha", **fields) -> None:
    """Add `count` audit events to the study, one minute apart, the newest now."""
    with app.app_context():
        study_id = study(study_slug).id if study_slug else None
        for number in range(count):
            event = audit.record(
                fields.get("action", "update"),
                fields.get("entity", "site"),
                number,
                {"name": [f"old {number}", f"new {number}"]},
                study_id=study_id,
            )
            event.occurred_at = utcnow() - timedelta(minutes=count - number)
        db.session.commit()


def test_the_coordinator_sees_only_their_studys_events(app, world, client):
    add_events(app, 2, "alpha", entity="site")
    add_events(app, 3, "beta", entity="zone")
    add_events(app, 1, None, entity="user")
    logged_in(client, "alpha-coordinator")
    page = client.get(AUDIT).get_data(as_text=True)
    assert "new 1" in page
    assert "Study beta" not in page and "Study alpha" in page
    # The events of study beta (zones) and those without a study (accounts) are not shown.
    assert rows(client.get(f"{AUDIT}?entity=zone").get_data(as_text=True)) == 0
    assert rows(client.get(f"{AUDIT}?entity=user").get_data(as_text=True)) == 0
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(entity="zone").count() == 3


def test_paging_newer_and_older_in_a_stable_order(app, world, client):
    add_events(app, 120)
    logged_in(client, "alpha-coordinator")
    first = client.get(AUDIT).get_data(as_text=True)
    assert rows(first) == 50 and "Ouder" in first and "Nieuwer" not in first
    second = client.get(f"{AUDIT}?page=2").get_data(as_text=True)
    third = client.get(f"{AUDIT}?page=3").get_data(as_text=True)
    assert rows(second) == 50 and "Nieuwer" in second and "Ouder" in second
    # 120 events plus those of creating the study and its members.
    assert "Ouder" not in third and rows(third) >= 20
    keys = re.findall(r"<code>(\d+)</code>", first + second + third)
    assert len(keys) == len(set(zip(keys, range(len(keys)), strict=True)))
    with app.app_context():
        ordered = db.session.scalars(
            audit_log.filtered(study().id, audit_log.Filters(), audit_log.ZoneInfo("UTC"))
        ).all()
        stamps = [(e.occurred_at, e.id) for e in ordered]
        assert stamps == sorted(stamps, reverse=True)


def test_filters_by_kind_action_person_and_date(app, world, client):
    add_events(app, 3, "alpha", entity="site")
    with app.test_request_context():
        codebook_editor.retire_code(
            study(), code("alpha", "activity", "waiting"), user("alpha-coordinator")
        )
        db.session.commit()
        coordinator_id = user("alpha-coordinator").id
    logged_in(client, "alpha-coordinator")
    by_kind = client.get(f"{AUDIT}?entity=codebook_code").get_data(as_text=True)
    assert rows(by_kind) == 1 and "activity.waiting" in by_kind
    assert "retired_in" in by_kind and "– → 2" in by_kind
    by_action = client.get(f"{AUDIT}?action=retire").get_data(as_text=True)
    assert rows(by_action) == 1
    by_person = client.get(f"{AUDIT}?actor={coordinator_id}").get_data(as_text=True)
    assert rows(by_person) == 1 and "Alpha-Coordinator" in by_person
    system = client.get(f"{AUDIT}?actor=0&entity=site").get_data(as_text=True)
    assert rows(system) == 3 and "systeem" in system
    none = client.get(f"{AUDIT}?date_to=2001-01-01").get_data(as_text=True)
    assert rows(none) == 0
    today = utcnow().date().isoformat()
    dated = client.get(f"{AUDIT}?date_from={today}&entity=site").get_data(as_text=True)
    assert rows(dated) in (2, 3)  # the oldest may fall on yesterday just after midnight
    bad = client.get(f"{AUDIT}?date_from=gisteren&entity=nonsense")
    assert bad.status_code == 200


def test_long_values_are_shortened_with_the_full_value_at_hand(app, world, client):
    with app.app_context():
        audit.record(
            "update", "site", 1, {"description": ["kort", "<b>" + "x" * 300]}, study_id=study().id
        )
        db.session.commit()
    logged_in(client, "alpha-coordinator")
    page = client.get(AUDIT).get_data(as_text=True)
    assert "<details" in page and "&lt;b&gt;" + "x" * 300 in page and "<b>x" not in page


def test_the_admin_page_is_admin_only_and_shows_account_events(app, world, client):
    add_events(app, 1, None, entity="user", action="create")
    add_events(app, 1, "beta", entity="zone")
    logged_in(client, "alpha-coordinator")
    assert client.get("/admin/audit").status_code == 403
    client.post(
        "/logout",
        data={"csrf_token": logged_in.__globals__["AuthActions"](client).token("/account")},
    )
    logged_in(client, "root")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Study beta" in page and "geen studie" in page
    accounts = client.get("/admin/audit?study=accounts").get_data(as_text=True)
    assert "Study beta" not in accounts.split("<tbody>")[1] and rows(accounts) >= 1


def test_each_codebook_change_leaves_exactly_one_event(app, world, client):
    with app.test_request_context():
        alpha, actor = study(), user("alpha-coordinator")
        waiting = code("alpha", "activity", "waiting")
        before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
        steps = [
            lambda: codebook_editor.update_category(alpha, waiting.category, actor, position=40),
            lambda: codebook_editor.update_code(alpha, waiting, actor, label_nl="in de rij"),
            lambda: codebook_editor.retire_code(alpha, waiting, actor),
            lambda: codebook_editor.restore_code(alpha, waiting, actor),
            lambda: codebook_editor.add_code(
                alpha, waiting.category, actor, "chess", label_nl="schaken", label_en="chess"
            ),
        ]
        for number, step in enumerate(steps, start=1):
            step()
            db.session.commit()
            count = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
            assert count == before + number
        events = db.session.scalars(
            select(AuditEvent).order_by(AuditEvent.id.desc()).limit(5)
        ).all()[::-1]
        assert events[0].changes["position"] == [6, 40]
        assert events[1].changes["label_nl"] == ["wachten", "in de rij"]
        assert events[2].changes["retired_in"] == [None, 4]
        assert events[3].changes["retired_in"] == [4, None]
        assert events[4].changes["code"] == [None, "chess"]


def test_a_filter_with_a_control_character_narrows_nothing(app, world, client):
    logged_in(client, "alpha-coordinator")
    answer = client.get(f"{AUDIT}?entity=site%00&action=%00")
    assert answer.status_code == 200 and rows(answer.get_data(as_text=True)) > 0
