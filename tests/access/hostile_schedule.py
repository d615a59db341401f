"""Text fields of the schedule: generator, list, calendar, coverage, calendar feeds
(manage/schedule), for the hostile-strings test.
"""

from tests.access.hostile_fields import Field, Outcome, _choice, judge_refusal

# -- generator


def _generator_url(bench) -> str:
    """The schedule generator's form in study A."""
    return f"/studies/{bench.world['study a']}/manage/schedule/generate"


GENERATOR_FIELDS = {
    "first_day": "2026-06-01",
    "last_day": "2026-06-14",
    "weekdays": "0",
    "windows": "09:00-12:00",
    "per_window": "1",
    "duration_minutes": "60",
    "paired_share": "15",
    "seed": "7",
}


def _generator_field(name: str):
    """Send the hostile string as one of the generator's fields: always refused."""

    def plant(bench, hostile) -> Outcome:
        outcome = Outcome()
        fields = {**GENERATOR_FIELDS, name: hostile.value}
        answer = bench.post("coordinator_a", _generator_url(bench), fields)
        kept = tuple(v for k, v in GENERATOR_FIELDS.items() if k not in (name, "weekdays"))
        judge_refusal(outcome, answer, hostile, kept=kept)
        return outcome

    return plant


def _generator_choice(name: str):
    """Send the hostile string as a site or weekday the form never offered."""

    def plant(bench, hostile) -> Outcome:
        fields = {**GENERATOR_FIELDS, name: hostile.value}
        return _choice(bench, hostile, "coordinator_a", _generator_url(bench), fields)

    return plant


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [
        # generator
        *(
            Field(f"schedule generator: {name}", _generator_field(name), always_refused=True)
            for name in ("windows", "first_day", "per_window", "seed")
        ),
        *(
            Field(
                f"schedule generator: {name} choice", _generator_choice(name), always_refused=True
            )
            for name in ("sites", "weekdays")
        ),
    ]
