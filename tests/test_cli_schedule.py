"""The `schedule generate` command: the JSON shape, saving once, clear errors."""

import json

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import AuditEvent, Slot
from tests import snapshots

ARGS = ["schedule", "generate", "demo", "--from", "2026-06-01", "--to", "2026-06-14"]


@pytest.fixture
def demo_study(app):
    """The demo study (five sites, three observers, a schedule of its own)."""
    snapshots.demo(app)


def test_json_is_one_object_of_the_documented_shape(runner, demo_study):
    result = runner.invoke(args=[*ARGS, "--json", "--seed", "4"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"slots", "balance"}
    assert data["slots"], "two weeks at five sites give slots"
    for slot in data["slots"]:
        assert set(slot) == {"site", "zones", "start", "end", "observers"}
        assert slot["start"].endswith(("+02:00", "+01:00")) and slot["zones"]
        assert 1 <= len(slot["observers"]) <= 2 and slot["observers"][0].startswith("W")
    assert set(data["balance"]) == {"sites", "observers", "paired", "totals"}
    # Five sites × two weeks × three windows × (weekday, weekend), but the market closes at
    # 17:00 (demo/conditions.py): no evening slots there on either kind of day.
    assert data["balance"]["totals"]["slots"] == len(data["slots"]) == 5 * 2 * 3 * 2 - 2 * 2
    again = runner.invoke(args=[*ARGS, "--json", "--seed", "4"])
    assert json.loads(again.stdout) == data, "the same seed gives the same plan"


def test_the_table_shows_the_plan_and_its_balance(runner, demo_study):
    result = runner.invoke(args=[*ARGS, "--sites", "Wijkpark Cromvliet", "--per-window", "2"])
    assert result.exit_code == 0, result.output
    assert "Wijkpark Cromvliet" in result.stdout and "Markt" not in result.stdout
    assert "24 tijdsloten" in result.stdout
    assert "spreiding 0" in result.stdout


def test_save_stores_the_plan_and_audits_it_once(app, runner, demo_study):
    paired_slots = sa.select(sa.func.count(Slot.id)).where(Slot.partner_id.is_not(None))
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(Slot.id)))
        paired_before = db.session.scalar(paired_slots)  # the demo's own pairs
    result = runner.invoke(args=[*ARGS, "--json", "--save", "--paired-share", "0.5"])
    assert result.exit_code == 0, result.output
    planned = json.loads(result.stdout)["slots"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Slot.id))) == before + len(planned)
        paired = db.session.scalar(paired_slots) - paired_before
        assert paired == sum(len(s["observers"]) == 2 for s in planned) > 0
        events = db.session.scalars(sa.select(AuditEvent).filter_by(entity="schedule")).all()
        assert len(events) == 1
        assert events[0].action == "create"
        assert events[0].changes["slots"] == [None, len(planned)]
        assert events[0].changes["parameters"][1]["paired_share"] == 0.5


BAD = [
    (["schedule", "generate", "nope", "--from", "2026-06-01", "--to", "2026-06-02"], "nope"),
    ([*ARGS, "--sites", "Vondelpark"], "Onbekende locatie Vondelpark"),
    ([*ARGS, "--windows", "9-12"], "9-12 is geen tijdvak"),
    ([*ARGS, "--windows", "09:00-12:00,11:00-13:00"], "overlappen"),
    (["schedule", "generate", "demo", "--from", "2026-13-01", "--to", "2026-06-14"], "--from"),
    (["schedule", "generate", "demo", "--from", "2026-06-14", "--to", "2026-06-01"], "vóór"),
    (["schedule", "generate", "demo", "--from", "2026-01-01", "--to", "2026-12-31"], "26"),
    ([*ARGS, "--duration", "200"], "korter dan een sessie"),
]


def test_bad_input_stops_with_a_clear_message(app, runner, demo_study):
    for args, message in BAD:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.stderr, (args, result.stderr)
    with app.app_context():
        assert not db.session.scalars(sa.select(AuditEvent).filter_by(entity="schedule")).all()
