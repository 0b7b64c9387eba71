"""Who is signed in, who may see a page, and CSRF tokens for every form.

Sessions are Flask's signed cookies holding the user's pk and a CSRF token; every state-changing
request from a page must echo the token (form field `csrf_token` or header `X-CSRF-Token`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from lrs import db
from lrs.accounts.models import User

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    if "user" not in g:
        pk = session.get("user_pk")
        g.user = db.session().get(User, pk) if pk is not None else None
    return g.user  # type: ignore[no-any-return]


def sign_in(user: User) -> None:
    session.clear()
    session["user_pk"] = user.pk
    session["csrf"] = secrets.token_urlsafe(32)
    g.user = user


def sign_out() -> None:
    session.clear()
    g.user = None


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Abort with 400 unless the request carries this session's CSRF token."""
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="csrf")


def safe_next(target: str | None, default: str) -> str:
    """Only local paths are followed after sign-in (no open redirects).

    Browsers read a backslash as a slash, so `/\\evil.example` is checked as `//evil.example`.
    """
    if not target:
        return default
    url = target.replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return default
    return target


def login_required(*roles: str) -> Callable[[F], F]:
    """Pages for signed-in users of the given roles (any role if none given)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if user.must_change_password and request.endpoint != "web.password":
                return redirect(url_for("web.password", next=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                check_csrf()
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
