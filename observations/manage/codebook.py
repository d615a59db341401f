"""The codebook editor: categories and codes, retire and restore, xlsx export and import.

Every saved change is one new codebook version (codebook_editor.py); the phones get it with
their next online load of the field pages, records coded earlier keep their version.
"""

import io

from flask import abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, codebook, codebook_editor, codebook_xlsx
from ..codebook_editor import NothingChanged
from ..extensions import db
from ..validation import Invalid
from . import bp
from .codebook_forms import ButtonForm, CategoryForm, CodebookUploadForm, CodeForm, NewCodeForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _category(category_id: int):
    """The study's category from the URL, or 404."""
    return codebook_editor.category_of(g.study, category_id) or abort(404)


def _code(code_id: int):
    """The study's code from the URL, or 404."""
    return codebook_editor.code_of(g.study, code_id) or abort(404)


def _render_index(upload=None, report=None, status: int = 200):
    """The editor's overview: categories with their codes, the history, export and import."""
    history = codebook_editor.history(g.study)
    return render_template(
        "manage/codebook.html",
        categories=codebook.categories(g.study),
        version=codebook.current_version(g.study),
        history=history,
        users=codebook_editor.authors(history),
        button=ButtonForm(),
        upload=upload or CodebookUploadForm(),
        report=report,
    ), status


def _saved(change, message: str, target: str):
    """Run a change, commit and say so; roll back and say so when nothing changed."""
    try:
        version = change()
    except NothingChanged:
        db.session.rollback()
        flash(_("Nothing changed; the codebook stays at this version."), "info")
    else:
        db.session.commit()
        flash(_("%(what)s Codebook version %(n)d.", what=message, n=version.version), "success")
    return redirect(target)


def _form_failed(form, error: Invalid) -> None:
    """Put a service's messages under the fields they are about."""
    db.session.rollback()
    for name, messages in error.errors.items():
        target = getattr(form, name, None)
        if target is not None:
            target.errors = list(target.errors) + list(messages)


@bp.route("/codebook")
def codebook_index():
    """The categories in order with their codes, the version history, export and import."""
    return _render_index()


@bp.route("/codebook/categories/<int:category_id>", methods=["GET", "POST"])
def codebook_category(category_id: int):
    """Edit a category's labels and order."""
    category = _category(category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        return _saved(
            lambda: codebook_editor.update_category(
                g.study, category, current_user, **_data(form, "label_nl", "label_en", "position")
            ),
            _("Category saved."),
            url_for("manage.codebook_index"),
        )
    status = 422 if form.errors else 200
    return render_template("manage/codebook_category.html", category=category, form=form), status


def _data(form, *names: str) -> dict:
    """The named fields' values of a form."""
    return {name: getattr(form, name).data for name in names}


CODE_FIELDS = ("label_nl", "label_en", "description_nl", "description_en", "position")


@bp.route("/codebook/categories/<int:category_id>/codes/new", methods=["GET", "POST"])
def codebook_new_code(category_id: int):
    """Add a code to a category; it is offered on the phones from the new version on."""
    category = _category(category_id)
    form = NewCodeForm()
    if not form.is_submitted():
        form.position.data = max((c.position for c in category.codes), default=-1) + 1
    if form.validate_on_submit():
        try:
            code = codebook_editor.add_code(
                g.study, category, current_user, form.code.data, **_data(form, *CODE_FIELDS)
            )
        except Invalid as error:
            _form_failed(form, error)
        else:
            db.session.commit()
            flash(_("Code %(code)s added.", code=code.code), "success")
            return redirect(url_for("manage.codebook_index"))
    status = 422 if form.errors else 200
    return render_template(
        "manage/codebook_code.html", category=category, code=None, form=form
    ), status


@bp.route("/codebook/codes/<int:code_id>", methods=["GET", "POST"])
def codebook_code(code_id: int):
    """Edit a code's labels, descriptions and order (its key never changes)."""
    code = _code(code_id)
    form = CodeForm(obj=code)
    if form.validate_on_submit():
        return _saved(
            lambda: codebook_editor.update_code(
                g.study, code, current_user, **_data(form, *CODE_FIELDS)
            ),
            _("Code saved."),
            url_for("manage.codebook_index"),
        )
    status = 422 if form.errors else 200
    return render_template(
        "manage/codebook_code.html", category=code.category, code=code, form=form
    ), status


def _retire_or_restore(code_id: int, change, message: str):
    """Retire or restore a code (the service `change`), then show the overview again."""
    code = _code(code_id)
    if not ButtonForm().validate_on_submit():
        flash(_("This form had expired. Please send it again."), "error")
        return redirect(url_for("manage.codebook_index"))
    try:
        return _saved(
            lambda: change(g.study, code, current_user),
            message,
            url_for("manage.codebook_index"),
        )
    except Invalid as error:
        db.session.rollback()
        flash(" ".join(m for ms in error.errors.values() for m in ms), "error")
        return redirect(url_for("manage.codebook_index"))


@bp.post("/codebook/codes/<int:code_id>/retire")
def codebook_retire(code_id: int):
    """Retire a code: no longer offered for new records; records that hold it keep it."""
    return _retire_or_restore(code_id, codebook_editor.retire_code, _("Code retired."))


@bp.post("/codebook/codes/<int:code_id>/restore")
def codebook_restore(code_id: int):
    """Offer a retired code again."""
    return _retire_or_restore(code_id, codebook_editor.restore_code, _("Code restored."))


@bp.route("/codebook/codebook.xlsx")
def codebook_export():
    """The codebook as an xlsx file, one row per code."""
    content = codebook_xlsx.export_codebook(g.study)
    version = codebook.current_version(g.study)
    audit.record("export", "codebook", version, actor=current_user, study_id=g.study.id)
    db.session.commit()
    return send_file(
        io.BytesIO(content),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"codebook-{g.study.slug}-v{version}.xlsx",
    )


@bp.post("/codebook/import")
def codebook_import():
    """Import an xlsx codebook: all rows as one new version, or nothing and a list of bad rows."""
    form = CodebookUploadForm()
    if not form.validate_on_submit():
        return _render_index(upload=form, status=422)
    try:
        report = codebook_xlsx.import_codebook(g.study, form.file.data.read(), current_user)
    except codebook_xlsx.ImportRefused as refused:
        db.session.rollback()
        return _render_index(upload=form, report=refused.errors, status=422)
    except NothingChanged:
        db.session.rollback()
        flash(_("The file holds the codebook as it is: nothing changed."), "info")
        return redirect(url_for("manage.codebook_index"))
    db.session.commit()
    flash(
        _(
            "Codebook imported as version %(n)d (%(count)d changes).",
            n=report.version,
            count=len(report.changes),
        ),
        "success",
    )
    return redirect(url_for("manage.codebook_index"))
