"""Languages and time zones: Dutch by default, English on request, times in local time."""

from flask import Flask, current_app, g, has_request_context, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    gettext,
    ngettext,
)
from flask_login import current_user
from markupsafe import Markup, escape

from .extensions import babel


def select_locale() -> str:
    """Pick the user's saved language, then the visitor's choice, then the default."""
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        user = g.get("api_user") or current_user
        if user.is_authenticated and user.locale in languages:
            return user.locale
        if session.get("locale") in languages:
            return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Show times in the time zone of the study being viewed."""
    study = g.get("study") if has_request_context() else None
    return study.timezone if study is not None else current_app.config["BABEL_DEFAULT_TIMEZONE"]


def label(item, locale: str | None = None) -> str:
    """Return a codebook item's label in the current language."""
    return item.label(locale or str(get_locale()))


def softbreak(text: str) -> Markup:
    """Let long labels such as 'lezen/spellen/maken' wrap after a slash, not mid-word."""
    return Markup("/<wbr>").join(escape(part) for part in str(text).split("/"))


def export_summary(settings: dict) -> str:
    """A one-line description of an export's settings, for the list of past exports."""
    from .export.words import words

    languages = {"nl": "Nederlands", "en": "English", "codes": "codes"}
    parts = [gettext("labels: %(labels)s", labels=languages.get(settings.get("labels"), "–"))]
    if settings.get("sites"):
        parts.append(ngettext("%(num)d site", "%(num)d sites", len(settings["sites"])))
    else:
        parts.append(gettext("all sites"))
    if settings.get("date_from") or settings.get("date_to"):
        parts.append(f"{settings.get('date_from') or '…'} – {settings.get('date_to') or '…'}")
    else:
        parts.append(gettext("whole period"))
    if settings.get("observers"):
        parts.append(ngettext("%(num)d observer", "%(num)d observers", len(settings["observers"])))
    if settings.get("review_states"):
        review = words(str(get_locale()))["review"]
        parts.append(", ".join(review[s] for s in settings["review_states"] if s in review))
    return " · ".join(p for p in parts if p)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers that format dates and labels."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date=format_date,
        time=format_time,
        format_decimal=format_decimal,
        label=label,
        softbreak=softbreak,
        export_summary=export_summary,
    )

    @app.context_processor
    def language_context() -> dict:
        """Expose the current language and the choices to every template."""
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }
