"""The export page: settings, presets, past exports, background progress and downloads."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from .. import audit, tasks
from ..access import open_when_archived
from ..export import ExportOptions
from ..export import jobs as export_jobs
from ..export.source import StudyData
from ..extensions import db
from ..models import REVIEW_STATES, ExportJob, ExportPreset, Membership, Site
from ..urls import id_arg
from . import bp
from .forms import ExportForm


def _form() -> ExportForm:
    """The export form with this study's sites, observers and review states to choose from."""
    form = ExportForm()
    form.sites.choices = [
        SelectChoice(s.id, s.name)
        for s in db.session.scalars(select(Site).filter_by(study_id=g.study.id).order_by(Site.name))
    ]
    members = db.session.scalars(
        select(Membership).filter_by(study_id=g.study.id).order_by(Membership.observer_code)
    )
    form.observers.choices = [SelectChoice(m.user_id, m.observer_code) for m in members]
    names = {
        "pending": _("awaiting review"),
        "approved": _("approved"),
        "has_issues": _("has issues"),
        "rejected": _("rejected"),
    }
    form.review_states.choices = [SelectChoice(s, names[s]) for s in REVIEW_STATES]
    return form


def _options(form: ExportForm) -> ExportOptions:
    """Export settings from a valid form."""
    return ExportOptions(
        format=form.format.data,
        labels=form.labels.data,
        sites=form.sites.data or [],
        observers=form.observers.data or [],
        review_states=form.review_states.data or [],
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _presets() -> list[ExportPreset]:
    """The current user's presets in this study."""
    return list(
        db.session.scalars(
            select(ExportPreset)
            .filter_by(study_id=g.study.id, user_id=current_user.id)
            .order_by(ExportPreset.name)
        )
    )


def _page(form: ExportForm, status: int = 200):
    """Render the export page with past exports and presets."""
    jobs = db.session.scalars(
        select(ExportJob)
        .filter_by(study_id=g.study.id)
        .options(selectinload(ExportJob.user))
        .order_by(ExportJob.created_at.desc())
        .limit(25)
    ).all()
    return render_template(
        "research/export.html",
        form=form,
        jobs=jobs,
        presets=_presets(),
        stale=export_jobs.is_stale,
        expired=export_jobs.is_expired,
        keep_days=current_app.config["EXPORT_KEEP_DAYS"],
        failure=export_jobs.failure_text,
        highlight=id_arg("job"),
    ), status


@bp.route("/export", methods=["GET", "POST"])
@open_when_archived
def export_page():
    """Choose what to export; small exports download at once, large ones run on."""
    form = _form()
    preset_id = id_arg("preset")
    if request.method == "GET" and preset_id:
        preset = db.session.get(ExportPreset, preset_id)
        if preset is None or preset.user_id != current_user.id or preset.study_id != g.study.id:
            abort(404)
        saved = ExportOptions.from_json(preset.settings)
        form.process(
            data={
                **saved.to_json(),
                "date_from": saved.date_from,
                "date_to": saved.date_to,
                "preset_name": preset.name,
            }
        )
    if not form.validate_on_submit():
        return _page(form, 422 if request.method == "POST" else 200)
    options = _options(form)
    if form.save_preset.data:
        return _save_preset(form.preset_name.data.strip(), options)
    job = export_jobs.create_job(g.study, current_user, options)
    audit.record(
        "export",
        "study",
        g.study.slug,
        {"format": [None, options.format]},
        actor=current_user,
        study_id=g.study.id,
    )
    db.session.commit()
    if StudyData(g.study, options).estimated_rows() <= current_app.config["EXPORT_INLINE_ROWS"]:
        export_jobs.run_job(current_app._get_current_object(), job.id)
        db.session.refresh(job)
        if job.status == "done":
            return send_file(
                export_jobs.file_of(job), as_attachment=True, download_name=job.file_name
            )
        flash(export_jobs.failure_text(job), "error")
        return redirect(url_for("research.export_page", job=job.id))

    def failed(reason: str) -> None:
        export_jobs.update(job.id, status="failed", error=reason)

    if not tasks.queue_or_fail(tasks.enqueue_export, job.id, failed):
        return redirect(url_for("research.export_page", job=job.id))
    flash(_("The export is large and runs in the background; you can follow it below."), "info")
    return redirect(url_for("research.export_page", job=job.id))


def _save_preset(name: str, options: ExportOptions):
    """Save (or overwrite) a named preset and show it."""
    preset = db.session.scalar(
        select(ExportPreset).filter_by(study_id=g.study.id, user_id=current_user.id, name=name)
    )
    if preset is None:
        preset = ExportPreset(study_id=g.study.id, user_id=current_user.id, name=name)
        db.session.add(preset)
    preset.settings = options.to_json()
    db.session.commit()
    flash(_("Preset %(name)s saved.", name=name), "success")
    return redirect(url_for("research.export_page", preset=preset.id))


@bp.post("/presets/<int:preset_id>/delete")
@open_when_archived
def delete_preset(preset_id: int):
    """Delete one of the user's presets."""
    preset = db.session.get(ExportPreset, preset_id)
    if preset is None or preset.user_id != current_user.id or preset.study_id != g.study.id:
        abort(404)
    db.session.delete(preset)
    db.session.commit()
    flash(_("Preset %(name)s deleted.", name=preset.name), "success")
    return redirect(url_for("research.export_page"))


def _job(job_id: int) -> ExportJob:
    """An export job of this study, or 404."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.study_id != g.study.id:
        abort(404)
    return job


@bp.get("/export/jobs/<int:job_id>")
def job_status(job_id: int):
    """Progress of an export, for the page to poll."""
    job = _job(job_id)
    status = "failed" if export_jobs.is_stale(job) else job.status
    return jsonify(
        status=status,
        progress=job.progress,
        error=export_jobs.failure_text(job) if status == "failed" else None,
        download=url_for("research.download", job_id=job.id) if status == "done" else None,
    )


@bp.get("/export/jobs/<int:job_id>/download")
def download(job_id: int):
    """The file of a finished export."""
    job = _job(job_id)
    path = export_jobs.file_of(job)
    if export_jobs.is_expired(job) or (job.status == "done" and not path.exists()):
        flash(_expired_text(), "error")
        return redirect(url_for("research.export_page"))
    if job.status != "done":
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.file_name)


def _expired_text() -> str:
    days = current_app.config["EXPORT_KEEP_DAYS"]
    return _(
        "This file was deleted: exports are kept for %(days)d days. Export again to get it.",
        days=days,
    )


@bp.post("/export/jobs/<int:job_id>/delete")
@open_when_archived
def delete_job(job_id: int):
    """Delete one of the user's own exports, file and all."""
    job = _job(job_id)
    if job.user_id != current_user.id:
        abort(403)
    if job.status in ("queued", "running") and not export_jobs.is_stale(job):
        flash(_("This export is still running; delete it when it is done."), "error")
        return redirect(url_for("research.export_page"))
    export_jobs.delete_job(job)
    db.session.commit()
    flash(_("Export %(name)s deleted.", name=job.file_name), "success")
    return redirect(url_for("research.export_page"))
