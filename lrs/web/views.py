"""Home, sign-in, sign-out and the first-sign-in password change."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from lrs import db
from lrs.accounts.services import set_password, verify_login
from lrs.errors import BadRequest
from lrs.web import bp
from lrs.web.i18n import gettext
from lrs.web.security import (
    check_csrf,
    current_user,
    login_required,
    safe_next,
    sign_in,
    sign_out,
)

# Where each role lands after signing in; features register their start pages here.
ROLE_HOME: dict[str, str] = {}


def home_for(role: str) -> str:
    endpoint = ROLE_HOME.get(role)
    return url_for(endpoint) if endpoint else url_for("web.home")


@bp.get("/")
def home() -> str:
    return render_template("home.html", user=current_user())


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    error = None
    if request.method == "POST":
        check_csrf()
        user = verify_login(
            db.session(), request.form.get("email", ""), request.form.get("password", "")
        )
        if user is not None:
            sign_in(user)
            return redirect(safe_next(request.args.get("next"), home_for(user.role)))
        error = gettext("Unknown e-mail address or wrong password.")
    status = 401 if error else 200
    return render_template("login.html", error=error), status  # type: ignore[return-value]


@bp.post("/logout")
@login_required()
def logout() -> BaseResponse:
    sign_out()
    return redirect(url_for("web.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required()
def password() -> str | BaseResponse:
    user = current_user()
    assert user is not None
    error = None
    if request.method == "POST":
        new, again = request.form.get("password", ""), request.form.get("password2", "")
        if new != again:
            error = gettext("The passwords differ.")
        else:
            try:
                set_password(user, new)
            except BadRequest:
                error = gettext("The password needs at least 12 characters.")
            else:
                return redirect(safe_next(request.args.get("next"), home_for(user.role)))
    return render_template("password.html", error=error)
