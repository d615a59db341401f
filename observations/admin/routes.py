"""Admin home: every study and account, a form for a new study, archiving studies."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import retention, studies
from ..extensions import db
from ..models import Membership, Session, Site, Study, User
from ..validation import Invalid
from . import bp
from .forms import ArchiveForm, StudyForm


def _study_rows() -> list[dict]:
    """Each study with its number of sites, members and sessions, and its retention standing."""

    def count(model):
        return (
            select(func.count())
            .select_from(model)
            .where(model.study_id == Study.id)
            .correlate(Study)
            .scalar_subquery()
        )

    rows = db.session.execute(
        select(Study, count(Site), count(Membership), count(Session)).order_by(Study.name)
    )
    standings = retention.standings()
    return [
        dict(study=s, sites=a, members=b, sessions=c, standing=standings[s.id])
        for s, a, b, c in rows
    ]


def _render(form: StudyForm, status: int = 200):
    """Render the admin page with the given study form."""
    users = db.session.scalars(
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.study))
        .order_by(User.username)
    )
    rows = _study_rows()
    return render_template(
        "admin/index.html",
        studies=rows,
        past_retention=[row for row in rows if row["standing"].past],
        users=list(users),
        form=form,
        archive_form=ArchiveForm(),
    ), status


@bp.route("/")
def index():
    """List studies and accounts."""
    return _render(StudyForm())


@bp.post("/studies")
def create_study():
    """Create a study with the default codebook."""
    form = StudyForm()
    if form.validate_on_submit():
        try:
            study = studies.create_study(
                form.name.data,
                form.slug.data,
                form.description.data or "",
                actor=current_user,
            )
        except Invalid as error:
            for field, messages in error.errors.items():
                getattr(form, field).errors = list(getattr(form, field).errors) + messages
        else:
            db.session.commit()
            flash(_("Study %(name)s created.", name=study.name), "success")
            return redirect(url_for("admin.index"))
    db.session.rollback()
    return _render(form, 422)


def _change_archiving(study_id: int, change, message: str):
    """Archive or reopen a study (the service `change`), then show the admin page again."""
    study = db.get_or_404(Study, study_id)
    if ArchiveForm().validate_on_submit():
        change(study, actor=current_user)
        db.session.commit()
        flash(message % {"name": study.name}, "success")
    return redirect(url_for("admin.index"))


@bp.post("/studies/<int:study_id>/archive")
def archive_study(study_id: int):
    """Make a study read-only: its members can still read and export it."""
    return _change_archiving(
        study_id, studies.archive_study, _("Study %(name)s is archived: read-only from now on.")
    )


@bp.post("/studies/<int:study_id>/reopen")
def reopen_study(study_id: int):
    """Undo archiving: the study takes new records again."""
    return _change_archiving(study_id, studies.reopen_study, _("Study %(name)s is open again."))
