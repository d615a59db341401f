"""Dutch by default, English on request, the choice kept; catalogs complete."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "observations" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("observations/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    """Every translatable text in the code and templates."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str, kind: str = "po"):
    """Read a language's .po or compiled .mo catalog."""
    path = TRANSLATIONS / locale / "LC_MESSAGES" / f"messages.{kind}"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale) if kind == "po" else read_mo(handle)


def strings_of(message) -> tuple:
    """A message's translation(s) as a tuple."""
    value = message.string
    return tuple(value) if isinstance(value, tuple | list) else (value,)


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_every_text_is_translated_and_compiled(locale):
    po = catalog(locale)
    mo = catalog(locale, "mo")
    for text in source_messages():
        message = po.get(text)
        assert message is not None, f"{locale}: not in the catalog: {text!r} (run pybabel update)"
        assert all(strings_of(message)), f"{locale}: untranslated: {text!r}"
        assert "fuzzy" not in message.flags, f"{locale}: fuzzy: {text!r}"
        compiled = mo.get(text)
        assert compiled is not None and strings_of(compiled) == strings_of(message), (
            f"{locale}: .mo out of date for {text!r} (run pybabel compile)"
        )


def test_dutch_translations_keep_their_placeholders():
    for message in catalog("nl"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[0]))
        for translated in strings_of(message):
            assert set(re.findall(r"%\(\w+\)[sd]", translated)) == wanted, message.id


def test_dutch_is_the_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "<h1>Inloggen</h1>" in page


def test_language_switch_for_a_visitor_is_kept_in_the_session(client, auth):
    token = auth.token()
    response = client.post(
        "/language", data={"locale": "en", "next": "/login", "csrf_token": token}
    )
    assert response.location == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page


def test_language_choice_is_saved_for_the_user(app, client, auth, world):
    auth.login("alpha-lead")
    client.post("/language", data={"locale": "en", "csrf_token": auth.token("/account")})
    auth.logout()
    fresh = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(fresh).login("alpha-lead")
    page = fresh.get("/studies/alpha/research/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Research overview" in page


def test_language_switch_refuses_unknown_languages(client, auth):
    client.post("/language", data={"locale": "fr", "csrf_token": auth.token()})
    assert '<html lang="nl">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        ("nl", ["Veldwerk", "Vandaag", "Je recente sessies", "Uitloggen", "Naar de inhoud"]),
        ("en", ["Fieldwork", "Today", "Your recent sessions", "Log out", "Skip to content"]),
    ],
)
def test_role_pages_render_in_both_languages(client, auth, world, locale, texts):
    auth.login("alpha-coordinator")
    client.post("/language", data={"locale": locale, "csrf_token": auth.token("/account")})
    page = client.get("/studies/alpha/field/").get_data(as_text=True)
    assert f'<html lang="{locale}">' in page
    for text in texts:
        assert text in page
