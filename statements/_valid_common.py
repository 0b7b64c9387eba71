"""Problem reporting and value checks shared by the statement validator's parts.

Every check takes the list of problems found so far (`out`), the path of the value and the
value; it appends a `Problem` for each rule the value breaks and returns nothing. Paths of
children are built only when a problem is found or when the check descends into them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from typing import Any, Final

from statements._valid_formats import is_timestamp, is_uuid
from statements._valid_iri import is_iri
from statements._valid_langtag import is_language_tag
from statements.errors import Problem

MAX_PROBLEMS: Final = 20

# `obj.get(key, MISSING)` tells an absent key from a null value in one lookup.
MISSING: Final[Any] = object()

UNKNOWN = "unknown property (keys are case-sensitive)"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_FLOAT: Final = sys.float_info.max
_KEY_SHOWN: Final = 200


class Enough(Exception):
    """Raised once MAX_PROBLEMS problems are collected: the client has enough to act on."""


def add(out: list[Problem], path: str, rule: str) -> None:
    out.append(Problem(path, rule))
    if len(out) >= MAX_PROBLEMS:
        raise Enough


def prop(path: str, key: object) -> str:
    """The path of a property: `path.key`, or `path["odd key"]` when the key is no identifier."""
    if type(key) is str and len(key) <= _KEY_SHOWN and _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return entry(path, key)


def entry(path: str, key: object) -> str:
    """The path of a map entry (extensions, language maps): `path["key"]`.

    Keys longer than _KEY_SHOWN characters are cut (a path is for reading, and a hostile
    client should not get its megabyte key echoed back); lone surrogates, which a lenient JSON
    parser lets through and a strict encoder refuses, are written as escapes.
    """
    text = key if type(key) is str else str(key)
    if len(text) > _KEY_SHOWN:
        text = text[:_KEY_SHOWN] + "…"
    quoted = json.dumps(text, ensure_ascii=False)
    try:
        quoted.encode("utf-8")
    except UnicodeEncodeError:
        quoted = json.dumps(text)
    return f"{path}[{quoted}]"


def wrong(out: list[Problem], path: str, value: object, expected: str) -> None:
    """A value of the wrong type: null gets its own rule (Part 2, 2.2.s4.b1.b1)."""
    add(out, path, "must not be null" if value is None else f"must be {expected}")


def unknown(out: list[Problem], path: str, keys: Iterable[Any], allowed: frozenset[str]) -> None:
    """Report the keys not in `allowed` (2.2.s4.b1.b5 case, b7 not allowed by the spec)."""
    by_lower = {name.lower(): name for name in allowed}
    for key in keys:
        if key not in allowed:
            hint = by_lower.get(key.lower()) if type(key) is str else None
            add(out, prop(path, key), f'{UNKNOWN}; did you mean "{hint}"?' if hint else UNKNOWN)


def required(out: list[Problem], path: str, key: str, what: str = "") -> None:
    add(out, f"{path}.{key}", f"required{what}")


def iri(out: list[Problem], path: str, value: object) -> None:
    """Part 2, 2.2.s4.b1.b8 and 4.3: an absolute IRI (a scheme is required)."""
    if type(value) is not str:
        wrong(out, path, value, "an absolute IRI (a string)")
    elif not is_iri(value):
        add(out, path, "must be an absolute IRI")


def uuid(out: list[Problem], path: str, value: object) -> None:
    """Part 2, 4.4: "UUIDs MUST be in the standard string form"."""
    if type(value) is not str:
        wrong(out, path, value, "a UUID (a string)")
    elif not is_uuid(value):
        add(out, path, "must be a UUID")


def timestamp(out: list[Problem], path: str, value: object, v2: bool) -> None:
    """Part 2, 4.5 (2.0: Part 2, 2.2.7 "Timestamps")."""
    if type(value) is not str:
        wrong(out, path, value, "a timestamp (a string)")
    elif not is_timestamp(value, v2):
        add(
            out,
            path,
            "must be an RFC 3339 timestamp with time zone"
            if v2
            else "must be an ISO 8601 timestamp",
        )


def language_map(out: list[Problem], path: str, value: object) -> None:
    """Part 2, 4.2: keys are RFC 5646 language tags, values are strings."""
    if type(value) is not dict:
        wrong(out, path, value, "a language map (an object)")
        return
    for tag, text in value.items():
        if type(tag) is not str or not is_language_tag(tag):
            add(out, entry(path, tag), "key must be an RFC 5646 language tag")
        if type(text) is not str:
            wrong(out, entry(path, tag), text, "a string")


def extensions(out: list[Problem], path: str, value: object) -> None:
    """Part 2, 4.1: keys are IRIs; values are any JSON, null included (4.1.s3.b2)."""
    if type(value) is not dict:
        wrong(out, path, value, "an object (extensions)")
        return
    for key in value:
        if type(key) is not str or not is_iri(key):
            add(out, entry(path, key), "key must be an absolute IRI")


def is_number(value: object) -> bool:
    """A JSON number that is finite as a double (not a boolean, not NaN or infinity)."""
    if type(value) is float:
        return value - value == 0.0
    return type(value) is int and -_MAX_FLOAT <= value <= _MAX_FLOAT
