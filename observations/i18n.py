"""Languages and time zones: Dutch by default, English on request, times in local time.

Times are shown in the locale's own clock ("14:05" in Dutch, "2:05 PM" in English) by the
filters `clock`, `day_clock` and `day_clock_range`; static/js/field.js `timeOf` writes the
phone's times the same way. `html_datetime` writes a `<time datetime>` value.
"""

from datetime import datetime

from babel import dates
from flask import Flask, Response, current_app, g, has_request_context, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    get_timezone,
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
        if g.get("api_locale") in languages:  # an API caller's user (api/auth.py)
            return g.api_locale
        # An API caller known by id alone has no language of its own (api_locale is None):
        # loading the user would say no more.
        known_by_id = "api_user_id" in g and "api_user" not in g
        user = None if known_by_id else g.get("api_user") or current_user
        if user is not None and user.is_authenticated and user.locale in languages:
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


def clock(value: datetime) -> str:
    """A time of day in the locale's clock: 14:05, or 2:05 PM."""
    return format_time(value, "short")


def _day(value: datetime) -> str:
    """A weekday and date in the locale's short form: vr 27 nov, or Fri, Nov 27."""
    return dates.format_skeleton("MMMEd", value, tzinfo=get_timezone(), locale=get_locale())


def day_clock(value: datetime) -> str:
    """A day and a time of day: vr 27 nov, 14:05, or Fri, Nov 27, 2:05 PM."""
    return get_locale().datetime_formats["short"].format(clock(value), _day(value))


def day_clock_range(start: datetime, end: datetime) -> str:
    """A day and a span of time: vr 27 nov, 10:00–11:30, or Fri, Nov 27, 10:00 – 11:30 AM."""
    locale = get_locale()
    # "h" where the locale reads the clock with AM/PM, "H" where it counts to 23.
    hours = "hm" if "h" in locale.time_formats["short"].pattern else "Hm"
    span = dates.format_interval(start, end, hours, tzinfo=get_timezone(), locale=locale)
    return locale.datetime_formats["short"].format(span, _day(start))


def html_datetime(value: datetime) -> str:
    """A valid HTML `datetime` value in local time, to the second: 2026-11-27T10:00:00+01:00."""
    return value.astimezone(get_timezone()).replace(microsecond=0).isoformat()


def html_date(value) -> str:
    """A valid HTML date value (and URL parameter): 2026-11-27."""
    return value.strftime("%Y-%m-%d")


def page_strings() -> dict[str, str]:
    """Texts the script on every page (static/js/page.js) shows, in the user's language."""
    return {
        "logout_waiting": gettext(
            "%(n)s records have not been sent yet. They stay on this phone and are sent "
            "when you log in again. Log out anyway?",
            n="%(n)s",
        ),
        "chars": gettext("%(length)s of %(longest)s characters"),
        "chars_over": gettext("%(n)s characters too many (at most %(longest)s)"),
        "chars_over_one": gettext("%(n)s character too many (at most %(longest)s)"),
    }


def _content_language(response: Response) -> Response:
    """Say which language a page is in: the service worker refreshes pages cached in another."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Language", str(get_locale()))
    return response


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
        clock=clock,
        day_clock=day_clock,
        day_clock_range=day_clock_range,
        html_datetime=html_datetime,
        html_date=html_date,
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
            "page_strings": page_strings,
        }

    app.after_request(_content_language)
