"""Lax parsing of query parameters at the edge (the first of two validation tiers).

xAPI 1.0.3 Part 3, 3.2: an LRS MUST reject with 400 any parameter it does not recognise in its
context, and any parameter matching a known one in all but case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import orjson

from lrs.errors import BadRequest
from statements.errors import Problem
from statements.timestamps import parse_timestamp


def reject_unknown(args: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    lowered = {a.lower(): a for a in allowed}
    problems = []
    for name in args:
        if name in allowed:
            continue
        if name.lower() in lowered:
            rule = f"unknown parameter; did you mean {lowered[name.lower()]!r}? (case-sensitive)"
        else:
            rule = "unknown parameter for this resource"
        problems.append(Problem(f"query.{name}", rule))
    if problems:
        raise BadRequest("The request has parameters this resource does not take.", problems)


def one(args: Mapping[str, Any], name: str) -> str | None:
    """A parameter given at most once."""
    values = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(
            f"Parameter {name} is given twice.",
            [Problem(f"query.{name}", "may be given only once")],
        )
    return str(values[0])


def boolean(args: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = one(args, name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise BadRequest(
            f"Parameter {name} must be true or false.",
            [Problem(f"query.{name}", "must be `true` or `false`")],
        )
    return value == "true"


def uuid_param(args: Mapping[str, Any], name: str) -> str | None:
    value = one(args, name)
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest(
            f"Parameter {name} must be a UUID.", [Problem(f"query.{name}", "must be a UUID")]
        ) from None


def timestamp_param(args: Mapping[str, Any], name: str) -> datetime | None:
    value = one(args, name)
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        raise BadRequest(
            f"Parameter {name} must be an ISO 8601 timestamp.",
            [Problem(f"query.{name}", "must be an ISO 8601 timestamp")],
        ) from None


def json_param(args: Mapping[str, Any], name: str) -> Any:
    value = one(args, name)
    if value is None:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise BadRequest(
            f"Parameter {name} must be JSON.", [Problem(f"query.{name}", "must be a JSON object")]
        ) from None


def nonnegative_int(args: Mapping[str, Any], name: str) -> int | None:
    value = one(args, name)
    if value is None:
        return None
    if not value.isdigit():
        raise BadRequest(
            f"Parameter {name} must be a non-negative integer.",
            [Problem(f"query.{name}", "must be a non-negative integer")],
        )
    return int(value)


def required(value: Any, name: str) -> Any:
    if value is None or value == "":
        raise BadRequest(f"Parameter {name} is required.", [Problem(f"query.{name}", "required")])
    return value
