"""German and English for the web pages: German by default, English switchable.

Source strings are English; each feature registers its German translations with
`register_translations` (a dict English -> German). The language comes from `?lang=`, then the
`lang` cookie, then Accept-Language, then German.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import g, request

from statements.formats import best_language

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
COOKIE = "lang"

_german: dict[str, str] = {}


def register_translations(german: Mapping[str, str]) -> None:
    _german.update(german)


def current_language() -> str:
    cached: str | None = g.get("lang")
    if cached:
        return cached
    lang = request.args.get("lang") or request.cookies.get(COOKIE)
    if lang not in LANGUAGES:
        lang = request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    g.lang = lang
    return lang


def gettext(text: str, **values: object) -> str:
    """`text` in the current language, with `{name}` placeholders filled from `values`."""
    translated = _german.get(text, text) if current_language() == "de" else text
    return translated.format(**values) if values else translated


def localised(value: Mapping[str, str] | None) -> str:
    """The best entry of a language map (e.g. a course title) for the current language."""
    if not value:
        return ""
    key = best_language(value, [current_language()])
    return value[key] if key is not None else ""


register_translations(
    {
        "Skip to content": "Zum Inhalt springen",
        "Language": "Sprache",
        "Sign in": "Anmelden",
        "Sign out": "Abmelden",
        "E-mail address": "E-Mail-Adresse",
        "Password": "Passwort",
        "New password": "Neues Passwort",
        "Repeat the new password": "Neues Passwort wiederholen",
        "Set password": "Passwort festlegen",
        "Choose a password of your own now (at least 12 characters).": "Bitte legen Sie jetzt ein eigenes Passwort fest (mindestens 12 Zeichen).",
        "The passwords differ.": "Die Passwörter stimmen nicht überein.",
        "The password needs at least 12 characters.": "Das Passwort braucht mindestens 12 Zeichen.",
        "Unknown e-mail address or wrong password.": "Unbekannte E-Mail-Adresse oder falsches Passwort.",
        "The form has expired; please try again.": "Das Formular ist abgelaufen; bitte versuchen Sie es erneut.",
        "Learning records for continuing-education programmes": "Lernnachweise für Weiterbildungsprogramme",
        "Lernspur keeps one trustworthy record of who completed what in your learning platforms "
        "(Moodle, ILIAS), which competencies that evidences, and how each funded programme "
        "stands against its targets.": "Lernspur führt einen verlässlichen Nachweis darüber, wer in Ihren Lernplattformen "
        "(Moodle, ILIAS) was abgeschlossen hat, welche Kompetenzen das belegt und wie jedes "
        "geförderte Programm bei seinen Zielen steht.",
        "For programme managers": "Für Programmverantwortliche",
        "For platform administrators": "Für Plattform-Administration",
        "Signed in as {email}.": "Angemeldet als {email}.",
        "Page not found": "Seite nicht gefunden",
        "Something went wrong": "Etwas ist schiefgegangen",
        "You are not allowed to see this page.": "Sie dürfen diese Seite nicht sehen.",
    }
)
