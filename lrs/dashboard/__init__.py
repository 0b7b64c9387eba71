"""The programme managers' dashboard: server-rendered pages, charts as inline SVG.

Charts are drawn on the server as SVG (no chart library, no script): they work without
JavaScript under the `script-src 'self'` policy, every chart has a title and a table with the
same figures beside it, and there is no third-party code to keep patched.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "dashboard",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/dashboard",
)


def init_app(app: Flask) -> None:
    from lrs.dashboard import i18n, views  # noqa: F401  (register on import)
    from lrs.dashboard.formatting import register_filters
    from lrs.web.views import ROLE_HOME

    app.register_blueprint(bp)
    register_filters(app)
    ROLE_HOME["manager"] = "dashboard.mine"
