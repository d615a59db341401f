"""Sites and zones: create, edit, reorder, archive; opening hours; site profiles."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import sites as places
from .. import weekly
from ..extensions import db
from ..models import Site, Zone
from ..schedule import local_today
from ..sites import hours, profile
from ..validation import Invalid
from . import bp
from .sites_forms import ActionForm, MoveForm, ProfileForm, SiteForm, WeekForm, ZoneForm


def _site(site_id: int) -> Site:
    """A site of the current study, or 404."""
    site = db.session.get(Site, site_id)
    if site is None or site.study_id != g.study.id:
        abort(404)
    return site


def _zone(site: Site, zone_id: int) -> Zone:
    """A zone of the site, or 404."""
    zone = db.session.get(Zone, zone_id)
    if zone is None or zone.site_id != site.id:
        abort(404)
    return zone


def show_errors(form, rename, error: Invalid) -> None:
    """Put a service's messages under the form's fields (`rename` maps a service's field
    name to the form's; the first field takes what has no field)."""
    for name, messages in error.errors.items():
        name = rename(name) or name
        visible = (f for f in form if f.type not in ("HiddenField", "CSRFTokenField"))
        field = form[name] if name in form else next(visible)
        field.errors = [*field.errors, *messages]


@bp.context_processor
def week_names() -> dict:
    """The weekday names the week grids and lists show."""
    return {"week_day_names": weekly.DAY_NAMES}


@bp.route("/sites")
def sites():
    """Every site of the study in order, with buttons to reorder and archive them."""
    rows = places.sites_of(g.study)
    in_use = {site.id for site in rows if places.site_in_use(site)}
    return render_template(
        "manage/sites.html", sites=rows, in_use=in_use, move=MoveForm(), action=ActionForm()
    )


@bp.route("/sites/new", methods=["GET", "POST"])
def new_site():
    """Add a site."""
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = places.create_site(g.study, form.values(), current_user)
        except Invalid as error:
            show_errors(form, {}.get, error)
        else:
            db.session.commit()
            flash(_("Site %(name)s added.", name=site.name), "success")
            return redirect(url_for("manage.site", site_id=site.id))
    db.session.rollback()
    return render_template("manage/site_new.html", form=form), 422 if form.errors else 200


def _site_page(site: Site, status: int = 200, **forms):
    """The site's page: details, zones, opening hours and profile."""
    if "form" not in forms:
        forms["form"] = SiteForm(obj=site)
    if "week" not in forms:
        forms["week"] = WeekForm(formdata=None)
        forms["week"].fill(hours.week(site))
    forms.setdefault("zone_form", ZoneForm(prefix="zone", formdata=None))
    in_use = {zone.id for zone in site.zones if places.zone_in_use(zone)}
    return render_template(
        "manage/site.html",
        site=site,
        zones_in_use=in_use,
        current=profile.profile_on(site, local_today(g.study.timezone)),
        history=profile.history(site),
        fields=profile.FIELDS,
        site_week=hours.week(site),
        move=MoveForm(),
        action=ActionForm(),
        **forms,
    ), status


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
def site(site_id: int):
    """Show a site; change its details."""
    site = _site(site_id)
    form = SiteForm(obj=site)
    if not form.validate_on_submit():
        return _site_page(site, 422 if form.errors else 200, form=form)
    try:
        places.update_site(site, form.values(), current_user)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, {}.get, error)
        return _site_page(site, 422, form=form)
    db.session.commit()
    flash(_("Site %(name)s saved.", name=site.name), "success")
    return redirect(url_for("manage.site", site_id=site.id))


@bp.post("/sites/<int:site_id>/hours")
def site_hours(site_id: int):
    """Replace the site's opening hours."""
    site = _site(site_id)
    form = WeekForm()
    if form.validate_on_submit():
        try:
            hours.set_hours(site, form.week(), current_user)
        except Invalid as error:
            db.session.rollback()
            form.add_problems(error.errors)
        else:
            db.session.commit()
            flash(_("Opening hours of %(name)s saved.", name=site.name), "success")
            return redirect(url_for("manage.site", site_id=site.id, _anchor="hours-heading"))
    return _site_page(site, 422, week=form)


def _moved(row, mover, back: str):
    """Move a site or zone one place and go back to its list."""
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    if mover(row, int(form.step.data), current_user):
        db.session.commit()
    return redirect(back)


def _changed(row, change: str, back: str):
    """Archive, restore or delete a site or zone, then go back to where it was listed."""
    if not ActionForm().validate_on_submit():
        abort(400)
    name = row.name
    try:
        if change == "delete":
            (places.delete_site if isinstance(row, Site) else places.delete_zone)(row, current_user)
        else:
            places.set_active(row, change == "restore", current_user)
    except Invalid as error:
        db.session.rollback()
        flash(" ".join(m for ms in error.errors.values() for m in ms), "error")
        return redirect(back)
    db.session.commit()
    messages = {
        "archive": _("%(name)s archived: kept with its data, no longer offered.", name=name),
        "restore": _("%(name)s restored.", name=name),
        "delete": _("%(name)s deleted.", name=name),
    }
    flash(messages[change], "success")
    return redirect(back)


@bp.post("/sites/<int:site_id>/move")
def move_site(site_id: int):
    """Move a site one place up or down."""
    return _moved(_site(site_id), places.move_site, url_for("manage.sites"))


def _change_site(site_id: int, change: str):
    """Archive, restore or (when nothing refers to it) delete a site."""
    return _changed(_site(site_id), change, url_for("manage.sites"))


@bp.post("/sites/<int:site_id>/zones")
def new_zone(site_id: int):
    """Add a zone to the site."""
    site = _site(site_id)
    form = ZoneForm(prefix="zone")
    if form.validate_on_submit():
        try:
            zone = places.create_zone(site, form.values(), current_user)
        except Invalid as error:
            db.session.rollback()
            show_errors(form, {}.get, error)
        else:
            db.session.commit()
            flash(_("Zone %(name)s added.", name=zone.name), "success")
            return redirect(url_for("manage.site", site_id=site.id, _anchor="zones-heading"))
    return _site_page(site, 422, zone_form=form)


@bp.route("/sites/<int:site_id>/zones/<int:zone_id>", methods=["GET", "POST"])
def zone(site_id: int, zone_id: int):
    """Change a zone's name, description and area."""
    site = _site(site_id)
    zone = _zone(site, zone_id)
    form = ZoneForm(prefix="zone", obj=zone)
    if form.validate_on_submit():
        try:
            places.update_zone(zone, form.values(), current_user)
        except Invalid as error:
            db.session.rollback()
            show_errors(form, {}.get, error)
        else:
            db.session.commit()
            flash(_("Zone %(name)s saved.", name=zone.name), "success")
            return redirect(url_for("manage.site", site_id=site.id, _anchor="zones-heading"))
    status = 422 if form.errors else 200
    return render_template("manage/zone.html", site=site, zone=zone, form=form), status


@bp.post("/sites/<int:site_id>/zones/<int:zone_id>/move")
def move_zone(site_id: int, zone_id: int):
    """Move a zone one place up or down within its site."""
    site = _site(site_id)
    back = url_for("manage.site", site_id=site.id, _anchor="zones-heading")
    return _moved(_zone(site, zone_id), places.move_zone, back)


def _change_zone(site_id: int, zone_id: int, change: str):
    """Archive, restore or (when nothing refers to it) delete a zone."""
    site = _site(site_id)
    back = url_for("manage.site", site_id=site.id, _anchor="zones-heading")
    return _changed(_zone(site, zone_id), change, back)


@bp.post("/sites/<int:site_id>/archive")
def archive_site(site_id: int):
    """Archive a site: kept with its data, no longer offered or planned."""
    return _change_site(site_id, "archive")


@bp.post("/sites/<int:site_id>/restore")
def restore_site(site_id: int):
    """Restore an archived site."""
    return _change_site(site_id, "restore")


@bp.post("/sites/<int:site_id>/delete")
def delete_site(site_id: int):
    """Delete a site nothing refers to."""
    return _change_site(site_id, "delete")


@bp.post("/sites/<int:site_id>/zones/<int:zone_id>/archive")
def archive_zone(site_id: int, zone_id: int):
    """Archive a zone: kept with its data, no longer offered."""
    return _change_zone(site_id, zone_id, "archive")


@bp.post("/sites/<int:site_id>/zones/<int:zone_id>/restore")
def restore_zone(site_id: int, zone_id: int):
    """Restore an archived zone."""
    return _change_zone(site_id, zone_id, "restore")


@bp.post("/sites/<int:site_id>/zones/<int:zone_id>/delete")
def delete_zone(site_id: int, zone_id: int):
    """Delete a zone nothing refers to."""
    return _change_zone(site_id, zone_id, "delete")


@bp.route("/sites/<int:site_id>/profile", methods=["GET", "POST"])
def site_profile(site_id: int):
    """Save a new version of the site's profile (starting from the current one)."""
    site = _site(site_id)
    form = ProfileForm()
    if form.validate_on_submit():
        profile.save_profile(
            site, form.valid_from.data, form.checklist(), form.note.data, current_user
        )
        db.session.commit()
        flash(_("Profile of %(name)s saved.", name=site.name), "success")
        return redirect(url_for("manage.site", site_id=site.id, _anchor="profile-heading"))
    if not form.is_submitted():
        today = local_today(g.study.timezone)
        current = profile.profile_on(site, today)
        form.fill(current.data if current else {})
        form.valid_from.data = today
    status = 422 if form.errors else 200
    page = render_template("manage/site_profile.html", site=site, form=form, fields=profile.FIELDS)
    return page, status
