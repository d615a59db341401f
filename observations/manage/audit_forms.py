"""The audit log's filter form, shared by the coordinator's and the admin's pages."""

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from .. import audit_log, text
from ..forms import DayField, Form


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    # A kind or action no event in scope has simply finds nothing.
    entity = SelectField(_l("Kind"), default="", validate_choice=False)
    action = SelectField(_l("Action"), default="", validate_choice=False)
    actor = SelectField(_l("Person"), default="")
    date_from = DayField(_l("From"))
    date_to = DayField(_l("To"))
    study = SelectField(_l("Study"), default="")


def filter_form(study_id: int | None, studies=()) -> AuditFilterForm:
    """The filter form filled from the URL, its menus from the events in scope."""
    # An empty field of a sent filter form means "any", not a date that failed to parse.
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if v])
    form = AuditFilterForm(args)
    options = audit_log.choices(study_id, audit_log.Filters())
    everything = [("", _l("All"))]
    form.entity.choices = everything + [(e, audit_log.entity_label(e)) for e in options["entities"]]
    form.action.choices = everything + [(a, audit_log.action_label(a)) for a in options["actions"]]
    form.actor.choices = (
        everything
        + [("0", _l("system"))]
        + [(str(u.id), f"{u.name} ({u.username})") for u in options["people"]]
    )
    form.study.choices = (
        everything
        + [(audit_log.ACCOUNTS, _l("Accounts (no study)"))]
        + [(str(s.id), s.name) for s in studies]
    )
    return form


def filters_of(form: AuditFilterForm) -> audit_log.Filters:
    """The filters the form asks for; a bad value (unknown choice, bad date) narrows nothing."""
    form.validate()

    def valid(field):
        """The field's value if it can narrow the list, else None."""
        data = field.data
        if field.errors or data in (None, "None", ""):
            return None
        # PostgreSQL refuses a NUL even in a query: such a filter narrows nothing.
        return None if isinstance(data, str) and text.character_problem(data) else data

    actor = valid(form.actor)
    return audit_log.Filters(
        entity=(valid(form.entity) or "")[:40],
        action=(valid(form.action) or "")[:40],
        actor=int(actor) if actor and actor.isdigit() else None,
        date_from=valid(form.date_from),
        date_to=valid(form.date_to),
        study=valid(form.study) or audit_log.ALL_STUDIES,
    )


def page_number() -> int:
    """The page asked for in the URL (1 when missing or bad)."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100000))
