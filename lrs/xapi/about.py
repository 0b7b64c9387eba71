"""The About resource (xAPI 1.0.3, Part 3, 2.8)."""

from __future__ import annotations

from flask import Response, jsonify

from lrs.xapi import bp
from lrs.xapi.versions import SUPPORTED


@bp.route("/about", methods=["GET", "HEAD"])
def about() -> Response:
    """Return the versions this LRS speaks; no authentication needed (Part 3, 2.8)."""
    return jsonify(version=list(SUPPORTED), extensions={})
