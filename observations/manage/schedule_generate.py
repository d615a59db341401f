"""The schedule generator's pages: a form, a preview with the balance summary, and saving
what was previewed."""

import hashlib
import json
import secrets
from itertools import groupby

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..extensions import db
from ..models import Site
from ..schedule import generator
from ..validation import Invalid
from . import bp
from .schedule_generate_forms import GenerateForm


def _generate_form() -> GenerateForm:
    """The generator's form, its site choices the study's active sites."""
    form = GenerateForm()
    sites = db.session.scalars(
        select(Site).filter_by(study_id=g.study.id, active=True).order_by(Site.position, Site.name)
    )
    form.sites.choices = [SelectChoice(site.id, site.name) for site in sites]
    return form


def _fingerprint(plan) -> str:
    """A short digest of a plan's slots, to tell whether a regenerated plan is the same."""
    data = json.dumps(plan.to_json()["slots"], sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()[:32]


def _by_week(slots) -> list:
    """The plan's slots grouped by ISO week, then by day."""
    weeks = []
    for week, in_week in groupby(slots, key=lambda s: s.starts_at.isocalendar()[:2]):
        days = [
            (day, list(of_day))
            for day, of_day in groupby(in_week, key=lambda s: s.starts_at.date())
        ]
        weeks.append((week[1], days))
    return weeks


def _preview(form: GenerateForm, plan, status: int = 200, error: str | None = None):
    """The preview page: the plan by week and day, the balance, and save or change."""
    form.fingerprint.data = _fingerprint(plan)
    return (
        render_template(
            "manage/schedule_generate_preview.html",
            form=form,
            plan=plan,
            weeks=_by_week(plan.slots),
            error=error,
        ),
        status,
    )


def _form_page(form: GenerateForm, status: int = 200):
    """The generator's form, with what was typed."""
    return render_template("manage/schedule_generate.html", form=form), status


@bp.route("/schedule/generate", methods=["GET", "POST"])
def schedule_generate():
    """Ask for a plan; show it for confirmation (or the form again, to change it)."""
    form = _generate_form()
    if request.method == "GET" or "change" in request.form:
        return _form_page(form)
    if not form.validate():
        return _form_page(form, 422)
    if form.seed.data is None:
        # A seed of its own, carried to the save button: what is previewed is what is saved.
        form.seed.data = secrets.randbelow(1_000_000)
        form.seed.raw_data = [str(form.seed.data)]
    return _preview(form, generator.generate(g.study, form.plan_request()))


@bp.route("/schedule/generate/save", methods=["POST"])
def schedule_generate_save():
    """Generate the previewed plan again from its parameters and store it."""
    form = _generate_form()
    if not form.validate() or form.seed.data is None:
        return _form_page(form, 422)
    plan = generator.generate(g.study, form.plan_request())
    if _fingerprint(plan) != form.fingerprint.data:
        message = _("The schedule changed since the preview. Check this new plan and save again.")
        return _preview(form, plan, 422, message)
    try:
        generator.save(g.study, plan, current_user)
    except Invalid as error:
        db.session.rollback()
        return _preview(form, plan, 422, error.errors["plan"][0])
    db.session.commit()
    flash(ngettext("%(num)d slot saved.", "%(num)d slots saved.", len(plan.slots)), "success")
    return redirect(url_for("manage.index"))
