"""Numbers for people: German or English formatting, suppressed figures shown as such."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup, escape

from lrs.web.i18n import current_language, gettext


def _grouped(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    if current_language() == "de":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def suppressed_marker() -> Markup:
    label = gettext("withheld (fewer than the minimum cell size)")
    return Markup('<span class="withheld" title="{0}">–<span class="sr">{0}</span></span>').format(
        label
    )


def number(value: int | float | None, places: int = 0) -> Markup:
    if value is None:
        return suppressed_marker()
    return escape(_grouped(float(value), places))


def percent(value: float | None) -> Markup:
    if value is None:
        return suppressed_marker()
    return escape(_grouped(value * 100, 1) + "\u00a0%")


def euro(value: float | None) -> Markup:
    if value is None:
        return suppressed_marker()
    return escape(_grouped(value, 2) + "\u00a0€")


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(number=number, percent=percent, euro=euro)
