"""Which encoding a CSV file is in: a simple, deterministic rule rather than a guesser.

A PLDP table comes from a spreadsheet: Excel on Windows saves CSV in cp1252, "CSV UTF-8"
with a byte order mark, other programs UTF-8 without one, and "Unicode text" UTF-16.
Strict UTF-8 almost never decodes cp1252 text with accents by accident, so the rule is:
a UTF-16 byte order mark → UTF-16; else strict UTF-8 (the mark dropped); else cp1252;
else Latin-1 (which reads any byte) — unless there are NUL bytes: those are no text at all.
(A NUL in valid UTF-8 is left to the checks of the text itself, which name the place.)
Bytes that are UTF-8 but for encoded surrogates (what a program writing half an emoji makes)
are broken UTF-8, never cp1252 text: they are refused, not read as "í\xa0€".
A name given by the user (`--encoding`, the import page) is used as it is, strictly.
"""

import codecs

from flask_babel import gettext as _

# The choices the import page offers besides detection.
CHOICES = ("utf-8", "cp1252", "latin-1", "utf-16")


class NotText(ValueError):
    """The bytes cannot be read as text in the encoding detected or given."""


def known(name: str) -> bool:
    """Whether Python knows an encoding of this name."""
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _given(raw: bytes, name: str) -> tuple[str, str]:
    """The text in the encoding the user named, or NotText saying where it fails."""
    if not known(name):
        raise NotText(_("Unknown encoding %(name)s, e.g. utf-8 or cp1252.", name=name[:40]))
    codec = codecs.lookup(name).name
    try:
        text = raw.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as error:
        raise NotText(
            _(
                "The file cannot be read as %(name)s (byte %(position)d).",
                name=codec,
                position=error.start,
            )
        ) from None
    return text, codec


def decode(raw: bytes, name: str | None = None) -> tuple[str, str]:
    """(text, the encoding used) of a file's bytes; NotText if they are not text."""
    if name:
        text, used = _given(raw, name)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, used = raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise NotText(_not_text()) from None
    else:
        text, used = _detected(raw)
    return text, used


def _detected(raw: bytes) -> tuple[str, str]:
    """Strict UTF-8 (with or without BOM), then cp1252, then Latin-1."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8 (with BOM)"
        except UnicodeDecodeError:
            raise NotText(_not_text()) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _utf8_with_surrogates(raw) or b"\x00" in raw:
        raise NotText(_not_text())
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _utf8_with_surrogates(raw: bytes) -> bool:
    """Whether the bytes are UTF-8 once encoded surrogates are allowed (broken UTF-8)."""
    try:
        raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def _not_text() -> str:
    return _(
        "The file is not text in an encoding Terloops recognises (UTF-8, cp1252, Latin-1 "
        "or UTF-16). Save it as CSV UTF-8, or give its encoding."
    )
