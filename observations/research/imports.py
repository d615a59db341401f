"""The import page: upload a PLDP table; small ones import at once, big ones on the queue."""

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from .. import tasks
from ..body_limit import body_limit
from ..extensions import csrf, db
from ..models import ImportJob
from ..pldp import jobs as import_jobs
from ..urls import id_arg
from ..validation import Invalid
from . import bp
from .import_forms import ImportForm


def _too_large(limit: int) -> str:
    """What the page says of files past the limit."""
    return _(
        "The files are too large: choose files of at most %(n)d MB together.",
        n=max(1, limit // (1024 * 1024)),
    )


def _page(form: ImportForm, status: int = 200):
    """Render the import page with the study's recent imports."""
    jobs = db.session.scalars(
        select(ImportJob)
        .filter_by(study_id=g.study.id)
        .options(selectinload(ImportJob.user))
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
        .limit(25)
    ).all()
    return render_template(
        "research/import.html",
        form=form,
        jobs=jobs,
        stale=import_jobs.is_stale,
        failure=import_jobs.failure_text,
        highlight=id_arg("job"),
        inline_rows=current_app.config["IMPORT_INLINE_ROWS"],
    ), status


def _uploads(form: ImportForm) -> tuple[tuple[str, bytes], int, tuple[str, bytes] | None]:
    """The checked table (name, bytes), its row count, and the locations file; or Invalid."""
    encoding = form.encoding.data or None
    table = (form.table.data.filename, form.table.data.read())
    rows = import_jobs.check_table(import_jobs.decode(table[1], "table", encoding)[0])
    locations = None
    if form.locations.data and form.locations.data.filename:
        locations = (form.locations.data.filename, form.locations.data.read())
        import_jobs.check_locations(import_jobs.decode(locations[1], "locations", encoding)[0])
    return table, rows, locations


# The upload's own limit is set before anything reads the body; the CSRF token is checked
# after that (csrf.protect), so that a file past the limit is told as such.
@bp.route("/import", methods=["GET", "POST"])
@body_limit("IMPORT_MAX_BYTES", _too_large)
@csrf.exempt
def import_page():
    """Upload a PLDP table (people staying or moving) into this study."""
    if request.method == "POST":
        try:
            csrf.protect()
            form = ImportForm()
        except RequestEntityTooLarge:
            form = ImportForm(formdata=None)
            form.table.errors = [_too_large(current_app.config["IMPORT_MAX_BYTES"])]
            return _page(form, 413)
    else:
        form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, 422 if request.method == "POST" else 200)
    try:
        table, rows, locations = _uploads(form)
    except Invalid as error:
        for name, messages in error.errors.items():
            getattr(form, name).errors = list(messages)
        return _page(form, 422)
    job = import_jobs.create_job(
        g.study,
        current_user,
        table,
        rows,
        locations,
        encoding=form.encoding.data or "",
        kind=form.kind.data or "",
    )
    db.session.commit()
    if import_jobs.is_inline(job):
        import_jobs.run_job(current_app._get_current_object(), job.id)
        db.session.refresh(job)
        if job.status == "done":
            flash(_("The file was imported; the report is below."), "success")
        else:
            flash(import_jobs.failure_text(job), "error")
        return redirect(url_for("research.import_page", job=job.id))

    def failed(reason: str) -> None:
        import_jobs.update(job.id, **import_jobs.ended("failed", error=reason))

    if not tasks.queue_or_fail(tasks.enqueue_import, job.id, failed):
        return redirect(url_for("research.import_page", job=job.id))
    flash(
        _("The file is large and is imported in the background; you can follow it below."),
        "info",
    )
    return redirect(url_for("research.import_page", job=job.id))


@bp.get("/import/jobs/<int:job_id>")
def import_status(job_id: int):
    """Progress of an import, for the page to poll."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.study_id != g.study.id:
        abort(404)
    status = "failed" if import_jobs.is_stale(job) else job.status
    return jsonify(
        status=status,
        progress=job.progress,
        error=import_jobs.failure_text(job) if status == "failed" else None,
    )
