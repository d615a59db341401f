"""Flask commands for the schedule: `schedule generate` (and, beside it, `schedule ical`)."""

import json

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from . import text
from .cli_data import _date, _fail, _study
from .extensions import db
from .models import Site
from .schedule import generator
from .schedule.plan import (
    DEFAULT_PAIRED_SHARE,
    DEFAULT_WINDOWS,
    Plan,
    PlanRequest,
    parse_windows,
    request_problems,
)
from .validation import Invalid


@click.group("schedule")
def schedule() -> None:
    """Plan observation slots and share them."""


def _site_ids(study, names: str | None) -> list[int]:
    """The ids of the named sites of the study, or stop naming the unknown one."""
    if not names:
        return []
    sites = {s.name: s for s in db.session.scalars(select(Site).filter_by(study_id=study.id))}
    ids = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        site = sites.get(name)
        if site is None or not site.active:
            _fail(_("Unknown site %(name)s.", name=text.visible(name)))
        ids.append(site.id)
    return ids


def _print_plan(plan: Plan) -> None:
    """The plan as a readable table, then its balance summary and problems."""
    for slot in plan.slots:
        click.echo(
            f"{format_date(slot.starts_at, 'EEE'):<3} {slot.starts_at:%Y-%m-%d %H:%M}-"
            f"{slot.ends_at:%H:%M}  "
            f"{slot.site_name:<30} {'+'.join(slot.observer_codes)}"
        )
    totals, paired = plan.balance["totals"], plan.balance["paired"]
    click.echo(
        _(
            "%(slots)d slots, %(hours)s hours; paired: %(paired)d (%(share)s %%, asked "
            "%(target)s %%).",
            slots=totals["slots"],
            hours=totals["hours"],
            paired=paired["count"],
            share=round(paired["share"] * 100, 1),
            target=round(paired["target_share"] * 100, 1),
        )
    )
    kinds = {"weekday": _("weekdays"), "weekend": _("weekend days")}
    for name, row in plan.balance["sites"].items():
        closed = set(row.get("closed", []))
        cells = ", ".join(
            f"{kinds[kind]} {window}: "
            + (_("closed") if f"{kind} {window}" in closed else str(count))
            for kind in kinds
            for window, count in row.get(kind, {}).items()
        )
        spread = _("spread %(spread)d", spread=row["spread"])
        click.echo(f"  {name}: {cells} ({spread})")
    for code, row in plan.balance["observers"].items():
        click.echo(
            "  "
            + _(
                "%(code)s: %(slots)d slots, %(hours)s hours, %(paired)d paired",
                code=code,
                slots=row["slots"],
                hours=row["hours"],
                paired=row["paired"],
            )
        )
    for problem in plan.problems:
        click.echo(_("Warning: %(problem)s", problem=problem), err=True)


@schedule.command("generate")
@with_appcontext
@click.argument("study_slug")
@click.option("--from", "first", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "last", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--sites", help="Names of sites, separated by commas (default: all active).")
@click.option("--windows", default=",".join(DEFAULT_WINDOWS), help="E.g. 09:00-12:00,13:00-17:00")
@click.option("--per-window", type=int, default=1, help="Sessions per window, week, kind of day.")
@click.option("--duration", type=int, default=60, help="Minutes per session.")
@click.option("--paired-share", type=float, default=DEFAULT_PAIRED_SHARE, help="E.g. 0.15.")
@click.option("--seed", type=int, default=0, help="The same seed gives the same plan.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object and nothing else.")
@click.option("--save", is_flag=True, help="Store the plan's slots.")
def generate_command(
    study_slug, first, last, sites, windows, per_window, duration, paired_share, seed, as_json, save
) -> None:
    """Generate a balanced schedule, print it with its balance summary, optionally save it."""
    study = _study(study_slug)
    try:
        parsed_windows = parse_windows(windows)
    except ValueError as error:
        _fail(str(error))
    request = PlanRequest(
        first_day=_date(first, "--from"),
        last_day=_date(last, "--to"),
        site_ids=_site_ids(study, sites),
        windows=parsed_windows,
        per_window=per_window,
        duration_minutes=duration,
        paired_share=paired_share,
        seed=seed,
    )
    for messages in request_problems(request).values():
        _fail(messages[0])
    plan = generator.generate(study, request)
    if as_json:
        click.echo(json.dumps(plan.to_json(), ensure_ascii=False))
        for problem in plan.problems:
            click.echo(_("Warning: %(problem)s", problem=problem), err=True)
    else:
        _print_plan(plan)
    if save:
        try:
            generator.save(study, plan, actor=None)
        except Invalid as error:
            db.session.rollback()
            _fail(error.errors["plan"][0])
        db.session.commit()
        click.echo(_("%(count)d slots saved.", count=len(plan.slots)), err=as_json)


def init_app(app: Flask) -> None:
    """Register the schedule commands."""
    app.cli.add_command(schedule)
