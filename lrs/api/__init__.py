"""The programme-manager API under `/api/v1/` (bearer tokens, OpenAPI at `/api/v1/openapi.json`)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from lrs.api import views  # noqa: F401  (routes register on import)

    app.register_blueprint(bp)
