"""xAPI version negotiation (xAPI 1.0.3, Part 3, 3.3 Versioning; IEEE 9274.1.1, 3.3).

A request names its version in `X-Experience-API-Version`; we serve 1.0.x as 1.0.3 and 2.0.x as
2.0.0, and answer with the version we used.
"""

from __future__ import annotations

import re

from flask import current_app

from lrs.errors import BadRequest
from statements.errors import Problem

SUPPORTED = ("1.0.3", "2.0.0")
LATEST = "2.0.0"

_VERSION_RE = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")


def negotiate_version(header: str | None) -> str:
    """The version to serve for a request whose header says `header`; 400 if we can't."""
    if header is None:
        raise BadRequest(
            "The X-Experience-API-Version header is required.",
            [Problem("headers.X-Experience-API-Version", "required on every xAPI request")],
        )
    match = _VERSION_RE.match(header.strip())
    if match is None:
        raise BadRequest(
            f"xAPI version {header!r} is not supported.",
            [
                Problem(
                    "headers.X-Experience-API-Version",
                    "must be a 1.0.x or 2.0.x version; supported: " + ", ".join(SUPPORTED),
                )
            ],
        )
    return "1.0.3" if match.group(1) == "1.0" else "2.0.0"


def response_version() -> str:
    """The version named on responses to requests that name none (`LERNSPUR_XAPI_VERSION`)."""
    return str(current_app.config.get("XAPI_DEFAULT_VERSION") or LATEST)
